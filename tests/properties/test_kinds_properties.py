"""One property per built-in rule kind, end to end through ``configguard.check``.

Hypothesis draws a document (any JSON value: objects and arrays wherever a scalar could
be, unicode keys, the empty key, integers past 64 bits, ``1`` and ``1.0``, null), writes
it as JSON or YAML, draws a previous version (none, the same, a tweaked copy, another
document) and valid options for the kind (pointers with ``*``, keys that exist and keys
that do not). Whatever it draws:

* ``check`` returns a report; the only exception allowed is a ConfigurationError about
  the rule itself (a ``forbidden`` pattern refused as hostile), never "failed on";
* no finding is a parse error (the dumps are valid) or an internal error;
* the report is the same twice, sorted, located (line and column >= 1) and renders as JSON.

Each kind runs ``CONFIGGUARD_PROPERTY_EXAMPLES`` examples (default 15, a few seconds);
set it higher for a long local run. Every failure found is pinned below as an example.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import configguard
from configguard.kinds import builtin
from configguard.locate import escape
from configguard.reporters import ReportOptions, get_reporter
from tests.properties.test_history_kinds import KINDS as HISTORY_KINDS

EXAMPLES = int(os.environ.get("CONFIGGUARD_PROPERTY_EXAMPLES", "15"))

KEYS = ["", "a", "b", "id", "name", "~", "/", "*", "0", "1", "~1", "a/b", "ü", "日本", " "]
keys = st.sampled_from(KEYS) | st.text(st.characters(exclude_categories=("Cs",)), max_size=6)
numbers = (
    st.integers(min_value=-(2**70), max_value=2**70)
    | st.sampled_from([0, 1, 1.0, -0.0, 0.5, 2**63, 2**64 + 1, 10**30, 1e300, -1e-300])
    | st.floats(allow_nan=False, allow_infinity=False)
)
scalars = (
    st.none()
    | st.booleans()
    | numbers
    | st.text(st.characters(exclude_categories=("Cs",)), max_size=8)
)
values = st.recursive(
    scalars,
    lambda kids: st.lists(kids, max_size=4) | st.dictionaries(keys, kids, max_size=4),
    max_leaves=20,
)


@dataclass(frozen=True)
class Case:
    """What one example checks: a document, its format, a previous version, the options."""

    kind: str
    options: dict[str, Any]
    document: Any
    fmt: str = "json"
    previous: Any = None
    has_previous: bool = False
    notes: tuple[str, ...] = field(default=())


def _all_keys(data: Any) -> list[str]:
    out: list[str] = []
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            out.extend(node)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return out


def pointers(present: list[str]) -> st.SearchStrategy[str]:
    """Pointers of 0-3 tokens: ``*``, indexes, keys of the document (hits), other keys."""
    token = st.sampled_from(["*", "*", "0", "1", "", "missing"]) | keys
    if present:
        token = token | st.sampled_from(present)
    return st.lists(token, max_size=3).map(lambda ts: "".join("/" + escape(t) for t in ts))


def key_option(present: list[str]) -> st.SearchStrategy[Any]:
    name = st.sampled_from([*present, "a", "id", "name", "missing"]).filter(bool)
    return name | st.lists(name, min_size=1, max_size=2)


def _options(kind: str, present: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    path = pointers(present)
    small = st.integers(min_value=0, max_value=3)
    ratio = st.sampled_from([0, 0.5, 1, 1.5])
    unit_ratio = st.sampled_from([0, 0.25, 0.5, 1])
    build: dict[str, st.SearchStrategy[dict[str, Any]]] = {
        "max-bytes": st.fixed_dictionaries(
            {
                "max": st.integers(min_value=0, max_value=400)
                | st.sampled_from(["1KB", "0.1kB", "1B"])
            }
        ),
        "max-items": st.fixed_dictionaries({"path": path, "max": small}),
        "min-items": st.fixed_dictionaries({"path": path, "min": small}),
        "max-properties": st.fixed_dictionaries({"path": path, "max": small}),
        "max-depth": st.fixed_dictionaries({"max": small}),
        "max-length": st.fixed_dictionaries({"path": path, "max": small}),
        "unique": st.fixed_dictionaries({"path": path}, optional={"key": key_option(present)}),
        "required": st.fixed_dictionaries(
            {
                "path": path,
                "keys": st.lists(st.sampled_from([*present, "", "a", "x"]), min_size=1, max_size=3),
            }
        ),
        "forbidden": st.fixed_dictionaries(
            {"path": path, "values": st.lists(values, min_size=1, max_size=3)}
        )
        | st.fixed_dictionaries(
            {
                "path": path,
                "pattern": st.sampled_from(["a", "^$", "^[0-9]+$", "(?i)ß", "\\d", ".", "(a+)+$"]),
            }
        ),
        "regex-safe": st.fixed_dictionaries({"path": path}, optional={"polynomial": st.booleans()}),
        "cel": st.fixed_dictionaries(
            {
                "path": path,
                "expr": st.sampled_from(
                    [
                        "self != null",
                        "size(self) < 2",
                        "self == 1",
                        "has(self.a)",
                        "self.a > 0",
                        "self",
                        "type(self) == int",
                        "self.all(x, x != 0)",
                    ]
                ),
            }
        ),
        "no-duplicate-keys": st.just({}),
        "max-growth": st.one_of(
            st.fixed_dictionaries(
                {"metric": st.just("items"), "path": path, "ratio": ratio.filter(bool)}
            ),
            st.fixed_dictionaries({"metric": st.just("items"), "path": path, "max_added": small}),
            st.fixed_dictionaries({"metric": st.just("bytes"), "ratio": ratio.filter(bool)}),
        ),
        "max-shrink": st.one_of(
            st.fixed_dictionaries({"metric": st.just("items"), "path": path, "ratio": unit_ratio}),
            st.fixed_dictionaries({"metric": st.just("items"), "path": path, "max_removed": small}),
            st.fixed_dictionaries({"metric": st.just("bytes"), "max_removed": small}),
        ),
        "no-removal": st.fixed_dictionaries({"path": path}, optional={"key": key_option(present)}),
        "immutable": st.fixed_dictionaries({"path": path}),
        "max-churn": st.fixed_dictionaries(
            {"path": path, "ratio": unit_ratio}, optional={"key": key_option(present)}
        ),
    }
    return build[kind] if kind in build else _from_case_file(kind, path)


def _from_case_file(kind: str, path: st.SearchStrategy[str]) -> st.SearchStrategy[dict[str, Any]]:
    """A kind with no strategy above gets the rules of its case file (valid by construction),
    each with its path swapped for generated pointers: a new kind is covered without an
    edit here."""
    import yaml

    from tests.unit.test_cases import CASES

    spec = yaml.safe_load((CASES / f"{kind}.yaml").read_text(encoding="utf-8"))
    rules = [dict(case["rule"]) for case in spec.get("cases", []) if "rule" in case]
    assert rules, f"tests/cases/{kind}.yaml has no rule to fuzz with"

    def swapped(rule: dict[str, Any], pointer: str) -> dict[str, Any]:
        return {**rule, "path": pointer} if "path" in rule else rule

    return st.builds(swapped, st.sampled_from(rules), path)


def _tweak(draw: Any, data: Any) -> Any:
    """``data`` with one value (somewhere inside) replaced, or a key added or removed."""
    if isinstance(data, dict) and data and draw(st.booleans()):
        key = draw(st.sampled_from(sorted(data)))
        copy = dict(data)
        if draw(st.booleans()):
            del copy[key]
        else:
            copy[key] = _tweak(draw, copy[key])
        return copy
    if isinstance(data, list) and data and draw(st.booleans()):
        i = draw(st.integers(min_value=0, max_value=len(data) - 1))
        copy = list(data)
        copy[i] = _tweak(draw, copy[i])
        return copy
    return draw(values)


@st.composite
def cases(draw: Any, kind: str) -> Case:
    document = draw(values)
    fmt = draw(st.sampled_from(["json", "yaml"]))
    choice = draw(st.sampled_from(["none", "same", "tweak", "other"]))
    previous = {"none": None, "same": document, "tweak": None, "other": None}[choice]
    if choice == "tweak":
        previous = _tweak(draw, document)
    elif choice == "other":
        previous = draw(values)
    options = draw(_options(kind, sorted(set(_all_keys(document)) | set(_all_keys(previous)))))
    return Case(kind, options, document, fmt, previous, choice != "none")


def dump(data: Any, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False, indent=1)
    return yaml.safe_dump(data, allow_unicode=True)


def run(case: Case, folder: Path) -> configguard.Report:
    name = f"doc.{case.fmt}"
    (folder / name).write_text(dump(case.document, case.fmt), encoding="utf-8")
    rules = {"rules": [{"id": "p", "kind": case.kind, **case.options}]}
    # a JSON rules file: the options arrive exactly as drawn, whatever the key text
    (folder / "rules.json").write_text(json.dumps(rules, ensure_ascii=False), encoding="utf-8")
    (folder / "configguard.yaml").write_text(
        json.dumps({"targets": {"t": {"files": [name], "rules": ["rules.json"]}}}), encoding="utf-8"
    )
    base = None
    if case.has_previous:
        base = f"previous.{case.fmt}"
        (folder / base).write_text(dump(case.previous, case.fmt), encoding="utf-8")
    return configguard.check([name], base_path=base, cwd=folder)


def check_case(case: Case) -> None:
    reports = []
    for _ in range(2):
        with tempfile.TemporaryDirectory() as tmp:
            try:
                reports.append(run(case, Path(tmp)))
            except configguard.ConfigurationError as exc:
                # only a rule that is itself wrong (refused when read), never a crash
                assert "rule 'p'" in str(exc) and "failed on" not in str(exc), str(exc)
                assert case.kind == "forbidden" and "pattern" in case.options, str(exc)
                return
    first, second = reports
    assert [f.to_dict() for f in first.findings] == [f.to_dict() for f in second.findings]
    for finding in first.findings:
        assert finding.rule != "parse-error", finding.message
        assert "internal error" not in finding.message and "failed on" not in finding.message
        assert finding.line >= 1 and finding.column >= 1, finding
    out = io.StringIO()
    get_reporter("json").emit(first, out, ReportOptions())
    assert len(json.loads(out.getvalue())["findings"]) == len(first.findings)


def _property(kind: str) -> Any:
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(case=cases(kind))
    def test(case: Case) -> None:
        check_case(case)

    for pinned in PINNED.get(kind, []):
        test = example(case=pinned)(test)
    test.__name__ = test.__qualname__ = f"test_{kind.replace('-', '_')}_never_crashes"
    return test


# Every failure the properties found, pinned (and fixed in src).
PINNED: dict[str, list[Case]] = {
    "max-properties": [
        # a key holding a line break could not be named: the rule schema's pointer
        # pattern ^(/.*)?$ has an ECMA-262 "." that excludes \n and \r
        Case("max-properties", {"path": "/\r", "max": 0}, {"\r": {"a": 1}}, "json"),
        Case("max-properties", {"path": "/a\nb", "max": 0}, {"a\nb": {"a": 1}}, "yaml"),
    ],
    "immutable": [
        # unhashable type: 'dict' when the report was built (Report.build used set())
        Case("immutable", {"path": ""}, {"a": [1]}, "json", {"a": [2]}, True),
        Case("immutable", {"path": "/*"}, [{"": 1}], "yaml", [{"": 2}], True),
    ],
    "max-items": [
        # ValueError from int("¹"): str.isdigit() is true for superscripts (pointer tokens
        # are array indexes only when they are ASCII digits)
        Case("max-items", {"path": "/\u00b9", "max": 0}, [[1], [2]], "json"),
    ],
    "regex-safe": [
        # TypeError in ord(): "ß".upper() is two characters
        Case("regex-safe", {"path": "/*"}, ["(?i)ab+c", "(?i:x)y*"], "json"),
    ],
}

# the history-aware and reference kinds have their own properties (they need histories
# and other files): tests/properties/test_history_kinds.py
for _kind in sorted(set(builtin()) - set(HISTORY_KINDS)):
    globals()[f"test_{_kind.replace('-', '_')}_never_crashes"] = _property(_kind)


def test_every_builtin_kind_has_a_property() -> None:
    """Every kind is fuzzed: by a strategy above, by its case file's rules, or (the
    history-aware and reference kinds) in test_history_kinds."""
    for kind in set(builtin()) - set(HISTORY_KINDS):
        assert _options(kind, []) is not None
        assert f"test_{kind.replace('-', '_')}_never_crashes" in globals()
