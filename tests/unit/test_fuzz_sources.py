"""Fuzz input sources: schema translation, boundary sizes, mutations, varied copies."""

from __future__ import annotations

from typing import Any

import jsonschema_rs
from hypothesis import given, settings
from hypothesis import strategies as st

from configguard.fuzzing.schema import array_sites, translate
from configguard.fuzzing.sources import build, shape
from configguard.fuzzing.strategies import (
    DELETE,
    boundary_sizes,
    case_strategy,
    filled,
    replaced,
)


def test_2020_12_keywords_are_translated_where_meaning_is_kept() -> None:
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$defs": {"port": {"type": "integer", "minimum": 1}},
        "type": "object",
        "properties": {
            "pair": {"prefixItems": [{"type": "string"}, {"$ref": "#/$defs/port"}], "items": False},
        },
        "dependentRequired": {"tls": ["cert"]},
        "dependentSchemas": {"debug": {"required": ["level"]}},
    }
    result = translate(schema)
    assert result.notes == ()
    out = result.schema
    assert out["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert out["definitions"] == {"port": {"type": "integer", "minimum": 1}}
    pair = out["properties"]["pair"]
    assert pair["items"][1] == {"$ref": "#/definitions/port"}
    assert pair["additionalItems"] is False
    assert out["dependencies"] == {"tls": ["cert"], "debug": {"required": ["level"]}}


def test_untranslatable_keywords_are_named() -> None:
    dropped = translate({"type": "object", "unevaluatedProperties": False})
    assert dropped.schema == {
        "type": "object",
        "$schema": "http://json-schema.org/draft-07/schema#",
    }
    assert "unevaluatedProperties" in dropped.notes[0]
    assert "still classified by the full schema" in dropped.notes[0]
    blocked = translate({"$dynamicRef": "#meta"})
    assert blocked.schema is None and "$dynamicRef" in blocked.notes[0]
    remote = translate({"$ref": "other.schema.json"})
    assert remote.schema is None and "another document" in remote.notes[0]


BOT = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {
        "features": {
            "type": "array",
            "maxItems": 1000,
            "uniqueItems": True,
            "items": {"$ref": "#/$defs/feature"},
        },
    },
    "$defs": {
        "feature": {
            "type": "object",
            "additionalProperties": False,
            "required": ["name", "weight"],
            "properties": {
                "name": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$", "maxLength": 12},
                "weight": {"type": "number", "minimum": 0, "maximum": 1},
            },
        }
    },
}


def test_array_sites() -> None:
    (site,) = array_sites(BOT)
    assert site.path == ("features",) and site.max_items == 1000 and site.unique
    assert site.item_schema_pointer == "/properties/features/items"


def test_varied_copies_stay_valid_and_unique() -> None:
    validator = jsonschema_rs.validator_for(BOT)
    rows = [{"name": "ja3_score_ab", "weight": 0.5}, {"name": "x", "weight": 1}]
    sources = build(BOT, validator.is_valid, [{"features": rows}], 10_000)
    (slot,) = sources.slots
    assert slot.vary is not None and slot.cap == 1000
    grown = filled(rows, 1000, slot.vary)
    assert len(grown) == 1000
    assert validator.is_valid({"features": grown})
    # 'name' has maxLength 12: appending would break it, so the copies vary in place
    assert all(len(row["name"]) <= 12 for row in grown)


def test_boundary_sizes() -> None:
    sizes = boundary_sizes(1, 1000, (61,))
    assert {0, 1, 2, 127, 128, 129, 255, 256, 257, 1000, 1001, 61, 122, 244, 610} <= set(sizes)
    assert max(sizes) == 1001


def test_replaced_copies_only_the_path() -> None:
    data: dict[str, Any] = {"a": [{"b": 1}, {"c": 2}], "d": {"e": 3}}
    out = replaced(data, ("a", 0, "b"), lambda v: v + 1)
    assert out == {"a": [{"b": 2}, {"c": 2}], "d": {"e": 3}}
    assert data["a"][0]["b"] == 1 and out["d"] is data["d"]
    assert replaced(data, ("a", 1), lambda v: DELETE)["a"] == [{"b": 1}]
    assert replaced(data, ("missing", 3), lambda v: 0) is data


def test_shape() -> None:
    assert shape({"features": [1] * 201}) == "/features: 201 items"
    assert shape({"a": 1}) == '{"a":1}'


REAL = {"features": [{"name": f"f{i}", "weight": i / 100} for i in range(61)]}
SOURCES = build(BOT, jsonschema_rs.validator_for(BOT).is_valid, [REAL], 10_000)


@settings(max_examples=150, deadline=None)
@given(case_strategy(SOURCES))
def test_every_case_is_json_data(case: Any) -> None:
    """Property: whatever the source, the input is plain JSON data (it crosses a pipe)."""
    import json

    assert case.source in {"mutation", "boundary", "schema"}
    json.loads(json.dumps(case.data))
    if case.source == "boundary":
        assert isinstance(case.data["features"], list)


def test_every_source_is_drawn() -> None:
    seen: set[str] = set()

    @settings(max_examples=300, deadline=None, database=None, derandomize=True)
    @given(case_strategy(SOURCES))
    def collect(case: Any) -> None:
        seen.add(case.source)

    collect()
    assert seen == {"mutation", "boundary", "schema"}


@given(st.integers(0, 3000))
def test_filled_size(size: int) -> None:
    assert len(filled([1, 2, 3], size, None)) == size
