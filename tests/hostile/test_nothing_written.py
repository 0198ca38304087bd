"""Nothing lost, nothing written: no command changes anything outside ``.configguard/``.

The project tree (every path, its type, size, mtime, content hash; directories' mtimes
too, so a temporary file created and removed again is caught; ``.git`` included, so an
index refresh is caught) is snapshotted before and after every command, on a git
repository holding the bot-features example with a proposed change in its work tree.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from configguard.cli import main
from tests.conftest import REPO

EXAMPLE = REPO / "examples" / "bot-features"
STATE = ".configguard"

Snapshot = dict[str, tuple[object, ...]]


def snapshot(root: Path) -> Snapshot:
    """Everything under ``root`` except ``.configguard/`` (root's own mtime changes with it)."""
    out: Snapshot = {}
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if not (here == root and d == STATE))
        for name in [*dirs, *sorted(files)]:
            path = here / name
            info = path.lstat()
            rel = path.relative_to(root).as_posix()
            if path.is_symlink():
                out[rel] = ("link", os.readlink(path))
            elif path.is_dir():
                out[rel] = ("dir", info.st_mtime_ns, info.st_mode)
            else:
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
                out[rel] = ("file", info.st_size, info.st_mtime_ns, info.st_mode, digest)
    return out


def diff(before: Snapshot, after: Snapshot) -> list[str]:
    changes = [f"created {p}" for p in sorted(after.keys() - before.keys())]
    changes += [f"deleted {p}" for p in sorted(before.keys() - after.keys())]
    changes += [f"changed {p}" for p in sorted(before) if p in after and before[p] != after[p]]
    return changes


def git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example as deployed, committed; the proposed (incident) file in the work tree."""
    root = tmp_path_factory.mktemp("untouched") / "bot"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(STATE, "__pycache__"))
    proposed = (root / "features" / "features.json").read_bytes()
    shutil.copy(root / "last-known-good" / "features" / "features.json", root / "features")
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "deployed")
    (root / "features" / "features.json").write_bytes(proposed)
    git(root, "status", "--short")  # let git refresh its index now, not during a command
    return root


FORMATS = ["text", "json", "sarif", "junit", "github", "markdown", "gitlab"]
COMMANDS: list[list[str]] = [
    *(["check", "--format", fmt] for fmt in FORMATS),
    ["check", "--output", f"{STATE}/report.sarif"],
    ["check", "--output", "{outside}/report.json"],
    ["check", "--no-consumer", "features/features.json"],
    ["check", "--schema", "schemas/bot-features.schema.json", "features/features.json"],
    ["check", "--base", "HEAD"],
    ["check", "--base", "HEAD", "--format", "json"],
    ["check", "--base-path", "last-known-good"],
    ["rules"],
    ["explain", "bot-features.max-count"],
    ["explain", "max-bytes"],
    ["fuzz", "--seed", "1", "--max-examples", "60", "--max-time", "5"],
    ["fuzz", "--replay", f"{STATE}/crashes"],
    ["init", "--dry-run"],
    ["--version"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(c) for c in COMMANDS])
def test_command_writes_nothing_outside_configguard(
    repo: Path, args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = [a.replace("{outside}", str(tmp_path)) for a in args]
    monkeypatch.chdir(repo)
    if args[:2] == ["fuzz", "--replay"] and not (repo / STATE / "crashes").is_dir():
        CliRunner().invoke(main, ["fuzz", "--seed", "1", "--max-examples", "60"])
    (repo / STATE).mkdir(exist_ok=True)  # --output needs its folder
    before = snapshot(repo)
    result = CliRunner().invoke(main, args, env={"NO_COLOR": "1"})
    assert result.exit_code in (0, 1), result.output
    assert "Traceback" not in result.output
    assert diff(before, snapshot(repo)) == []
    if "--output" in args and str(tmp_path) in args[-1]:
        assert (tmp_path / "report.json").is_file()


def test_the_snapshot_sees_writes(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The test above would notice: a report written into the project is a change."""
    monkeypatch.chdir(repo)
    before = snapshot(repo)
    CliRunner().invoke(main, ["check", "--output", "features/report.json"])
    try:
        assert diff(before, snapshot(repo)) == ["created features/report.json", "changed features"]
    finally:
        (repo / "features" / "report.json").unlink()


def test_init_writes_only_its_starter_files(tmp_path: Path) -> None:
    root = tmp_path / "bot"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(STATE, "__pycache__"))
    for name in ("configguard.yaml", "rules"):
        target = root / name
        shutil.rmtree(target) if target.is_dir() else target.unlink()
    before = snapshot(root)
    result = subprocess.run(
        [sys.executable, "-m", "configguard", "init"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    written = {
        line.removeprefix("Wrote ").split(":")[0].rstrip(".")
        for line in result.stdout.splitlines()
        if line.startswith("Wrote ")
    }
    assert written and "configguard.yaml" in written
    after = snapshot(root)
    created = set(after) - set(before)
    files = {p for p in created if after[p][0] == "file"}
    assert files == written
    # only the folders holding them are new, and nothing that existed changed
    assert all(after[p][0] == "dir" for p in created - files)
    assert [p for p in before if before[p] != after.get(p) and before[p][0] != "dir"] == []
