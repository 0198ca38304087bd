"""A file's older versions, and the other files of the project, for the kinds that need more
than the previous version (``novel-values`` with ``history: N``, ``references`` with
``in: {files: ...}``).

One run holds one ``Run`` (set by ``api.check``; forked workers inherit it): the project
root, the baseline, the ``--history`` depth, and caches, so that each file's history and
each referenced file is read and parsed once per run. History comes from git (``git log
--follow`` on the path, then every blob through one ``git cat-file --batch``: two git
processes whatever N is) or from a *snapshots folder* given to ``--base-path``: a folder
whose entries are all folders named with a leading digit (``2026-11-30T1000Z/``,
``0042/``), each a copy of the project tree; the newest (last in natural order) is the
previous version, the others are older history.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .errors import ConfigurationError

if TYPE_CHECKING:
    from .load import Document, Format
    from .previous import Baseline

MAX_HISTORY = 1000
"""The deepest history a rule or ``--history`` may ask for."""

_HASH = re.compile(rb":\d+ \d+ [0-9a-f]+ ([0-9a-f]{40,64}) ([A-Z])\d*\0")
_ZERO = re.compile(rb"0+")


@dataclass(frozen=True)
class Version:
    """One older version of a file: where it came from (``commit:path`` or a path) and bytes."""

    label: str
    raw: bytes


# -- git ---------------------------------------------------------------------------------
def git_log(root: Path, ref: str, path: str, count: int) -> list[tuple[str, str]]:
    """(commit, blob) of the last ``count`` versions of ``path`` as of ``ref``, newest first,
    following renames; commits that deleted it are skipped, and a blob appears once."""
    import subprocess

    try:
        done = subprocess.run(
            [
                "git",
                "--literal-pathspecs",
                "log",
                "--follow",
                "--raw",
                "--no-abbrev",
                "-z",
                "--no-color",
                "--format=%x01%H",
                f"-n{count}",
                ref,
                "--",
                path,
            ],
            cwd=root,
            capture_output=True,
            check=False,
            timeout=120,
        )
    except (OSError, subprocess.TimeoutExpired):
        return []
    if done.returncode != 0:
        return []
    out: list[tuple[str, str]] = []
    seen: set[bytes] = set()
    for chunk in done.stdout.split(b"\x01"):
        commit = chunk[:64].split(b"\0", 1)[0].strip()
        match = _HASH.search(chunk)
        if not commit or match is None or match.group(2) == b"D":
            continue
        blob = match.group(1)
        if _ZERO.fullmatch(blob) or blob in seen:
            continue
        seen.add(blob)
        out.append((commit.decode(), blob.decode()))
    return out


def cat_blobs(root: Path, blobs: list[str], limit: int) -> dict[str, bytes]:
    """blob -> bytes for every blob, read by one ``git cat-file --batch`` process; a blob
    larger than ``limit`` is skipped (read past, never held)."""
    import subprocess
    import threading

    if not blobs:
        return {}
    out: dict[str, bytes] = {}
    with subprocess.Popen(
        ["git", "cat-file", "--batch"],
        cwd=root,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    ) as process:
        assert process.stdin is not None and process.stdout is not None
        stdin, stdout = process.stdin, process.stdout

        def feed() -> None:  # a thread: git stops reading when its output pipe is full
            try:
                stdin.write("".join(f"{b}\n" for b in blobs).encode())
                stdin.close()
            except OSError:
                pass

        writer = threading.Thread(target=feed, daemon=True)
        writer.start()
        for blob in blobs:
            header = stdout.readline().split()
            if len(header) != 3:  # "<blob> missing", or git died
                if not header:
                    break
                continue
            size = int(header[2])
            if size > limit:
                remaining = size + 1
                while remaining:
                    remaining -= len(stdout.read(min(remaining, 1 << 20)) or b"\0" * remaining)
                continue
            data = stdout.read(size + 1)
            out[blob] = data[:size]
        writer.join(timeout=10)
        process.stdout.close()
        process.wait(timeout=120)
    return out


def git_versions(root: Path, ref: str, path: str, count: int) -> list[Version]:
    """The last ``count`` versions of ``path`` (relative to the repository) as of ``ref``,
    newest first: one ``git log`` and one ``git cat-file --batch``."""
    from .load import DEFAULT_MAX_BYTES

    log = git_log(root, ref, path, count)
    blobs = cat_blobs(root, [blob for _, blob in log], DEFAULT_MAX_BYTES)
    return [Version(f"{commit[:12]}:{path}", blobs[b]) for commit, b in log if b in blobs]


PATHSPECS = 1000
"""More paths than this are not passed to git (command-line length): the log is filtered."""
_RAW = re.compile(rb":\d+ \d+ [0-9a-f]+ ([0-9a-f]{40,64}) ([A-Z])\d*\0([^\0]*)\0")


def repo_versions(
    root: Path, paths: list[str], count: int, commits: int, limit: int
) -> dict[str, list[Version]]:
    """path -> its last ``count`` versions (newest first) for many files at once, from the
    last ``commits`` commits of HEAD: one ``git log`` and one ``git cat-file --batch``
    (renames are not followed; blobs over ``limit`` bytes are left out)."""
    import subprocess

    if not paths:
        return {}
    try:
        done = subprocess.run(
            [
                "git",
                "--literal-pathspecs",
                "log",
                "--raw",
                "--no-abbrev",
                "--no-renames",
                "-z",
                "--no-color",
                "--format=%x01%H",
                f"-n{commits}",
                "HEAD",
                "--",
                *(paths if len(paths) <= PATHSPECS else []),
            ],
            cwd=root,
            capture_output=True,
            check=False,
            timeout=120,
        )
    except (OSError, subprocess.TimeoutExpired):
        return {}
    if done.returncode != 0:
        return {}
    wanted = set(paths)
    found: dict[str, list[tuple[str, str]]] = {}
    for chunk in done.stdout.split(b"\x01"):
        commit = chunk[:64].split(b"\0", 1)[0].strip().decode()
        for match in _RAW.finditer(chunk):
            blob, status = match.group(1), match.group(2)
            path = match.group(3).decode("utf-8", "surrogateescape")
            versions = found.setdefault(path, [])
            if path not in wanted or status == b"D" or _ZERO.fullmatch(blob):
                continue
            if len(versions) < count and all(b != blob.decode() for _, b in versions):
                versions.append((commit, blob.decode()))
    blobs = cat_blobs(root, [b for v in found.values() for _, b in v], limit)
    return {
        path: [Version(f"{c[:12]}:{path}", blobs[b]) for c, b in versions if b in blobs]
        for path, versions in found.items()
        if path in wanted
    }


# -- snapshots ---------------------------------------------------------------------------
def _natural(name: str) -> list[Any]:
    parts = re.split(r"([0-9]+)", name)
    return [(0, int(p), "") if p.isascii() and p.isdigit() else (1, 0, p) for p in parts if p]


def snapshots(folder: Path) -> list[Path]:
    """The snapshot folders of ``folder``, newest first, when it is a snapshots folder (every
    entry not starting with ``.`` is a folder whose name starts with a digit); else []."""
    try:
        entries = [e for e in os.scandir(folder) if not e.name.startswith(".")]
    except OSError:
        return []
    if not entries or not all(e.is_dir() and e.name[:1].isdigit() for e in entries):
        return []
    return [Path(e.path) for e in sorted(entries, key=lambda e: _natural(e.name), reverse=True)]


def newest_snapshot(base: Path) -> Path:
    """What ``--base-path`` compares with: the newest snapshot of a snapshots folder, else
    ``base`` itself."""
    found = snapshots(base)
    return found[0] if found else base


# -- the run -----------------------------------------------------------------------------
@dataclass
class Run:
    """What kinds may know of the run: the project root, the baseline, ``--history``."""

    root: Path
    baseline: Baseline | None = None
    depth: int | None = None
    base_path: Path | None = None
    _versions: dict[tuple[str, int], list[list[Any]]] = field(default_factory=dict)
    _files: dict[tuple[str, ...], list[tuple[str, Any]]] = field(default_factory=dict)

    def older(self, document: Document, depth: int) -> list[Any]:
        """The data of the same document in versions 2..``depth`` of the document's file
        (version 1, the previous version, is what the engine passes); [] when unknown."""
        if depth <= 1:
            return []
        path = os.path.abspath(document.source.path)
        key = (path, depth)
        if key not in self._versions:
            self._versions[key] = self._read_older(Path(path), depth, document.source.format)
        index = document.index or 0
        return [docs[index] for docs in self._versions[key] if index < len(docs)]

    def _read_older(self, path: Path, depth: int, fmt: Format) -> list[list[Any]]:
        from .load import load

        out = []
        for version in self._older_versions(path, depth)[: depth - 1]:
            loaded = load(
                Path(version.label), version.label, fmt, raw=version.raw, duplicates=False
            )
            if not any(p.kind == "parse-error" for p in loaded.problems):
                out.append([d.data for d in loaded.documents])
        return out

    def _older_versions(self, path: Path, depth: int) -> list[Version]:
        # a git baseline (``--base REF``) has a ref, a root and its changes since the ref;
        # read as attributes so that this module stays below the previous-version door
        baseline = self.baseline
        ref, root = getattr(baseline, "ref", None), getattr(baseline, "root", None)
        if isinstance(ref, str) and isinstance(root, Path):
            try:
                relative = path.relative_to(root).as_posix()
            except ValueError:
                return []
            renamed = {c.path: c.old_path for c in getattr(baseline, "changes", ())}
            old = renamed.get(relative, relative)
            if old is None:
                return []
            return git_versions(root, ref, old, depth)[1:]
        if self.base_path is not None:
            return self._snapshot_versions(path, depth)
        return []

    def _snapshot_versions(self, path: Path, depth: int) -> list[Version]:
        from .load import DEFAULT_MAX_BYTES, read_bytes

        assert self.base_path is not None
        try:
            relative = path.relative_to(self.root)
        except ValueError:
            relative = Path(path.name)
        out = []
        for folder in snapshots(self.base_path)[1:depth]:
            try:
                out.append(
                    Version(
                        str(folder / relative), read_bytes(folder / relative, DEFAULT_MAX_BYTES)
                    )
                )
            except OSError:
                continue
        return out

    def documents_of(self, pattern: str, *, of: Path | None = None) -> list[tuple[str, Any]]:
        """(file, data) of every document of the files matching the glob ``pattern``
        (relative to the project root), or of the one file ``of``; read once per run."""
        from .load import load

        key = (pattern, str(of))
        if key in self._files:
            return self._files[key]
        if of is not None:
            paths = [of]
        else:
            paths = sorted(p for p in self.root.glob(pattern) if p.is_file())
        found: list[tuple[str, Any]] = []
        for path in paths:
            display = (
                path.relative_to(self.root).as_posix()
                if path.is_relative_to(self.root)
                else str(path)
            )
            loaded = load(path, display, duplicates=False)
            if any(p.kind == "parse-error" for p in loaded.problems):
                continue
            found.extend((display, d.data) for d in loaded.documents)
        self._files[key] = found
        return found


_RUN: Run | None = None


def begin(
    root: Path,
    baseline: Baseline | None = None,
    depth: int | None = None,
    base_path: Path | None = None,
) -> Run:
    """Start a run's context (``api.check`` calls it once, before any file is checked)."""
    global _RUN
    if depth is not None and not 1 <= depth <= MAX_HISTORY:
        raise ConfigurationError(f"--history must be between 1 and {MAX_HISTORY}")
    if depth is not None and depth > 1 and baseline is None:
        raise ConfigurationError("--history needs --base REF or --base-path PATH")
    _RUN = Run(root.absolute(), baseline, depth, base_path)
    return _RUN


def current() -> Run:
    """The run's context; outside ``api.check`` (a kind run on its own), the working
    directory with no history."""
    return _RUN if _RUN is not None else Run(Path.cwd())


def end() -> None:
    global _RUN
    _RUN = None


def iter_depth(rule_depth: int | None) -> int:
    """The history a rule compares with: its own ``history:``, else ``--history``, else 1."""
    if rule_depth is not None:
        return rule_depth
    return current().depth or 1
