"""Change rules that keep only counts of the previous version: same findings, less memory.

When every change rule of a file summarizes (max-growth, max-shrink), the previous version
is parsed, summarized and dropped before the proposed one is read; otherwise (or with
change summaries wanted) both are held as before. Either way the findings are the same.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from configguard import api, engine, previous
from configguard.kinds import get_kind, summarizes
from configguard.kinds.max_growth import Measured
from configguard.previous import summarizable

SIZES = """
version: 1
rules:
  - {id: grow, kind: max-growth, metric: items, path: /items, ratio: 1.5}
  - {id: shrink, kind: max-shrink, metric: items, path: "/groups/*", ratio: 0.5}
  - {id: bytes, kind: max-growth, metric: bytes, max_added: 1}
  - {id: many, kind: max-items, path: /items, max: 100}
"""


def _project(root: Path, rules: str = SIZES) -> Path:
    (root / "rules.yaml").write_text(rules)
    (root / "configguard.yaml").write_text(
        "version: 1\ntargets:\n  app: {files: ['conf/*'], rules: [rules.yaml]}\n"
    )
    (root / "conf").mkdir()
    (root / "old" / "conf").mkdir(parents=True)
    old = {"items": [1, 2], "groups": {"a": [1, 2, 3, 4], "b": [1]}}
    new = {"items": [1, 2, 3, 4, 5], "groups": {"a": [1], "b": [1, 2]}}
    (root / "conf" / "a.json").write_text(json.dumps(new))
    (root / "old" / "conf" / "a.json").write_text(json.dumps(old))
    docs = "items: [1]\ngroups: {a: [1, 2]}\n---\nitems: [1, 2]\ngroups: {}\n"
    (root / "conf" / "b.yaml").write_text(
        docs.replace("[1, 2]\ngroups: {}", "[1, 2, 3, 4]\ngroups: {}")
    )
    (root / "old" / "conf" / "b.yaml").write_text(docs)
    (root / "conf" / "new.json").write_text(json.dumps(new))  # no previous version
    (root / "conf" / "same.json").write_text(json.dumps(old))
    (root / "old" / "conf" / "same.json").write_text(json.dumps(old))
    sized = json.dumps({"items": [9, 9], "groups": {"a": [9, 9, 9, 9], "b": [9]}})
    (root / "conf" / "resized.json").write_text(sized)  # same size, other bytes
    (root / "old" / "conf" / "resized.json").write_text(json.dumps(new)[: len(sized)])
    (root / "conf" / "broken.json").write_text(json.dumps(new))
    (root / "old" / "conf" / "broken.json").write_text("{")
    return root


def _findings(root: Path, **options: Any) -> list[tuple[str, str, str, str]]:
    report = api.check(cwd=root, base_path="old", jobs=1, **options)
    return [(f.file, f.rule, f.path, f.message) for f in report.findings]


def test_summaries_give_the_findings_of_whole_documents(tmp_path: Path) -> None:
    root = _project(tmp_path)
    summarized = _findings(root)
    assert summarized == _findings(root, summarize=True)  # summaries wanted: both held
    rules = {(file, rule) for file, rule, _, _ in summarized}
    assert {("conf/a.json", "grow"), ("conf/a.json", "shrink"), ("conf/a.json", "bytes")} <= rules
    assert ("conf/b.yaml", "grow") in rules  # the second document grew 2 -> 4
    assert not any(file in ("conf/new.json", "conf/same.json") for file, *_ in summarized)


def test_the_previous_version_is_parsed_and_dropped_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _project(tmp_path)
    order: list[str] = []
    real_load, real_previous = engine.load, previous.load_previous

    def load(path: Path, *args: Any, **kwargs: Any) -> Any:
        order.append(f"load {Path(path).name}")
        return real_load(path, *args, **kwargs)

    def load_previous(old: Any, *args: Any) -> Any:
        order.append(f"previous {Path(old.label).name}")
        return real_previous(old, *args)

    monkeypatch.setattr(engine, "load", load)
    monkeypatch.setattr(previous, "load_previous", load_previous)  # the engine imports it on use
    api.check(["conf/a.json"], cwd=root, base_path="old", jobs=1)
    assert order == ["previous a.json", "load a.json"]


def test_only_kinds_that_summarize_take_the_short_path(tmp_path: Path) -> None:
    growth, removal = get_kind("max-growth"), get_kind("no-removal")
    assert summarizes(growth) and summarizes(get_kind("max-shrink"))
    assert not summarizes(removal)
    root = _project(tmp_path, SIZES + "  - {id: keep, kind: no-removal, path: /items}\n")
    from configguard.rules import RuleBook

    rules = RuleBook().rules([root / "rules.yaml"])
    assert not summarizable(rules)  # no-removal needs the whole previous document
    assert summarizable([r for r in rules if r.id != "keep"])
    assert not summarizable([r for r in rules if r.id == "many"])  # no change rule at all
    findings = _findings(root)
    assert ("conf/a.json", "grow") in {(f, r) for f, r, *_ in findings}


def test_summary_is_the_measured_sizes(tmp_path: Path) -> None:
    from configguard.load import load
    from configguard.previous import previous_summaries
    from configguard.rules import RuleBook

    root = _project(tmp_path)
    rules = RuleBook().rules([root / "rules.yaml"])
    document = load(root / "old" / "conf" / "a.json", "a.json").documents[0]
    kept = previous_summaries(document, rules)
    assert kept == {
        "grow": Measured({"/items": 2}),
        "shrink": Measured({"/groups/a": 4, "/groups/b": 1}),
        "bytes": Measured({"": document.source.size}),
    }
