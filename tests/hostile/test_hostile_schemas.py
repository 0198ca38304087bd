"""Schemas that attack the validator: catastrophic patterns are bounded and named."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest

import configguard
from configguard.schemas import SchemaRegistry, patterns

# (a|a)* is exponential on "aaa...!"; the lookahead forces the backtracking engine.
EVIL = "^(a|a)*(?=b)$"


def check(tmp_path: Path, schema: dict[str, Any], data: Any) -> list[configguard.Finding]:
    (tmp_path / "s.json").write_text(json.dumps(schema))
    (tmp_path / "x.json").write_text(json.dumps(data))
    return list(configguard.check(["x.json"], schema="s.json", cwd=tmp_path).findings)


def test_one_catastrophic_value_is_a_located_finding_naming_the_pattern(tmp_path: Path) -> None:
    schema = {"properties": {"name": {"type": "string", "pattern": EVIL}}}
    started = time.monotonic()
    [finding] = check(tmp_path, schema, {"name": "a" * 60 + "!"})
    assert time.monotonic() - started < 2
    assert finding.rule == "schema" and finding.path == "/name"
    assert f'pattern "{EVIL}" gave up on this value after 100,000 backtracking steps' in (
        finding.message
    )
    assert "open to catastrophic backtracking" in finding.message


MANY = ["a" * (50 + i % 7) + "!" + str(i) for i in range(3000)]  # ~16 s with no guard


def test_a_pattern_that_keeps_giving_up_is_not_run_again(tmp_path: Path) -> None:
    schema = {"type": "array", "items": {"type": "string", "pattern": EVIL}}
    started = time.monotonic()
    findings = check(tmp_path, schema, MANY)
    assert time.monotonic() - started < 3
    gave_up = [f for f in findings if "gave up on this value" in f.message]
    [skipped] = [f for f in findings if "not checked against pattern" in f.message]
    assert len(gave_up) == patterns.MAX_GIVE_UPS
    assert [f.path for f in gave_up] == [f"/{i}" for i in range(patterns.MAX_GIVE_UPS)]
    assert skipped.path == "" and skipped.message.startswith(
        f'{len(MANY) - patterns.MAX_GIVE_UPS} strings were not checked against pattern "{EVIL}": '
        f"it gave up on {patterns.MAX_GIVE_UPS} values of this document already"
    )


def test_the_time_budget_stops_a_document_of_many_slow_values(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(patterns, "MAX_GIVE_UPS", 10**9)
    monkeypatch.setattr(patterns, "PATTERN_BUDGET", 0.3)
    schema = {"type": "array", "items": {"type": "string", "pattern": EVIL}}
    started = time.monotonic()
    findings = check(tmp_path, schema, MANY)
    assert time.monotonic() - started < 5
    gave_up = [f for f in findings if "gave up on this value" in f.message]
    [skipped] = [f for f in findings if "not checked against pattern" in f.message]
    assert gave_up and len(gave_up) < len(MANY)
    assert f'pattern "{EVIL}"' in skipped.message
    assert "used up the 0.3s budget of this document" in skipped.message
    assert skipped.message.startswith(f"{len(MANY) - len(gave_up)} strings were not checked")


def test_backtracking_patterns_still_check_what_they_say(tmp_path: Path) -> None:
    """Lookaround and backreferences keep their meaning and messages (same dialect)."""
    schema = {
        "properties": {
            "user": {"pattern": "^(?!admin$)[a-z]+$"},
            "pair": {"pattern": "^(\\w)\\1$"},
            "plain": {"pattern": "^(a+)+$"},  # linear engine: no limit needed
        }
    }
    assert check(tmp_path, schema, {"user": "alice", "pair": "xx", "plain": "a" * 50}) == []
    findings = check(tmp_path, schema, {"user": "admin", "pair": "xy", "plain": "a" * 50 + "!"})
    assert {f.path: f.message for f in findings} == {
        "/user": '"admin" does not match "^(?!admin$)[a-z]+$"',
        "/pair": '"xy" does not match "^(\\w)\\1$"',
        "/plain": f'"{"a" * 50}!" does not match "^(a+)+$"',
    }


def test_pattern_properties_are_bounded_too(tmp_path: Path) -> None:
    schema = {"patternProperties": {EVIL: {"type": "integer"}}}
    started = time.monotonic()
    findings = check(tmp_path, schema, {"a" * 60 + "!" + str(i): "x" for i in range(20)})
    assert time.monotonic() - started < 5
    assert findings  # the backtracking limit is reported by jsonschema-rs itself
    assert all("backtracking" in f.message for f in findings)


def test_the_schema_as_written_is_what_fuzzing_sees(tmp_path: Path) -> None:
    schema = {"properties": {"name": {"pattern": EVIL}}}
    (tmp_path / "s.json").write_text(json.dumps(schema))
    registry = SchemaRegistry()
    compiled = registry.compiled(tmp_path / "s.json")
    assert registry.document(tmp_path / "s.json") == schema  # hypothesis-jsonschema reads this
    assert compiled.hits({"name": 1}) == []  # not a string: the pattern does not apply
    assert compiled.hits({"name": "b"})[0].message == f'"b" does not match "{EVIL}"'


DEEP_SCHEMA = '{"items": ' * 5000 + "{}" + "}" * 5000


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (DEEP_SCHEMA, "nests deeper than Python's JSON reader goes"),
        ('{"items": ' * 900 + "{}" + "}" * 900, "Recursion limit reached"),
        (json.dumps({"pattern": "(" * 3000 + "a" + ")" * 3000}), "is not a"),
    ],
    ids=["5000-deep", "900-deep", "3000-group-pattern"],
)
def test_schemas_that_cannot_be_used_are_one_line_exit_two(
    tmp_path: Path, text: str, expected: str
) -> None:
    (tmp_path / "s.json").write_text(text)
    (tmp_path / "x.json").write_text("[]")
    with pytest.raises(configguard.ConfigurationError) as raised:
        configguard.check(["x.json"], schema="s.json", cwd=tmp_path)
    assert expected in str(raised.value)


def test_self_and_cyclic_references_terminate(tmp_path: Path) -> None:
    for schema in (
        {"$ref": "#"},
        {"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"},
        {"type": "array", "items": {"$ref": "#"}},
    ):
        assert check(tmp_path, schema, [[[[[]]]]]) == []


def test_a_catastrophic_pattern_behind_a_ref_is_guarded_too(tmp_path: Path) -> None:
    """The guard is compiled in only when needed (it costs ~15%), found through $refs too."""
    defs = {"$id": "https://example.com/name.json", "type": "string", "pattern": EVIL}
    (tmp_path / "defs").mkdir()
    (tmp_path / "defs" / "name.json").write_text(json.dumps(defs))
    for i in range(2):  # two root schemas reaching the same guarded one
        root = {"properties": {"name": {"$ref": "https://example.com/name.json"}}, "title": str(i)}
        (tmp_path / f"s{i}.json").write_text(json.dumps(root))
        registry = SchemaRegistry((tmp_path / "defs",))
        if i:
            registry.compiled(tmp_path / "s0.json")
        [hit] = registry.compiled(tmp_path / f"s{i}.json").hits({"name": "a" * 60 + "!"})
        assert "gave up on this value after 100,000 backtracking steps" in hit.message
    plain = SchemaRegistry().compiled(tmp_path / "defs" / "name.json")
    assert plain._budget.patterns == 1
    unguarded = {"properties": {"name": {"pattern": "^a+$"}}}
    (tmp_path / "u.json").write_text(json.dumps(unguarded))
    assert SchemaRegistry().compiled(tmp_path / "u.json")._budget.patterns == 0
