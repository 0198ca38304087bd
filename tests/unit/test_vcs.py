"""Git plumbing against real temporary repositories: changes, renames, deletions, old bytes."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from configguard.errors import ConfigurationError
from configguard.vcs import Change, changes_since, read_at, repo_root


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "config", "user.email", "t@example.com")
    git(tmp_path, "config", "user.name", "t")
    (tmp_path / "keep.json").write_text('{"a": 1}')
    (tmp_path / "edit.json").write_text('{"a": 1}')
    (tmp_path / "gone.json").write_text('{"a": 1}')
    (tmp_path / "old-name.json").write_text('{"long": "' + "x" * 200 + '"}')
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "base")
    return tmp_path


def test_changes_since_head(repo: Path) -> None:
    (repo / "edit.json").write_text('{"a": 2}')
    (repo / "gone.json").unlink()
    git(repo, "mv", "old-name.json", "new-name.json")
    (repo / "fresh.json").write_text("{}")  # untracked
    (repo / "staged.json").write_text("{}")
    git(repo, "add", "staged.json")
    changes = sorted(changes_since("HEAD", repo), key=lambda c: c.path)
    assert changes == [
        Change("modified", "edit.json", "edit.json"),
        Change("added", "fresh.json"),
        Change("deleted", "gone.json", "gone.json"),
        Change("renamed", "new-name.json", "old-name.json"),
        Change("added", "staged.json"),
    ]


def test_read_at(repo: Path) -> None:
    (repo / "edit.json").write_text('{"a": 2}')
    assert read_at("HEAD", "edit.json", repo) == b'{"a": 1}'
    assert read_at("HEAD", "missing.json", repo) is None


def test_bad_ref_and_outside_repository(
    repo: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    with pytest.raises(ConfigurationError, match="no such commit"):
        changes_since("nope", repo)
    assert repo_root(repo / ".") == repo.resolve()
    with pytest.raises(ConfigurationError, match="not in one"):
        repo_root(tmp_path_factory.mktemp("plain"))
