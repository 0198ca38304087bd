"""Fuzzing deeper: the dictionary, the mutations that reach combinations, recursive $refs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema_rs
from hypothesis import HealthCheck, Phase, find, settings
from hypothesis_jsonschema import from_schema

from configguard.fuzzing.dictionary import Dictionary, build, module_files, read_afl
from configguard.fuzzing.schema import MAX_REF_DEPTH, inline_refs, translate
from configguard.fuzzing.sources import build as build_sources
from configguard.fuzzing.sources import difference
from configguard.fuzzing.strategies import Case, DocIndex, mutations_of

QUICK = settings(
    max_examples=5000,
    database=None,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)


def test_dictionary_reads_the_consumers_code_without_running_it(tmp_path: Path) -> None:
    package = tmp_path / "loader"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "core.py").write_text(
        '"""Docstrings are not words."""\n'
        "raise SystemExit('importing this would end the test run')\n"
        "def load(data):\n"
        "    if data['name'] == '__default__' or len(data['rows']) > 200:\n"
        "        raise KeyError\n"
    )
    (package / "limits.py").write_text("HEADER = 'X-Internal'\n")
    assert {p.name for p in module_files(tmp_path, "loader.core:load")} == {
        "__init__.py",
        "core.py",
        "limits.py",
    }
    words = build(tmp_path, "loader.core:load", None, [{"region": "eu", "weight": 7}])
    assert "__default__" in words.strings and "X-Internal" in words.strings
    assert "Docstrings are not words." not in words.strings
    assert {200, 201, 199} <= set(words.numbers)  # a threshold and its neighbours
    assert "region" in words.keys and "eu" in words.strings and 7 in words.numbers


def test_afl_dictionary(tmp_path: Path) -> None:
    path = tmp_path / "words.dict"
    path.write_text('# comment\nkw1="GET"\n"\\x41B\\"C"\nport@2="8080"\nnot a word\n')
    words = Dictionary()
    read_afl(path, words)
    assert words.strings == ["GET", 'AB"C', "8080"]
    assert words.numbers == [8080]


def _folded_collision(data: Any) -> bool:
    headers = data.get("headers") if isinstance(data, dict) else None
    if not isinstance(headers, dict):
        return False
    return len({str(k).lower() for k in headers}) < len(headers)


def _reaches(docs: list[Any], words: Dictionary, predicate: Any) -> Case:
    strategy = mutations_of([DocIndex.build(d) for d in docs], words, "mutation")
    return find(strategy, lambda case: bool(predicate(case.data)), settings=QUICK)


def test_mutations_reach_case_collisions_and_moved_values() -> None:
    headers = {"headers": {"Content-Type": "json", "Accept": "*"}}
    found = _reaches([headers], Dictionary(), _folded_collision)
    assert any("also written as" in how for how in found.how)
    rules = {"rules": [{"a": "skip", "p": "request"}, {"a": "block", "p": "response"}]}
    found = _reaches(
        [rules],
        Dictionary(),
        lambda d: isinstance(d.get("rules"), list) and {"a": "skip", "p": "response"} in d["rules"],
    )
    assert found.how


def test_mutations_reach_integral_floats_dictionary_words_and_depth() -> None:
    found = _reaches(
        [{"retries": 3}],
        Dictionary(),
        lambda d: d.get("retries") == 3.0 and isinstance(d.get("retries"), float),
    )
    assert "written as a float" in found.how[0]
    words = Dictionary(strings=["__default__"])
    found = _reaches([{"name": "api"}], words, lambda d: d.get("name") == "__default__")

    def depth(value: Any) -> int:
        if isinstance(value, dict):
            return 1 + max((depth(v) for v in value.values()), default=0)
        if isinstance(value, list):
            return 1 + max((depth(v) for v in value), default=0)
        return 0

    tree = {"menu": {"label": "a", "children": [{"label": "b", "children": []}]}}
    found = _reaches([tree], Dictionary(), lambda d: depth(d) > 20)
    assert any("spliced into" in how for how in found.how)


RECURSIVE = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$defs": {
        "node": {
            "type": "object",
            "required": ["label"],
            "properties": {
                "label": {"type": "string"},
                "children": {"type": "array", "items": {"$ref": "#/$defs/node"}},
            },
        }
    },
    "type": "object",
    "properties": {"menu": {"$ref": "#/$defs/node"}},
    "required": ["menu"],
}


def test_recursive_local_refs_are_generated_to_a_bounded_depth() -> None:
    inlined = inline_refs(RECURSIVE, "file:///x/schema.json", None)
    assert "$ref" not in repr(inlined)
    generating = translate(inlined).schema
    validator = jsonschema_rs.validator_for(RECURSIVE)

    def levels(node: Any) -> int:
        return 1 + max((levels(c) for c in node.get("children", [])), default=0)

    deep = find(
        from_schema(generating),
        lambda d: levels(d["menu"]) >= MAX_REF_DEPTH,
        settings=QUICK,
    )
    assert validator.is_valid(deep)  # what is generated is valid for the full schema


def test_refs_to_other_files_are_inlined() -> None:
    other = {
        "type": "object",
        "properties": {"size": {"$ref": "#/$defs/n"}},
        "$defs": {"n": {"type": "integer", "minimum": 1}},
    }
    schema = {"type": "object", "properties": {"pool": {"$ref": "pool.json"}}}

    def retrieve(uri: str) -> Any:
        assert uri == "file:///project/schemas/pool.json"
        return other

    inlined = inline_refs(schema, "file:///project/schemas/main.json", retrieve)
    assert inlined["properties"]["pool"]["properties"]["size"] == {
        "type": "integer",
        "minimum": 1,
    }
    sources = build_sources(
        schema, None, [], 100, None, "file:///project/schemas/main.json", retrieve
    )
    assert sources.schema_strategy is not None, sources.notes


def test_minimal_input_says_what_differs_from_the_real_file() -> None:
    real = [{"endpoints": {"api": {"records": [{"a": i} for i in range(12)], "port": 80}}}]
    shrunk = {"endpoints": {"api": {"records": True, "port": 80}}}
    assert difference(shrunk, real) == "/endpoints/api/records: true, was a list of 12 items"
    grown = {"endpoints": {"api": {"records": [{"a": 1}] * 201, "port": 80.0}}}
    assert difference(grown, real) == (
        "/endpoints/api/records: 201 items, was 12 (its entries repeated); "
        "/endpoints/api/port: 80.0 (a float), was 80"
    )
