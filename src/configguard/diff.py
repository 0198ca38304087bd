"""Comparing two versions of a document's data: entries matched by key, sizes, in linear time.

Entries of a list are matched by a key (one field, or several) or, without one, by their
whole canonical JSON; each side is hashed once, so a 10,000-entry comparison is a few
dictionary passes, never pairwise, and a reordering changes nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from .canonical import canonical

_ID_KEYS = ("id", "name", "key", "uid", "uuid", "slug")


def entry_key(item: Any, key: Sequence[str] | None) -> str:
    if key is None:
        return canonical(item)
    if not isinstance(item, dict):
        return canonical(item)
    if len(key) == 1:
        return canonical(item.get(key[0]))
    return canonical([item.get(k) for k in key])


@dataclass(frozen=True)
class EntryDiff:
    """How the entries of one list (or the members of one object) changed."""

    old_count: int
    new_count: int
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: tuple[str, ...]
    duplicates: int = 0
    """Entries of the new version whose key another new entry already has."""

    @property
    def churn(self) -> float:
        """Share of keyed entries added, removed or changed, of all entries on either side."""
        universe = self.old_count + len(self.added)
        if universe == 0:
            return 0.0
        return (len(self.added) + len(self.removed) + len(self.changed)) / universe

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.duplicates)


def _index(items: Any, key: Sequence[str] | None) -> tuple[dict[str, str], int, int]:
    """key -> canonical entry (first copy), entry count, duplicated-key count."""
    if isinstance(items, dict):
        return {canonical(k): canonical(v) for k, v in items.items()}, len(items), 0
    if not isinstance(items, list):
        return {}, 0, 0
    out: dict[str, str] = {}
    duplicates = 0
    if key is None:
        counts = Counter(canonical(item) for item in items)
        for k, n in counts.items():
            out[k] = k
            duplicates += n - 1
        return out, len(items), duplicates
    for item in items:
        k = entry_key(item, key)
        if k in out:
            duplicates += 1
        else:
            out[k] = canonical(item)
    return out, len(items), duplicates


def compare_entries(old: Any, new: Any, key: Sequence[str] | None = None) -> EntryDiff:
    """Entries added, removed and changed between two lists (or objects, by member name)."""
    old_index, old_count, _ = _index(old, key)
    new_index, new_count, duplicates = _index(new, key)
    added = tuple(k for k in new_index if k not in old_index)
    removed = tuple(k for k in old_index if k not in new_index)
    changed = tuple(k for k, v in new_index.items() if k in old_index and old_index[k] != v)
    return EntryDiff(old_count, new_count, added, removed, changed, duplicates)


def guess_key(old: Any, new: Any) -> tuple[str, ...] | None:
    """An id-like field every object entry of both lists has (``id``, ``name``, ...)."""
    items = [*(old if isinstance(old, list) else ()), *(new if isinstance(new, list) else ())]
    if not items or not all(isinstance(i, dict) for i in items):
        return None
    for candidate in _ID_KEYS:
        if all(candidate in i and isinstance(i[candidate], (str, int)) for i in items):
            return (candidate,)
    return None


def count(value: Any) -> int | None:
    """Items of a list or members of an object; None for anything else."""
    return len(value) if isinstance(value, (list, dict)) else None


def arrays(data: Any, max_depth: int = 4) -> dict[str, list[Any]]:
    """Every list reachable within ``max_depth`` levels, by JSON Pointer (lists inside lists
    are not descended into: their entries are what the summary compares)."""
    from .locate import escape

    found: dict[str, list[Any]] = {}
    stack: list[tuple[str, Any, int]] = [("", data, 0)]
    while stack:
        pointer, value, depth = stack.pop()
        if isinstance(value, list):
            found[pointer] = value
        elif isinstance(value, dict) and depth < max_depth:
            for k, v in value.items():
                stack.append((pointer + "/" + escape(k), v, depth + 1))
    return dict(sorted(found.items()))
