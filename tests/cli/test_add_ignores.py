"""check --add-ignores: adopting configguard where findings exist, comments kept."""

from __future__ import annotations

import datetime as dt

import pytest

from configguard.adopt import quarter_ahead
from tests.conftest import REPO, Project

GOLDEN = REPO / "tests" / "golden" / "adopt"
SCHEMA = {"type": "object", "properties": {"weight": {"type": "number", "maximum": 1}}}


def shop(project: Project) -> None:
    project.write("configguard.yaml", (GOLDEN / "before.yaml").read_text(encoding="utf-8"))
    project.write("schemas/feature.schema.json", SCHEMA)
    project.write("features/a.json", '{"weight": 3}')
    project.write("features/b.json", '{"weight": 0.5}')
    project.write("flags/new.yaml", "enabled: yes\nweight: 2\n")
    project.write("flags/old.yaml", "x: 1\n")


def test_add_ignores_keeps_comments_and_a_second_run_adds_nothing(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    shop(project)
    monkeypatch.setattr("configguard.adopt._today", lambda: dt.date(2026, 12, 1))
    first = project.run("check", "--add-ignores", "adopting configguard")
    assert first.exit_code == 0, first.output
    assert "Added 2 ignore entries to configguard.yaml (until 2027-03-01)" in first.stdout
    after = (project.root / "configguard.yaml").read_text(encoding="utf-8")
    assert after == (GOLDEN / "after.yaml").read_text(encoding="utf-8")
    assert project.run("check").exit_code == 0  # adopted: nothing left to report
    again = project.run("check", "--add-ignores", "adopting configguard")
    assert "Nothing to add" in again.stdout
    assert (project.root / "configguard.yaml").read_text(encoding="utf-8") == after


def test_without_a_configuration_a_file_with_the_entries_is_written(project: Project) -> None:
    project.write("package.json", '{"name": "x", "version": 1}')
    result = project.run("check", "--add-ignores", "legacy")
    assert result.exit_code == 0, result.output
    written = (project.root / "configguard.yaml").read_text(encoding="utf-8")
    assert written.startswith("version: 1\nignore:\n")
    assert "{rule: schema, files: package.json, reason: legacy, until:" in written
    assert project.run("check").exit_code == 0


def test_pyproject_is_refused_with_a_clear_message(project: Project) -> None:
    project.write("pyproject.toml", "[tool.configguard]\nversion = 1\n")
    result = project.run("check", "--add-ignores", "legacy")
    assert result.exit_code == 2
    assert "edits YAML configuration files only" in result.stderr
    assert "pyproject.toml" in result.stderr


def test_a_reason_is_required(project: Project) -> None:
    shop(project)
    assert project.run("check", "--add-ignores", " ").exit_code == 2


@pytest.mark.parametrize(
    ("today", "until"),
    [("2026-12-01", "2027-03-01"), ("2026-11-30", "2027-02-28"), ("2027-08-31", "2027-11-30")],
)
def test_a_quarter_ahead(today: str, until: str) -> None:
    assert quarter_ahead(dt.date.fromisoformat(today)).isoformat() == until
