"""A value under the empty-string key is at pointer ``/`` (RFC 6901), with its own line and
column: never reported at the root (``""``, line 1 column 1).

jsonschema-rs leaves empty keys out of its ``instance_path`` (``{"": 1}`` fails at ``[]``);
configguard puts them back by walking the document.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import configguard

SCHEMA = {
    "properties": {
        "": {"type": "string"},
        "a": {"properties": {"": {"maxItems": 1}}},
        "b": {"items": {"properties": {"": {"properties": {"": {"enum": ["ok"]}}}}}},
    }
}
DOCUMENTS = {
    "d.json": '{"": 1,\n "a": {"": [1, 2, 3]},\n "b": [{"": {"": "no"}}]}\n',
    "d.yaml": '"": 1\na:\n  "": [1, 2, 3]\nb:\n  - "": {"": "no"}\n',
    "d.toml": '"" = 1\nb = [{"" = {"" = "no"}}]\n[a]\n"" = [1, 2, 3]\n',
}
EXPECTED = {
    "d.json": {("/", 1, 6), ("/a/", 2, 12), ("/b/0//", 3, 18)},
    "d.yaml": {("/", 1, 5), ("/a/", 3, 7), ("/b/0//", 5, 14)},
    "d.toml": {("/", 1, 6), ("/a/", 4, 6), ("/b/0//", 2, 5)},  # inside an inline table: at /b,
}


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_schema_findings_under_the_empty_key(tmp_path: Path, name: str) -> None:
    (tmp_path / "s.json").write_text(json.dumps(SCHEMA), encoding="utf-8")
    (tmp_path / name).write_text(DOCUMENTS[name], encoding="utf-8")
    report = configguard.check([name], schema="s.json", cwd=tmp_path)
    got = {(f.path, f.line, f.column) for f in report.findings}
    assert got == EXPECTED[name]


def test_the_path_as_given_wins_when_both_readings_fail(tmp_path: Path) -> None:
    """``{"a": 1, "": {"a": 1}}``: jsonschema-rs says ``["a"]`` for both failures."""
    schema = {
        "properties": {"a": {"type": "string"}, "": {"properties": {"a": {"type": "string"}}}}
    }
    (tmp_path / "s.json").write_text(json.dumps(schema), encoding="utf-8")
    (tmp_path / "d.json").write_text('{"a": 1, "": {"a": 2}}', encoding="utf-8")
    report = configguard.check(["d.json"], schema="s.json", cwd=tmp_path)
    assert sorted(f.path for f in report.findings) == ["//a", "/a"]


def test_rules_under_the_empty_key(tmp_path: Path) -> None:
    (tmp_path / "d.yaml").write_text('x: 1\n"":\n  "": [1, 2]\n', encoding="utf-8")
    (tmp_path / "rules.yaml").write_text(
        "rules:\n"
        '  - {id: count, kind: max-items, path: "//", max: 1}\n'
        '  - {id: need, kind: required, path: "/", keys: [z]}\n',
        encoding="utf-8",
    )
    (tmp_path / "configguard.yaml").write_text(
        'targets:\n  t:\n    files: ["d.yaml"]\n    rules: [rules.yaml]\n', encoding="utf-8"
    )
    report = configguard.check(["d.yaml"], cwd=tmp_path)
    got = {(f.rule, f.path, f.line, f.column) for f in report.findings}
    assert got == {("count", "//", 3, 7), ("need", "//z", 3, 3)}
