"""The previous version of a file: where it comes from (a git ref, or a last-known-good
path) and the one door through which change rules get it (``previous_version``).

``--base REF`` reads ``git cat-file blob REF:path`` (following renames); ``--base-path P``
reads P itself when it is a file, else the same path relative to the configuration root
under the folder P. Either way nothing in the work tree is touched.
"""

from __future__ import annotations

import os
import stat
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from .errors import ConfigurationError
from .kinds import Rule, Summary, get_kind, guarded, summarizes
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


# -- the one door ------------------------------------------------------------------------
class PreviousVersion(NamedTuple):
    """The previous version of one file as its change rules need it: either the parsed
    documents, or (``summaries``) what each change rule kept of each document, by rule id,
    when the documents themselves were dropped early."""

    loaded: Loaded | None
    summaries: tuple[Mapping[str, Summary], ...] | None = None


_KEEP_BYTES = 1 << 20
"""A previous version up to this size is kept for the usual path rather than read twice."""


def previous_version(
    path: Path,
    baseline: Baseline,
    fmt: Format | None,
    rules: Sequence[Rule],
    read_current: Callable[[], Loaded],
    whole: bool = False,
) -> tuple[Loaded, PreviousVersion | None]:
    """Parse the proposed file (``read_current``) and find its previous version, by the
    cheapest of three routes; None for a new file or an unusable previous version.

    1. Every change rule summarizes (and ``whole`` is not asked, for change summaries): the
       previous version is parsed, summarized and dropped *before* the proposed file is
       read, so two big versions are never held at once.
    2. The previous version has the proposed file's bytes (a regenerated file that did not
       change): the proposed documents are shared, the copy never read whole.
    3. Otherwise both are parsed.
    """
    summaries: tuple[Mapping[str, Summary], ...] | None = None
    known: Previous | None = None
    if not whole and summarizable(rules):
        summaries, known = _summarized(path, baseline, fmt, rules)
    current = read_current()
    if any(p.kind == "parse-error" for p in current.problems):
        return current, None
    if summaries is not None:
        return current, PreviousVersion(None, summaries) if summaries else None
    loaded = _documents(path, baseline, fmt, current, known)
    return current, PreviousVersion(loaded) if loaded is not None else None


def summarizable(rules: Sequence[Rule]) -> bool:
    """Whether every change rule keeps less than the previous document (and there is one)."""
    changes = [get_kind(r.kind) for r in rules if get_kind(r.kind).change]
    return bool(changes) and all(summarizes(k) for k in changes)


def previous_summaries(previous: Document, rules: Sequence[Rule]) -> dict[str, Summary]:
    """rule id -> what that change rule keeps of ``previous`` (its ``summarize``)."""
    out: dict[str, Summary] = {}
    display = previous.source.display
    for rule in rules:
        kind = get_kind(rule.kind)
        if kind.change:
            kept = guarded(rule, display, _as_list, kind.summarize, previous, rule)[0]
            if kept is not None:
                out[rule.id] = kept
    return out


def _as_list(summarize: Callable[[Document, Rule], Summary | None], *args: Any) -> list[Any]:
    """``summarize``'s one result as a list, the shape ``guarded`` runs and returns."""
    return [summarize(*args)]


def _summarized(
    path: Path, baseline: Baseline, fmt: Format | None, rules: Sequence[Rule]
) -> tuple[tuple[Mapping[str, Summary], ...] | None, Previous | None]:
    """Route 1: per document, what each change rule keeps; ``()`` for a new file or an
    unusable one. (None, maybe the bytes) when the previous version may be the proposed
    file's bytes (same size): route 2 shares one parse instead."""
    size: int | None
    try:
        size = path.stat().st_size
    except OSError:
        size = None
    on_disk = baseline.previous_file(path)
    if size is not None and on_disk is not None and on_disk.size == size:
        return None, None  # known without reading it
    previous = baseline.previous(path)
    if previous is None:
        return (), None
    if size == len(previous.raw):  # read again later: held now it would add to the peak
        return None, None if size > _KEEP_BYTES else previous
    loaded = load_previous(previous, fmt)
    del previous  # its bytes go before the proposed file is read
    if any(p.kind == "parse-error" for p in loaded.problems):
        return (), None
    return tuple(previous_summaries(document, rules) for document in loaded.documents), None


def _documents(
    path: Path,
    baseline: Baseline,
    fmt: Format | None,
    current: Loaded,
    known: Previous | None = None,
) -> Loaded | None:
    """Routes 2 and 3: the previous version, parsed (or sharing the proposed documents)."""
    on_disk = baseline.previous_file(path) if known is None else None
    source = current.source
    if (
        on_disk is not None
        and source is not None
        and source.format == (fmt or detect_format(on_disk.path))
        and source.same_file(on_disk.path)
    ):
        return shared_previous(current, source, on_disk.label)  # never read whole
    previous = known if known is not None else baseline.previous(path)
    if previous is None:
        return None
    loaded = load_previous(previous, fmt, current)
    if any(p.kind == "parse-error" for p in loaded.problems):
        return None
    return loaded
