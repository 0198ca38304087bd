"""Properties of the rules engine on arbitrary documents: it is deterministic, its output
is sorted, and every finding's pointer resolves in the document (or, for a missing key,
its parent does)."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from configguard.engine import rule_findings
from configguard.findings import Finding
from configguard.kinds import Rule
from configguard.load import load
from configguard.locate import parent, split
from configguard.rules import load_rules
from tests.properties.test_load_properties import values, yaml_values

# A rule of every document kind, with limits small enough to fire on small documents.
RULES: list[dict[str, Any]] = [
    {"kind": "max-items", "path": "/*", "max": 1},
    {"kind": "min-items", "path": "/*/*", "min": 2},
    {"kind": "max-properties", "max": 1},
    {"kind": "max-depth", "max": 2},
    {"kind": "max-length", "path": "/*", "max": 2},
    {"kind": "unique", "path": "/*"},
    {"kind": "unique", "path": "", "key": "a"},
    {"kind": "required", "path": "/*", "keys": ["a", ""]},
    {"kind": "required", "path": "/x/y", "keys": ["z"]},
    {"kind": "forbidden", "path": "/*/*", "values": [0, None, ""]},
    {"kind": "forbidden", "path": "/*", "pattern": "a"},
    {"kind": "regex-safe", "path": "/*"},
    {"kind": "cel", "expr": "size(self) < 2", "path": "/*"},
]


def _rules() -> tuple[Rule, ...]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "rules.yaml"
        specs = [{"id": f"r{i}", **spec} for i, spec in enumerate(RULES)]
        path.write_text(yaml.safe_dump({"rules": specs}), encoding="utf-8")
        return load_rules(path, "rules.yaml")


ALL = _rules()


def resolves(data: Any, pointer: str) -> bool:
    node = data
    for token in split(pointer):
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return False
    return True


def run(text: str, name: str) -> tuple[Any, list[Finding]]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_text(text, encoding="utf-8")
        loaded = load(path, name)
        [document] = loaded.documents
        return document.data, rule_findings(document, ALL)


def check_properties(text: str, name: str) -> None:
    data, first = run(text, name)
    _, second = run(text, name)
    assert first == second, "the engine is deterministic"
    assert first == sorted(first, key=Finding.sort_key), "findings come sorted"
    for finding in first:
        assert resolves(data, finding.path) or resolves(data, parent(finding.path)), finding
        assert finding.line >= 1 and finding.column >= 1


@settings(max_examples=150, deadline=None)
@given(values)
def test_engine_properties_on_json(data: Any) -> None:
    check_properties(json.dumps(data, indent=1, ensure_ascii=False), "doc.json")


@settings(max_examples=100, deadline=None)
@given(yaml_values)
def test_engine_properties_on_yaml(data: Any) -> None:
    check_properties(yaml.safe_dump(data, allow_unicode=True), "doc.yaml")


def same_json(a: Any, b: Any) -> bool:
    """Equal as JSON values: like ``==``, except that true is not 1 and false is not 0."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same_json(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(map(same_json, a, b))
    numbers = type(a) in (int, float) and type(b) in (int, float)
    return (numbers or type(a) is type(b)) and bool(a == b)


SCALARS = ["a", "b", "1", 0, 1, 1.0, True, False, None]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from([*SCALARS, {"a": 1}, {"a": 1.0}, {"a": True}, [1]]), max_size=30))
def test_unique_agrees_with_a_pairwise_oracle(items: list[Any]) -> None:
    """Hashing canonical JSON finds a duplicate exactly when some pair is equal."""
    _, found = run(json.dumps({"v": items}), "doc.json")
    fired = any(f.rule == "r5" for f in found)
    pairwise = any(same_json(items[i], items[j]) for i in range(len(items)) for j in range(i))
    assert fired == pairwise


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(SCALARS), max_size=30))
def test_unique_of_scalars_agrees_with_a_pairwise_oracle(items: list[Any]) -> None:
    """Lists of scalars, and of mappings keyed by scalars, take the set-building shortcut;
    it must answer the same."""
    pairwise = any(same_json(items[i], items[j]) for i in range(len(items)) for j in range(i))
    _, found = run(json.dumps({"v": items}), "doc.json")
    assert any(f.rule == "r5" for f in found) == pairwise
    _, found = run(json.dumps([{"a": item} for item in items]), "doc.json")  # key: a
    assert any(f.rule == "r6" for f in found) == pairwise


CHANGE_RULES: list[dict[str, Any]] = [
    {"kind": "max-growth", "metric": "items", "path": "/*", "ratio": 1.0, "max_added": 0},
    {"kind": "max-growth", "metric": "bytes", "ratio": 1.0},
    {"kind": "max-shrink", "metric": "items", "path": "/*", "ratio": 1.0, "max_removed": 0},
    {"kind": "no-removal", "path": "/*"},
    {"kind": "no-removal", "path": "/*", "key": "a"},
    {"kind": "immutable", "path": "/*"},
    {"kind": "immutable", "path": ""},
    {"kind": "max-churn", "path": "/*", "ratio": 0},
]


def _change_rules() -> tuple[Rule, ...]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "rules.yaml"
        specs = [{"id": f"c{i}", **spec} for i, spec in enumerate(CHANGE_RULES)]
        path.write_text(yaml.safe_dump({"rules": specs}), encoding="utf-8")
        return load_rules(path, "rules.yaml")


CHANGE = _change_rules()


@settings(max_examples=100, deadline=None)
@given(values)
def test_a_document_compared_with_itself_has_no_change_finding(data: Any) -> None:
    """Growth, shrinkage, removals, churn of an identical copy are all exactly zero."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "doc.json"
        path.write_text(json.dumps(data, indent=1), encoding="utf-8")
        [new] = load(path, "doc.json").documents
        [old] = load(path, "doc.json").documents
        assert rule_findings(new, CHANGE, old) == []
        assert rule_findings(new, CHANGE, None) == [], "silent without a previous version"
