"""Every rule kind against its YAML case file, ``tests/cases/<kind>.yaml`` (the sqlfluff habit).

A case gives a rule (without id and kind), a document (YAML unless ``format`` says
otherwise), optionally the previous version (``old``), and the hits expected as
pointer/line/column (and a message fragment). ``hits: []`` is a case that must stay
silent: false positives are bugs too. ``invalid`` cases give a rule that must be
refused with an error containing ``error``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from configguard.engine import load_findings, loader_severity, rule_findings, size_findings
from configguard.errors import ConfigurationError
from configguard.findings import Finding
from configguard.kinds import available, get_kind
from configguard.load import Loaded, load
from configguard.rules import load_rules

CASES = Path(__file__).resolve().parent.parent / "cases"


def _cases(section: str) -> list[Any]:
    out = []
    for path in sorted(CASES.glob("*.yaml")):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in spec.get(section, []):
            out.append(pytest.param(spec["kind"], case, id=f"{path.stem}: {case['name']}"))
    return out


def _loaded(text: str, fmt: str, tmp_path: Path, name: str) -> Loaded:
    path = tmp_path / f"{name}.{fmt}"
    path.write_text(text, encoding="utf-8")
    loaded = load(path, path.name, fmt, yaml11=True)  # type: ignore[arg-type]
    assert not [p for p in loaded.problems if p.kind == "parse-error"], loaded.problems
    return loaded


def run_case(kind: str, case: dict[str, Any], tmp_path: Path) -> list[Finding]:
    rule = {"id": "case", "kind": kind, **case["rule"]}
    rules_file = tmp_path / "rules.yaml"
    rules_file.write_text(yaml.safe_dump({"rules": [rule]}), encoding="utf-8")
    rules = load_rules(rules_file, "rules.yaml")
    fmt = case.get("format", "yaml")
    loaded = _loaded(case["document"], fmt, tmp_path, "new")
    document = loaded.documents[0]
    previous = _loaded(case["old"], fmt, tmp_path, "old").documents[0] if "old" in case else None
    if get_kind(kind).before_parse:
        return size_findings(document.source.size, document.source.display, rules)
    if get_kind(kind).from_loader:
        found = loader_severity(load_findings(loaded, document.source.display), rules)
        return [f for f in found if f.kind == kind]  # each loader kind on its own
    return rule_findings(document, rules, previous)


def test_every_kind_has_a_case_file() -> None:
    kinds = set(available())
    files = {p.stem for p in CASES.glob("*.yaml")}
    assert kinds <= files, f"kinds without tests/cases/<kind>.yaml: {sorted(kinds - files)}"


def test_every_case_file_fires_and_stays_silent() -> None:
    for path in CASES.glob("*.yaml"):
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert any(c["hits"] for c in spec["cases"]), f"{path.name}: no case that fires"
        assert any(not c["hits"] for c in spec["cases"]), f"{path.name}: no silent case"


@pytest.mark.parametrize(("kind", "case"), _cases("cases"))
def test_case(kind: str, case: dict[str, Any], tmp_path: Path) -> None:
    findings = run_case(kind, case, tmp_path)
    got = [(f.path, f.line, f.column) for f in findings]
    want = [(h["path"], h["line"], h["column"]) for h in case["hits"]]
    assert got == want, [f.message for f in findings]
    for finding, hit in zip(findings, case["hits"], strict=True):
        assert finding.rule == "case"
        assert finding.kind == kind
        if "message" in hit:
            assert hit["message"] in finding.message
        if "severity" in case["rule"]:
            assert str(finding.severity) == case["rule"]["severity"]


@pytest.mark.parametrize(("kind", "case"), _cases("invalid"))
def test_invalid_rule_is_refused(kind: str, case: dict[str, Any], tmp_path: Path) -> None:
    rule = {"id": "case", "kind": kind, **case["rule"]}
    rules_file = tmp_path / "rules.yaml"
    rules_file.write_text(yaml.safe_dump({"rules": [rule]}), encoding="utf-8")
    with pytest.raises(ConfigurationError) as caught:
        load_rules(rules_file, "rules.yaml")
    assert case["error"] in str(caught.value)
    assert caught.value.line >= 2, "a rule error names its line"
    assert "rule 'case'" in str(caught.value)
