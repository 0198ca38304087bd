"""``immutable`` on an object or an array: the report is built (findings whose old/new are
a dict or a list are deduplicated without hashing them) and every reporter renders it.

Before the fix, ``Report.build``'s ``set(findings)`` raised ``TypeError: unhashable type:
'dict'``, which the command line turned into exit 2 ("internal error").
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

import configguard
from configguard.findings import Finding, Report, Severity
from configguard.reporters import ReportOptions, get_reporter

# A Kubernetes Deployment: spec.selector is immutable once created (the API server refuses
# the update), and the container list is the array a release must not silently reshape.
OLD = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector:
    matchLabels: {app: web, tier: front}
  template:
    spec:
      containers:
        - {name: web, image: "web:1.4", ports: [{containerPort: 8080}]}
"""
NEW = """\
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector:
    matchLabels: {app: web}
  template:
    spec:
      containers:
        - {name: web, image: "web:1.5", ports: [{containerPort: 8080}]}
"""
RULES = """\
rules:
  - {id: selector, kind: immutable, path: /spec/selector}
  - {id: containers, kind: immutable, path: /spec/template/spec/containers}
  - {id: each-container, kind: immutable, path: /spec/template/spec/containers/*}
"""


def _project(tmp_path: Path) -> Path:
    (tmp_path / "deploy.yaml").write_text(NEW, encoding="utf-8")
    (tmp_path / "last-good.yaml").write_text(OLD, encoding="utf-8")
    (tmp_path / "rules.yaml").write_text(RULES, encoding="utf-8")
    (tmp_path / "configguard.yaml").write_text(
        'targets:\n  k8s:\n    files: ["deploy.yaml"]\n    rules: [rules.yaml]\n', encoding="utf-8"
    )
    return tmp_path


def test_immutable_objects_and_arrays_are_findings(tmp_path: Path) -> None:
    root = _project(tmp_path)
    report = configguard.check(["deploy.yaml"], base_path="last-good.yaml", cwd=root)
    got = {(f.rule, f.path, f.line, f.column) for f in report.findings}
    assert got == {
        ("selector", "/spec/selector", 6, 5),
        ("containers", "/spec/template/spec/containers", 10, 9),
        ("each-container", "/spec/template/spec/containers/0", 10, 11),
    }
    selector = next(f for f in report.findings if f.rule == "selector")
    assert selector.old == {"matchLabels": {"app": "web", "tier": "front"}}
    assert selector.new == {"matchLabels": {"app": "web"}}
    assert report.exit_code() == 1


@pytest.mark.parametrize("name", ["text", "json", "sarif", "junit", "github", "gitlab", "markdown"])
def test_every_reporter_renders_object_figures(tmp_path: Path, name: str) -> None:
    root = _project(tmp_path)
    report = configguard.check(["deploy.yaml"], base_path="last-good.yaml", cwd=root)
    out = io.StringIO()
    get_reporter(name).emit(report, out, ReportOptions())
    assert "selector" in out.getvalue()
    if name == "markdown":  # figures as JSON, not Python's repr
        assert "{'matchLabels'" not in out.getvalue()


def _finding(old: object, new: object, line: int = 1) -> Finding:
    return Finding("r", "immutable", Severity.ERROR, "f.json", "/a", line, 1, "m", old=old, new=new)


def test_report_build_dedupes_unhashable_figures() -> None:
    a = _finding({"x": [1, {"y": None}]}, [1, 2])
    twin = _finding({"x": [1, {"y": None}]}, [1, 2])
    other = _finding({"x": [1, {"y": 0}]}, [1, 2])
    scalar = _finding(1, 2, line=2)
    report = Report.build([a, twin, other, scalar, scalar], files=1)
    assert report.findings == (a, other, scalar)
    # an object is not an array of its keys, nor a list the same as a dict
    assert (
        len(Report.build([_finding({"a": 1}, None), _finding([["a", 1]], None)], 1).findings) == 2
    )
