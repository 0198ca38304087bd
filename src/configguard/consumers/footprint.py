"""What consumers wrote: entries created, deleted or changed in the folders they reach.

Consumers are trusted code and may write files, but a gate that runs them must say when
they do; this watches cheaply (a folder is listed again only when its mtime moved).
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Sequence
from pathlib import Path

_Signature = tuple[int, int, bool]
"""mtime (ns), size, is a folder."""


def _signature(path: str) -> _Signature | None:
    try:
        info = os.stat(path, follow_symlinks=False)
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_size, stat.S_ISDIR(info.st_mode))


def _entries(folder: str) -> dict[str, _Signature]:
    found: dict[str, _Signature] = {}
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name == ".configguard":
                    continue
                with contextlib.suppress(OSError):
                    info = entry.stat(follow_symlinks=False)
                    found[entry.path] = (info.st_mtime_ns, info.st_size, entry.is_dir())
    except OSError:
        pass
    return found


class Footprint:
    """What consumers changed in the folders they reach by relative path.

    Consumers are trusted code and may write files, but a gate that runs them must say
    when they do: a consumer writing next to the config (a cache, a converted copy, the
    config itself) would otherwise change the repository unnoticed. Each watched folder
    is listed once (its entries by mtime and size, ``.configguard`` aside); after a run,
    only the folder itself and the checked files are stat'ed, and a folder is listed
    again only when its mtime moved (an entry was created, deleted or renamed). So a
    check of 10,000 files in one folder costs one listing, not 10,000. What this misses:
    an existing file other than the checked one rewritten in place (``full`` rescans
    catch that too, as ``fuzz`` does once at the end).
    """

    def __init__(self) -> None:
        self._folders: dict[str, tuple[_Signature | None, dict[str, _Signature]]] = {}

    def watch(self, folders: Sequence[Path]) -> None:
        """Start watching ``folders`` (those already watched keep their state)."""
        for folder in folders:
            key = os.path.abspath(folder)
            if key not in self._folders:
                self._folders[key] = (_signature(key), _entries(key))

    def changes(
        self, relative_to: Path, files: Sequence[Path] = (), full: bool = False
    ) -> list[str]:
        """``created x``, ``changed y``, ``deleted z`` since the last call (or ``watch``)."""
        base = os.path.abspath(relative_to)
        out: list[str] = []
        for key, (signature, before) in list(self._folders.items()):
            now = _signature(key)
            if not full and now == signature:
                continue
            after = _entries(key)
            self._folders[key] = (now, after)
            out += _differences(before, after, base)
        for file in files:
            path = os.path.abspath(file)
            record = self._folders.get(os.path.dirname(path))
            old, new = (record[1].get(path) if record else None), _signature(path)
            if record is not None and old is not None and new is not None and old != new:
                record[1][path] = new
                out.append(f"changed {_shown(path, base, new)}")
        return out


def _shown(path: str, base: str, signature: _Signature) -> str:
    shown = os.path.relpath(path, base)
    return shown + "/" if signature[2] else shown


def _differences(
    before: dict[str, _Signature], after: dict[str, _Signature], base: str
) -> list[str]:
    out = [f"created {_shown(p, base, after[p])}" for p in sorted(after.keys() - before.keys())]
    out += [f"deleted {_shown(p, base, before[p])}" for p in sorted(before.keys() - after.keys())]
    out += [
        f"changed {_shown(p, base, after[p])}"
        for p in sorted(before.keys() & after.keys())
        if before[p] != after[p]
    ]
    return out


def describe_writes(changes: Sequence[str], limit: int = 5) -> str:
    """``created out.txt, changed cache/`` (and N more)."""
    shown = ", ".join(changes[:limit])
    return shown + (f" and {len(changes) - limit} more" if len(changes) > limit else "")
