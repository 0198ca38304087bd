"""The Python API returns the same findings as the command line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import configguard
from tests.conftest import Project


def test_check_returns_report(with_schema: Callable[..., Project]) -> None:
    project = with_schema()
    project.write("conf/a.yaml", "name: web\nreplicas: 50\n")
    report = configguard.check(cwd=project.root)
    assert isinstance(report, configguard.Report)
    [finding] = report.findings
    assert (finding.rule, finding.path, finding.line, finding.column) == (
        "schema",
        "/replicas",
        2,
        11,
    )
    assert finding.severity is configguard.Severity.ERROR
    assert report.exit_code() == 1


def test_configuration_error_is_raised(tmp_path: Path) -> None:
    with pytest.raises(configguard.ConfigurationError, match=r"no configguard\.yaml"):
        configguard.check(cwd=tmp_path, catalog=False)


def test_no_configuration_uses_the_catalog(tmp_path: Path) -> None:
    (tmp_path / "package.json").write_text('{"name": "x", "version": 1}')
    report = configguard.check(cwd=tmp_path)
    assert [(f.file, f.path) for f in report.findings] == [("package.json", "/version")]
    assert report.schemas == (("package.json", "package.json (catalog: package)"),)
