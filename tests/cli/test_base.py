"""Change-aware runs against real git repositories and last-known-good folders."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import Project


def git(project: Project, *args: str) -> None:
    subprocess.run(["git", *args], cwd=project.root, check=True, capture_output=True)


@pytest.fixture
def repo(with_schema: Callable[..., Project]) -> Project:
    project = with_schema()
    git(project, "init", "-q", "-b", "main")
    git(project, "config", "user.email", "t@example.com")
    git(project, "config", "user.name", "t")
    project.write("conf/stable.yaml", "name: stable\n")
    project.write("conf/edit.yaml", "name: edit\nports: [1, 2]\n")
    project.write("conf/gone.yaml", "name: gone\n")
    project.write("conf/old.json", '{"name": "moved", "ports": [1, 2, 3]}')
    project.write("conf/broken-before.yaml", "name: [\n")
    git(project, "add", ".")
    git(project, "commit", "-q", "-m", "base")
    return project


def changes(report: dict[str, Any]) -> dict[str, tuple[str, Any]]:
    return {c["file"]: (c["status"], c["previous"]) for c in report["changes"]}


def test_only_changed_files_are_checked(repo: Project) -> None:
    repo.write("conf/stable.yaml", "name: stable\n")  # untouched content
    repo.write("conf/edit.yaml", "name: edit\nports: [1, 2, 3]\n")
    code, report = repo.json("check", "--base", "HEAD")
    assert code == 0
    assert report["summary"]["files"] == 1
    assert changes(report) == {"conf/edit.yaml": ("modified", "HEAD:conf/edit.yaml")}
    [lst] = report["changes"][0]["lists"]
    assert (lst["path"], lst["old"], lst["new"], lst["added"]) == ("/ports", 2, 3, 1)


def test_staged_rename_delete_and_add(repo: Project) -> None:
    git(repo, "mv", "conf/old.json", "conf/new.json")
    git(repo, "rm", "-q", "conf/gone.yaml")
    repo.write("conf/added.yaml", "name: added\n")
    git(repo, "add", "conf/added.yaml")
    code, report = repo.json("check", "--base", "HEAD")
    assert code == 0
    assert changes(report) == {
        "conf/new.json": ("renamed", "HEAD:conf/old.json"),
        "conf/added.yaml": ("added", None),
        "conf/gone.yaml": ("deleted", "conf/gone.yaml"),
    }
    deleted = [f for f in report["findings"] if f["rule"] == "file-deleted"]
    assert [(f["file"], f["severity"]) for f in deleted] == [("conf/gone.yaml", "info")]


def test_unparseable_previous_version_counts_as_new(repo: Project) -> None:
    repo.write("conf/broken-before.yaml", "name: fixed\n")
    code, report = repo.json("check", "--base", "HEAD")
    assert code == 0
    assert changes(report) == {"conf/broken-before.yaml": ("added", None)}


def test_paths_with_base_are_compared_too(repo: Project) -> None:
    result = repo.run("check", "--base", "HEAD", "conf/stable.yaml", "-v", "--no-color")
    assert result.exit_code == 0
    assert "conf/stable.yaml unchanged from HEAD:conf/stable.yaml" in result.stdout


def test_bad_ref_and_no_repository(repo: Project, with_schema: Callable[..., Project]) -> None:
    result = repo.run("check", "--base", "no-such-branch")
    assert result.exit_code == 2
    assert "no such commit" in result.stderr


def test_base_path_folder_and_file(with_schema: Callable[..., Project]) -> None:
    project = with_schema()
    project.write("conf/app.yaml", "name: app\nports: [1, 2, 3, 4]\n")
    project.write("good/conf/app.yaml", "name: app\nports: [1, 2]\n")
    code, report = project.json("check", "--base-path", "good")
    assert code == 0
    assert changes(report) == {"conf/app.yaml": ("modified", "good/conf/app.yaml")}
    code, report = project.json("check", "--base-path", "good/conf/app.yaml", "conf/app.yaml")
    assert changes(report) == {"conf/app.yaml": ("modified", "good/conf/app.yaml")}
    result = project.run("check", "--base-path", "missing")
    assert result.exit_code == 2
    assert "--base-path: no such file or folder" in result.stderr


def test_base_and_base_path_together_is_usage_error(with_schema: Callable[..., Project]) -> None:
    result = with_schema().run("check", "--base", "HEAD", "--base-path", "x")
    assert result.exit_code == 2
