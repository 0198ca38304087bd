"""The schema registry: offline ``$ref`` resolution, draft selection, formats, and the
readings configguard chooses where validators differ. No network, no ../shared."""

from __future__ import annotations

import json
import socket
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from configguard.errors import ConfigurationError
from configguard.schemas import SchemaRegistry
from configguard.schemas import registry as registry_module

DRAFT4 = "http://json-schema.org/draft-04/schema#"
DRAFT6 = "http://json-schema.org/draft-06/schema#"
DRAFT7 = "http://json-schema.org/draft-07/schema#"
DRAFT2019 = "https://json-schema.org/draft/2019-09/schema"
DRAFT2020 = "https://json-schema.org/draft/2020-12/schema"


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to open a connection fails the test."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("configguard tried to use the network")

    monkeypatch.setattr(urllib.request, "urlopen", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


def write(path: Path, schema: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(schema), "utf-8")
    return path


def errors(registry: SchemaRegistry, schema: Path, data: Any) -> list[str]:
    return [hit.pointer for hit in registry.compiled(schema).hits(data)]


# -- offline resolution ----------------------------------------------------------------


def test_ref_resolves_by_id_of_a_schema_in_the_schema_dirs(tmp_path: Path) -> None:
    write(
        tmp_path / "lib" / "common.json",
        {
            "$schema": DRAFT7,
            "$id": "https://schemas.example.com/common.json",
            "definitions": {"port": {"type": "integer", "maximum": 65535}},
        },
    )
    main = write(
        tmp_path / "app.json",
        {
            "$schema": DRAFT7,
            "properties": {
                "port": {"$ref": "https://schemas.example.com/common.json#/definitions/port"}
            },
        },
    )
    registry = SchemaRegistry((tmp_path / "lib",))
    assert errors(registry, main, {"port": 8080}) == []
    assert errors(registry, main, {"port": 70000}) == ["/port"]


def test_relative_ref_resolves_against_the_id_of_the_referring_schema(tmp_path: Path) -> None:
    # The file is named differently from its $id: only the $id can find it.
    write(
        tmp_path / "s" / "anything.json",
        {"$id": "https://schemas.example.com/v1/name.json", "type": "string", "minLength": 1},
    )
    main = write(
        tmp_path / "s" / "main.json",
        {
            "$schema": DRAFT2020,
            "$id": "https://schemas.example.com/v1/main.json",
            "properties": {"name": {"$ref": "name.json"}},
        },
    )
    registry = SchemaRegistry((tmp_path / "s",))
    assert errors(registry, main, {"name": "x"}) == []
    assert errors(registry, main, {"name": ""}) == ["/name"]


def test_draft4_id_is_registered_too(tmp_path: Path) -> None:
    write(
        tmp_path / "d" / "old.json",
        {"$schema": DRAFT4, "id": "http://schemas.example.com/old.json", "type": "boolean"},
    )
    main = write(
        tmp_path / "main.json",
        {"$schema": DRAFT4, "properties": {"on": {"$ref": "http://schemas.example.com/old.json"}}},
    )
    registry = SchemaRegistry((tmp_path / "d",))
    assert errors(registry, main, {"on": True}) == []
    assert errors(registry, main, {"on": "yes"}) == ["/on"]


def test_relative_file_ref_without_any_id(tmp_path: Path) -> None:
    write(tmp_path / "parts" / "item.json", {"type": "object", "required": ["id"]})
    main = write(tmp_path / "main.json", {"type": "array", "items": {"$ref": "parts/item.json"}})
    registry = SchemaRegistry(())
    assert errors(registry, main, [{"id": 1}]) == []
    assert errors(registry, main, [{"id": 1}, {}]) == ["/1"]


def test_unknown_remote_ref_is_a_clear_error_not_a_download(tmp_path: Path) -> None:
    main = write(
        tmp_path / "main.json",
        {"$schema": DRAFT7, "$ref": "https://elsewhere.example.org/missing.json"},
    )
    [hit] = SchemaRegistry(()).compiled(main).hits({"any": "value"})
    assert "https://elsewhere.example.org/missing.json" in hit.message
    assert "not available offline" in hit.message
    assert "allow_remote_refs" in hit.message


def test_remote_refs_are_fetched_only_when_allowed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fetched: list[str] = []

    def fake_download(uri: str) -> Any:
        fetched.append(uri)
        return {"type": "integer"}

    monkeypatch.setattr(registry_module, "_download", fake_download)
    main = write(tmp_path / "main.json", {"$ref": "https://elsewhere.example.org/int.json"})
    registry = SchemaRegistry((), allow_remote_refs=True)
    assert errors(registry, main, 3) == []
    assert errors(registry, main, "3") == [""]
    assert fetched == ["https://elsewhere.example.org/int.json"]


def test_a_missing_schema_dir_is_a_configuration_error(tmp_path: Path) -> None:
    main = write(tmp_path / "main.json", {"$ref": "https://schemas.example.com/x.json"})
    with pytest.raises(ConfigurationError, match="schema directory does not exist"):
        SchemaRegistry((tmp_path / "nope",)).compiled(main)


def test_one_compiled_validator_per_schema(tmp_path: Path) -> None:
    main = write(tmp_path / "main.json", {"type": "object"})
    registry = SchemaRegistry(())
    assert registry.compiled(main) is registry.compiled(tmp_path / "." / "main.json")


# -- drafts, chosen by $schema -----------------------------------------------------------


@pytest.mark.parametrize(
    ("draft", "schema", "valid", "invalid"),
    [
        # draft-04: exclusiveMaximum is a boolean modifier of maximum
        (DRAFT4, {"maximum": 5, "exclusiveMaximum": True}, 4, 5),
        # draft-06 onwards: exclusiveMaximum is a number of its own
        (DRAFT6, {"exclusiveMaximum": 5}, 4, 5),
        (DRAFT7, {"if": {"minimum": 10}, "then": {"multipleOf": 10}}, 20, 15),
        # 2019-09: dependentRequired exists (draft-07 would ignore it)
        (DRAFT2019, {"dependentRequired": {"a": ["b"]}}, {"a": 1, "b": 2}, {"a": 1}),
        # 2020-12: prefixItems exists
        (DRAFT2020, {"prefixItems": [{"type": "string"}]}, ["x"], [1]),
    ],
)
def test_draft_is_chosen_by_dollar_schema(
    tmp_path: Path, draft: str, schema: dict[str, Any], valid: Any, invalid: Any
) -> None:
    path = write(tmp_path / "s.json", {"$schema": draft, **schema})
    registry = SchemaRegistry(())
    assert errors(registry, path, valid) == []
    assert errors(registry, path, invalid) != []


def test_keywords_of_later_drafts_are_ignored_in_earlier_ones(tmp_path: Path) -> None:
    path = write(tmp_path / "s.json", {"$schema": DRAFT7, "dependentRequired": {"a": ["b"]}})
    assert errors(SchemaRegistry(()), path, {"a": 1}) == []


# -- formats -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "valid", "invalid"),
    [
        ("email", "ops@example.com", "not an email"),
        ("date", "2025-11-18", "2025-13-01"),
        ("date-time", "2025-11-18T11:20:00Z", "18/11/2025 11:20"),
        ("ipv4", "192.0.2.1", "300.1.1.1"),
        ("uri", "https://example.com/x", "no scheme"),
        ("regex", "^[a-z]+$", "(unclosed"),
    ],
)
def test_formats_are_checked(tmp_path: Path, fmt: str, valid: str, invalid: str) -> None:
    path = write(tmp_path / "s.json", {"$schema": DRAFT2020, "format": fmt})
    registry = SchemaRegistry(())
    assert errors(registry, path, valid) == []
    assert errors(registry, path, invalid) == [""]


