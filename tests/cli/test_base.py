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


CHANGE_RULES = """
rules:
  - id: app.ports-growth
    kind: max-growth
    metric: items
    path: /ports
    ratio: 1.5
    why: the balancer allocates listeners in batches
  - id: app.keep-entries
    kind: no-removal
    path: /ports
  - id: app.users-keep
    kind: no-removal
    path: /users
    key: id
  - id: app.users-churn
    kind: max-churn
    path: /users
    key: id
    ratio: 0.2
"""


@pytest.fixture
def ruled_repo(project: Project) -> Project:
    project.write(
        "schemas/app.schema.json",
        {"type": "object", "properties": {"ports": {"type": "array", "maxItems": 1000}}},
    )
    project.write("rules/app.yaml", CHANGE_RULES)
    project.write(
        "configguard.yaml",
        """
        version: 1
        targets:
          app:
            files: ["conf/*"]
            schema: schemas/app.schema.json
            rules: [rules/app.yaml]
        """,
    )
    project.write("conf/app.yaml", "ports: [1, 2, 3, 4]\n")
    git(project, "init", "-q", "-b", "main")
    git(project, "config", "user.email", "t@example.com")
    git(project, "config", "user.name", "t")
    git(project, "add", ".")
    git(project, "commit", "-q", "-m", "base")
    return project


def test_valid_alone_but_fails_as_a_change(ruled_repo: Project) -> None:
    ruled_repo.write("conf/app.yaml", "ports: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n")
    assert ruled_repo.run("check").exit_code == 0  # on its own, nothing is wrong
    result = ruled_repo.run("check", "--base", "HEAD", "--no-color")
    assert result.exit_code == 1
    assert "conf/app.yaml:1:8: error [app.ports-growth] /ports: 4 → 10 items (+150%)" in (
        result.stdout
    )
    _, report = ruled_repo.json("check", "--base", "HEAD")
    [finding] = report["findings"]
    assert (finding["old"], finding["new"]) == (4, 10)


def test_renamed_file_is_compared_with_its_old_path(ruled_repo: Project) -> None:
    ports = "".join(f"  - {p}\n" for p in range(8000, 8020))
    ruled_repo.write("conf/app.yaml", f"ports:\n{ports}")
    git(ruled_repo, "commit", "-q", "-am", "twenty ports")
    git(ruled_repo, "mv", "conf/app.yaml", "conf/renamed.yaml")
    fewer = "".join(f"  - {p}\n" for p in range(8000, 8019))
    ruled_repo.write("conf/renamed.yaml", f"ports:\n{fewer}")
    git(ruled_repo, "add", "-A")  # similar enough for git to call it a rename
    code, report = ruled_repo.json("check", "--base", "HEAD")
    assert code == 1
    [finding] = report["findings"]
    assert (finding["rule"], finding["file"]) == ("app.keep-entries", "conf/renamed.yaml")
    assert "1 entry removed" in finding["message"]


def test_deleting_a_file_is_forbidden_by_no_removal(ruled_repo: Project) -> None:
    git(ruled_repo, "rm", "-q", "conf/app.yaml")
    code, report = ruled_repo.json("check", "--base", "HEAD")
    assert code == 1
    rules = sorted((f["rule"], f["severity"]) for f in report["findings"])
    assert rules == [
        ("app.keep-entries", "error"),
        ("app.users-keep", "error"),
        ("file-deleted", "info"),
    ]


def test_new_file_has_no_change_findings(ruled_repo: Project) -> None:
    ruled_repo.write("conf/new.yaml", "ports: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n")
    code, report = ruled_repo.json("check", "--base", "HEAD")
    assert (code, report["findings"]) == (0, [])


def test_reordering_ten_thousand_keyed_entries_is_no_change(ruled_repo: Project) -> None:
    import json
    import random

    users = [{"id": f"u{i}", "name": f"user {i}"} for i in range(10_000)]
    ruled_repo.write("conf/users.json", json.dumps({"users": users}))
    git(ruled_repo, "add", ".")
    git(ruled_repo, "commit", "-q", "-m", "users")
    random.Random(7).shuffle(users)
    ruled_repo.write("conf/users.json", json.dumps({"users": users}))
    code, report = ruled_repo.json("check", "--base", "HEAD")
    assert (code, report["findings"]) == (0, [])
    # while a real churn of a quarter of the entries is caught
    for user in users[:2_500]:
        user["name"] += " (renamed)"
    ruled_repo.write("conf/users.json", json.dumps({"users": users}))
    code, report = ruled_repo.json("check", "--base", "HEAD")
    assert code == 1
    assert [f["rule"] for f in report["findings"]] == ["app.users-churn"]
