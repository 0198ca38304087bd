"""Where a file's previous version comes from: a git ref, or a last-known-good path.

``--base REF`` reads ``git cat-file blob REF:path`` (following renames); ``--base-path P``
reads P itself when it is a file, else the same path relative to the configuration root
under the folder P. Either way nothing in the work tree is touched.
"""

from __future__ import annotations

import os
import stat
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from .errors import ConfigurationError
from .load import (
    DEFAULT_MAX_BYTES,
    Document,
    Format,
    Loaded,
    Source,
    detect_format,
    load,
    read_bytes,
)

if TYPE_CHECKING:  # git (subprocess) is loaded only for --base
    from . import vcs


class PreviousFile(NamedTuple):
    """A previous version that is a file on disk (``--base-path``)."""

    path: Path
    label: str
    size: int


@dataclass(frozen=True)
class Previous:
    """The previous version of one file: its label (``REF:path`` or a path) and bytes."""

    label: str
    raw: bytes


class Baseline(ABC):
    """Answers "what did this file look like before?" for every checked file."""

    @abstractmethod
    def previous(self, path: Path) -> Previous | None:
        """The previous version of ``path``; None for a file that is new."""

    def previous_file(self, path: Path) -> PreviousFile | None:
        """Where the previous version lies on disk, when it does (a ``--base-path`` copy):
        its size, and whether it has the proposed bytes, are then known without reading
        it whole. None: it has to be read (git), or there is none."""
        return None

    def deleted(self) -> list[vcs.Change]:
        """Files gone since the baseline (only git knows)."""
        return []

    def changed_paths(self) -> list[Path] | None:
        """The files changed since the baseline, when it can tell (``--base`` with no paths)."""
        return None


@dataclass
class GitBaseline(Baseline):
    ref: str
    cwd: Path
    root: Path = field(init=False)
    changes: list[vcs.Change] = field(init=False)

    def __post_init__(self) -> None:
        from . import vcs

        self.root = vcs.repo_root(self.cwd)
        self.changes = vcs.changes_since(self.ref, self.root)
        self._old_path = {c.path: c.old_path for c in self.changes}

    def _relative(self, path: Path) -> str | None:
        try:
            return Path(os.path.abspath(path)).relative_to(self.root).as_posix()
        except ValueError:
            return None

    def previous(self, path: Path) -> Previous | None:
        relative = self._relative(path)
        if relative is None:
            return None
        old = self._old_path.get(relative, relative)
        if old is None:  # added since the ref
            return None
        from . import vcs

        raw = vcs.read_at(self.ref, old, self.root)
        return Previous(f"{self.ref}:{old}", raw) if raw is not None else None

    def deleted(self) -> list[vcs.Change]:
        return [c for c in self.changes if c.status == "deleted"]

    def changed_paths(self) -> list[Path]:
        return [self.root / c.path for c in self.changes if c.status != "deleted"]


@dataclass
class PathBaseline(Baseline):
    base: Path
    root: Path
    cwd: Path

    def __post_init__(self) -> None:
        if not self.base.exists():
            raise ConfigurationError("--base-path: no such file or folder", str(self.base))

    def _candidate(self, path: Path) -> Path:
        if self.base.is_file():
            return self.base
        try:
            relative = Path(os.path.abspath(path)).relative_to(os.path.abspath(self.root))
        except ValueError:
            relative = Path(path.name)
        return self.base / relative

    def _label(self, candidate: Path) -> str:
        try:
            label = Path(os.path.abspath(candidate)).relative_to(os.path.abspath(self.cwd))
        except ValueError:
            label = candidate
        return label.as_posix()

    def previous_file(self, path: Path) -> PreviousFile | None:
        candidate = self._candidate(path)
        try:
            info = os.stat(candidate)
        except OSError:
            return None
        if not stat.S_ISREG(info.st_mode):
            return None
        return PreviousFile(candidate, self._label(candidate), info.st_size)

    def previous(self, path: Path) -> Previous | None:
        candidate = self._candidate(path)
        try:  # bounded, regular files only: a FIFO or /dev/zero here must not hang the run
            raw = read_bytes(candidate, DEFAULT_MAX_BYTES)
        except OSError:
            return None  # no usable last-known-good copy: treated as a new file
        return Previous(self._label(candidate), raw)


def load_previous(previous: Previous, fmt: Format | None, current: Loaded | None = None) -> Loaded:
    """Parse a previous version like any file (its problems are not reported).

    When its bytes are those of ``current`` (a regenerated file that did not change, or a
    file compared with itself), the current documents are shared instead of parsing the
    same text twice: rules only read documents.
    """
    path = Path(previous.label.split(":", 1)[-1])
    fmt = fmt or detect_format(path)
    if current is not None and current.source is not None:
        source = current.source
        if source.format == fmt and source.same_bytes(previous.raw):
            return shared_previous(current, source, previous.label)
    return load(path, previous.label, fmt, raw=previous.raw, duplicates=False)


def shared_previous(current: Loaded, source: Source, label: str) -> Loaded:
    """The previous version when it has ``current``'s bytes: the same documents under the
    previous version's name (its text or bytes too: nothing is held twice)."""
    path = Path(label.split(":", 1)[-1])
    twin = Source(path, label, source.format, source.size, source._text, _raw=source._raw)
    twin.documents = source.documents
    return Loaded(twin, [Document(twin, d.data, d.index) for d in current.documents], [])
