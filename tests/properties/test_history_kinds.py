"""Properties of the history-aware and cross-reference kinds (novel-values, monotonic,
max-decrease, max-increase, references) through ``configguard.check``: on arbitrary JSON
documents and previous versions, with valid options whose pointers (with ``*``) hit and
miss, a run never raises, never reports an internal failure, and gives the same report
twice. ``CONFIGGUARD_PROPERTY_EXAMPLES`` sets the examples per kind (default 40)."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import configguard
from configguard.locate import escape
from tests.properties.test_load_properties import pointers, values

EXAMPLES = int(os.environ.get("CONFIGGUARD_PROPERTY_EXAMPLES", "40"))
CONFIG = """
version: 1
targets:
  t:
    files: ["conf/*.json"]
    rules: [rules.yaml]
"""
scalars = st.none() | st.booleans() | st.integers() | st.sampled_from([1, 1.0, 0, -0.0, "", "a"])


def _mutate(data: Any, how: int) -> Any:
    """The same shape with its numbers moved (halved, negated, as floats) or not."""
    if isinstance(data, dict):
        return {k: _mutate(v, how) for k, v in data.items()}
    if isinstance(data, list):
        return [_mutate(v, how) for v in data]
    if isinstance(data, bool) or not isinstance(data, (int, float)):
        return data
    if how == 3:  # the same JSON value written as a float, where a float holds it exactly
        return float(data) if abs(data) < 2**53 else data
    return [data, data // 2 if isinstance(data, int) else data / 2, -data][how]


@st.composite
def paths(draw: st.DrawFn, data: Any) -> str:
    """A pointer into ``data`` with some segments made ``*``, or one that misses."""
    found = [p for p in pointers(data) if p] or [""]
    pointer = draw(st.sampled_from([*found, "/nope", "/*/nope/*", "/*", "/*/*", ""]))
    tokens = pointer.split("/")[1:] if pointer else []
    starred = [t if not draw(st.booleans()) else "*" for t in tokens]
    return "".join(f"/{t}" for t in starred)


def keys_of(data: Any) -> list[str]:
    out: set[str] = {"a", ""}
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            out.update(k for k in node if k)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return sorted(k for k in out if k)


@st.composite
def key_option(draw: st.DrawFn, data: Any) -> dict[str, Any]:
    names = keys_of(data)
    choice = draw(st.integers(0, 2))
    if choice == 0:
        return {}
    if choice == 1:
        return {"key": draw(st.sampled_from(names))}
    return {"key": draw(st.lists(st.sampled_from(names), min_size=1, max_size=3))}


@st.composite
def novel_rule(draw: st.DrawFn, data: Any) -> dict[str, Any]:
    rule: dict[str, Any] = {"kind": "novel-values", "path": draw(paths(data))}
    mode = draw(st.integers(0, 2))
    if mode == 1:
        rule.update(draw(key_option(data)))
    elif mode == 2:
        rule["keys-only"] = True
        rule["ignore"] = draw(st.lists(st.sampled_from(keys_of(data)), max_size=2))
    key = rule.get("key")
    if mode == 0:
        rule["ignore"] = draw(st.lists(scalars, max_size=3))
    elif isinstance(key, list) and len(key) > 1:
        rule["ignore"] = [draw(st.lists(scalars, min_size=len(key), max_size=len(key)))]
    if draw(st.booleans()):
        rule["history"] = draw(st.integers(1, 3))
    return rule


@st.composite
def number_rule(draw: st.DrawFn, data: Any, kind: str) -> dict[str, Any]:
    rule: dict[str, Any] = {"kind": kind, "path": draw(paths(data)), **draw(key_option(data))}
    if kind == "monotonic":
        rule["strict"] = draw(st.booleans())
        return rule
    low, high = (0.0, 1.0) if kind == "max-decrease" else (1.0, 1e6)
    bounds = draw(st.integers(0, 2))
    if bounds != 1:
        rule["ratio"] = draw(st.floats(low, high))
    if bounds != 0:
        rule["max_delta"] = draw(st.integers(0, 10**30) | st.floats(0, 1e300))
    if draw(st.booleans()):
        rule["unit"] = draw(st.sampled_from(["bytes", "ms", "é"]))
    return rule


@st.composite
def references_rule(draw: st.DrawFn, data: Any) -> dict[str, Any]:
    target: Any = draw(paths(data))
    if draw(st.booleans()):
        target = {"files": draw(st.sampled_from(["conf/*.json", "none/*.json"])), "path": target}
    return {"kind": "references", "path": draw(paths(data)), "in": target}


def run_twice(new: Any, old: Any | None, rule: dict[str, Any]) -> list[configguard.Finding]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "configguard.yaml").write_text(CONFIG, encoding="utf-8")
        spec = {"id": "p", **rule}
        (root / "rules.yaml").write_text(yaml.safe_dump({"rules": [spec]}), encoding="utf-8")
        (root / "conf").mkdir()
        (root / "conf" / "doc.json").write_text(json.dumps(new, ensure_ascii=False), "utf-8")
        base = None
        if old is not None:
            (root / "base" / "conf").mkdir(parents=True)
            text = json.dumps(old, ensure_ascii=False)
            (root / "base" / "conf" / "doc.json").write_text(text, encoding="utf-8")
            base = "base"
        reports = [configguard.check(cwd=root, base_path=base, no_consumer=True) for _ in "12"]
    assert reports[0] == reports[1], "the same report twice"
    for finding in reports[0].findings:
        assert "failed on" not in finding.message
        assert "internal error" not in finding.message.lower()
        assert finding.rule in ("p", "schema"), finding
    return list(reports[0].findings)


Maker = Callable[[Any], st.SearchStrategy[dict[str, Any]]]
KINDS: dict[str, Maker] = {
    "novel-values": novel_rule,
    "monotonic": lambda d: number_rule(d, "monotonic"),
    "max-decrease": lambda d: number_rule(d, "max-decrease"),
    "max-increase": lambda d: number_rule(d, "max-increase"),
    "references": references_rule,
}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_kind_on_arbitrary_documents(kind: str) -> None:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(values, st.data())
    @example({"": [1, 1.0, True, None]}, None)
    @example({"q": [{"a": 10**40, "b": 1}, {"a": 1.0}]}, None)
    def prop(new: Any, data: st.DataObject | None) -> None:
        if data is None:  # the pinned examples: each compared with a copy whose numbers moved
            for how in range(4):
                rule = {"kind": kind, "path": "/*/*/a" if "q" in new else "/*/*"}
                rule.update(_options(kind))
                run_twice(new, _mutate(new, how), rule)
            return
        rule = data.draw(KINDS[kind](new), label="rule")
        old = data.draw(
            st.one_of(st.none(), values, st.integers(0, 3).map(lambda h: _mutate(new, h))),
            label="old",
        )
        run_twice(new, old, rule)

    prop()


def _options(kind: str) -> dict[str, Any]:
    return {
        "novel-values": {"history": 2},
        "monotonic": {"strict": True},
        "max-decrease": {"ratio": 0.5, "max_delta": 0},
        "max-increase": {"ratio": 1.0, "max_delta": 0, "unit": "bytes"},
        "references": {"in": {"files": "conf/*.json", "path": "/" + escape("*")}},
    }[kind]


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_nothing_fires_against_the_same_values(kind: str) -> None:
    """Compared with itself (numbers written as 1.0 for 1), no change kind fires, and every
    value at ``path`` is among the values at ``in`` when both are the same pointer."""

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(values, st.data())
    def prop(new: Any, data: st.DataObject) -> None:
        rule = data.draw(KINDS[kind](new), label="rule")
        rule.pop("strict", None)
        if kind == "references":
            rule["in"] = rule["path"]
        found = run_twice(new, _mutate(new, data.draw(st.sampled_from([0, 3]))), rule)
        assert found == [], [f.message for f in found]

    prop()
