"""Git plumbing for change-aware checks: what changed since a ref, and a file's old bytes.

Read-only: only ``git diff``, ``git ls-files`` and ``git cat-file`` are run, so the work
tree, the index and the refs are never touched.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .errors import ConfigurationError

Status = Literal["added", "modified", "deleted", "renamed"]


@dataclass(frozen=True)
class Change:
    """One file changed between a ref and the work tree (paths relative to the repository)."""

    status: Status
    path: str
    old_path: str | None = None
    """The path at the ref: differs from ``path`` for a rename; None for an added file."""


def _git(args: list[str], cwd: Path) -> bytes:
    try:
        done = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, check=False, timeout=120
        )
    except FileNotFoundError:
        raise ConfigurationError("--base needs git, which is not installed") from None
    except subprocess.TimeoutExpired:
        raise ConfigurationError(f"git {args[0]} took longer than 120 s") from None
    if done.returncode != 0:
        reason = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise ConfigurationError(f"git {args[0]} failed: {reason[-1] if reason else 'no output'}")
    return done.stdout


def repo_root(cwd: Path) -> Path:
    """The top of the git work tree containing ``cwd`` (exit 2 outside a repository)."""
    try:
        out = _git(["rev-parse", "--show-toplevel"], cwd)
    except ConfigurationError:
        raise ConfigurationError(
            f"--base needs a git repository, and {cwd} is not in one"
        ) from None
    return Path(out.decode().strip())


def verify_ref(ref: str, root: Path) -> None:
    try:
        _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], root)
    except ConfigurationError:
        raise ConfigurationError(f"--base {ref}: no such commit, branch or tag") from None


def changes_since(ref: str, root: Path) -> list[Change]:
    """Files that differ between ``ref`` and the work tree, plus untracked new files.

    Staged and unstaged edits both count, so under pre-commit (which stashes unstaged
    edits) ``--base HEAD`` compares exactly the staged content with the last commit.
    """
    verify_ref(ref, root)
    out = _git(
        ["diff", "--name-status", "-z", "-M", "--no-color", "--no-ext-diff", ref, "--"], root
    )
    fields = out.decode("utf-8", "surrogateescape").split("\0")
    changes: list[Change] = []
    i = 0
    while i < len(fields) and fields[i]:
        code = fields[i][0]
        if code == "R":
            changes.append(Change("renamed", fields[i + 2], fields[i + 1]))
            i += 3
            continue
        path = fields[i + 1]
        if code == "A":
            changes.append(Change("added", path))
        elif code == "D":
            changes.append(Change("deleted", path, path))
        else:  # M, T (type change), C (copy: new file with an old source)
            changes.append(Change("modified", path, path))
        i += 2
    untracked = _git(["ls-files", "--others", "--exclude-standard", "-z"], root)
    changes.extend(
        Change("added", p) for p in untracked.decode("utf-8", "surrogateescape").split("\0") if p
    )
    return changes


def read_at(ref: str, path: str, root: Path, limit: int | None = None) -> bytes | None:
    """The bytes of ``path`` at ``ref``; None when the file did not exist there, or when
    it is larger than ``limit`` (default: what configguard reads of any file), so a huge
    committed blob is never held in memory whole."""
    from .load import DEFAULT_MAX_BYTES

    limit = DEFAULT_MAX_BYTES if limit is None else limit
    with subprocess.Popen(
        ["git", "cat-file", "blob", f"{ref}:{path}"],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    ) as process:
        assert process.stdout is not None
        data = process.stdout.read(limit + 1)
        if len(data) > limit:
            process.kill()
            return None
        try:
            process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            process.kill()
            return None
    return data if process.returncode == 0 else None