def test_unknown_formats_are_ignored(tmp_path: Path) -> None:
    path = write(tmp_path / "s.json", {"$schema": DRAFT7, "format": "uint32"})
    assert errors(SchemaRegistry(()), path, "anything") == []


# -- readings where validators differ ----------------------------------------------------


def test_content_keywords_are_annotations_in_draft7(tmp_path: Path) -> None:
    path = write(
        tmp_path / "s.json",
        {
            "$schema": DRAFT7,
            "properties": {
                "options": {"type": "string", "contentMediaType": "application/json"},
                "blob": {"type": "string", "contentEncoding": "base64"},
            },
        },
    )
    registry = SchemaRegistry(())
    assert errors(registry, path, {"options": "", "blob": "%%% not base64"}) == []
    assert errors(registry, path, {"options": 1}) == ["/options"]


def test_const_is_honoured_in_draft4(tmp_path: Path) -> None:
    path = write(
        tmp_path / "s.json",
        {
            "$schema": DRAFT4,
            "properties": {"kind": {"const": "sql"}},
            "oneOf": [
                {"properties": {"direction": {"const": "in"}}},
                {"properties": {"direction": {"const": "out"}}},
            ],
        },
    )
    registry = SchemaRegistry(())
    assert errors(registry, path, {"kind": "sql", "direction": "in"}) == []
    assert errors(registry, path, {"kind": "http", "direction": "in"}) == ["/kind"]
    assert errors(registry, path, {"kind": "sql", "direction": "sideways"}) == ["/direction"]


def test_draft4_const_next_to_enum_keeps_both(tmp_path: Path) -> None:
    path = write(
        tmp_path / "s.json", {"$schema": DRAFT4, "enum": ["a", "b"], "const": "b", "allOf": []}
    )
    registry = SchemaRegistry(())
    assert errors(registry, path, "b") == []
    assert errors(registry, path, "a") != []


def test_draft4_rewrite_leaves_a_property_named_const_and_data_alone(tmp_path: Path) -> None:
    path = write(
        tmp_path / "s.json",
        {
            "$schema": DRAFT4,
            "properties": {"const": {"type": "integer"}},
            "required": ["const"],
            "default": {"const": 1},
        },
    )
    registry = SchemaRegistry(())
    schema = registry.document(path)
    assert schema["properties"] == {"const": {"type": "integer"}}
    assert schema["default"] == {"const": 1}
    assert errors(registry, path, {"const": 3}) == []
    assert errors(registry, path, {"const": "x"}) == ["/const"]


def test_a_dangling_ref_in_a_referenced_schema_matters_only_where_reached(tmp_path: Path) -> None:
    # jsonschema-rs resolves every $ref of a retrieved document up front, even in parts
    # the schema being compiled never uses: a stand-in fails only the values reaching it.
    write(
        tmp_path / "lib" / "base.json",
        {
            "$id": "https://schemas.example.com/base.json",
            "definitions": {"path": {"type": "string"}, "license": {"$ref": "spdx"}},
        },
    )
    main = write(
        tmp_path / "main.json",
        {"$ref": "https://schemas.example.com/base.json#/definitions/path"},
    )
    registry = SchemaRegistry((tmp_path / "lib",))
    assert registry.compiled(main).hits("a/path") == []  # the dangling part is never reached
    reach = write(
        tmp_path / "reach.json",
        {"$ref": "https://schemas.example.com/base.json#/definitions/license"},
    )
    [hit] = registry.compiled(reach).hits("MIT")
    assert hit.message.startswith("$ref https://schemas.example.com/spdx is not available offline")
