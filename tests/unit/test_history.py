"""history.py: a file's versions out of git with two git processes whatever their number,
snapshots folders, and the run context the kinds read."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from configguard import history
from configguard.errors import ConfigurationError


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "config", "user.email", "t@example.com")
    git(tmp_path, "config", "user.name", "t")
    for v in range(12):
        (tmp_path / "f.yaml").write_text(f"v: {v % 10}\n")  # 10 and 11 repeat 0 and 1
        (tmp_path / "noise.txt").write_text(f"{v}\n")
        git(tmp_path, "add", ".")
        git(tmp_path, "commit", "-q", "-m", str(v))
    return tmp_path


def test_versions_newest_first_with_two_git_processes(
    repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[Any] = []
    real = subprocess.Popen

    def counting(argv: Any, *a: Any, **k: Any) -> Any:
        started.append(argv)
        return real(argv, *a, **k)

    monkeypatch.setattr(subprocess, "Popen", counting)
    found = history.git_versions(repo, "HEAD", "f.yaml", 12)
    assert [v.raw for v in found] == [f"v: {v}\n".encode() for v in (1, 0, 9, 8, 7, 6, 5, 4, 3, 2)]
    assert found[0].label.endswith(":f.yaml")
    assert [a[1] if a[1] != "--literal-pathspecs" else a[2] for a in started] == ["log", "cat-file"]


def test_versions_as_of_an_older_ref_and_a_missing_path(repo: Path) -> None:
    found = history.git_versions(repo, "HEAD~10", "f.yaml", 5)
    assert [v.raw for v in found] == [b"v: 1\n", b"v: 0\n"]
    assert history.git_versions(repo, "HEAD", "missing.yaml", 5) == []
    assert history.git_versions(repo, "no-such-ref", "f.yaml", 5) == []


def test_blobs_over_the_limit_are_skipped(repo: Path) -> None:
    log = history.git_log(repo, "HEAD", "f.yaml", 3)
    blobs = [b for _, b in log]
    assert history.cat_blobs(repo, blobs, limit=3) == {}
    got = history.cat_blobs(repo, ["0" * 40, *blobs], limit=100)
    assert sorted(got.values()) == [b"v: 0\n", b"v: 1\n", b"v: 9\n"]


def test_snapshots_folder_natural_order(tmp_path: Path) -> None:
    for name in ("9", "10", "2026-01-02", ".git"):
        (tmp_path / "snaps" / name).mkdir(parents=True)
    found = [p.name for p in history.snapshots(tmp_path / "snaps")]
    assert found == ["2026-01-02", "10", "9"]
    assert history.newest_snapshot(tmp_path / "snaps").name == "2026-01-02"
    (tmp_path / "tree" / "conf").mkdir(parents=True)
    (tmp_path / "tree" / "0001").mkdir()
    assert history.snapshots(tmp_path / "tree") == []  # a plain last-known-good tree
    assert history.newest_snapshot(tmp_path / "tree") == tmp_path / "tree"


def test_history_depth_is_bounded() -> None:
    with pytest.raises(ConfigurationError, match="between 1 and 1000"):
        history.begin(Path.cwd(), None, 0)
    history.end()
    assert history.iter_depth(None) == 1
    assert history.iter_depth(7) == 7
