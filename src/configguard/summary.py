"""The change summary: what a proposed change does to the data, per file, by key.

A reviewer reads "61 -> 244 entries, 183 duplicated, nothing added or removed" rather
than a text diff of 700 lines. Lists are matched by an id-like key when every entry has
one (``id``, ``name``, ...), else by whole value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from .diff import arrays, compare_entries, guess_key

Status = Literal["added", "modified", "renamed", "deleted", "unchanged"]


@dataclass(frozen=True)
class ListChange:
    pointer: str
    old: int | None
    new: int | None
    key: tuple[str, ...] | None
    added: int
    removed: int
    changed: int
    duplicates: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.pointer,
            "old": self.old,
            "new": self.new,
            "key": list(self.key) if self.key else None,
            "added": self.added,
            "removed": self.removed,
            "changed": self.changed,
            "duplicates": self.duplicates,
        }


@dataclass(frozen=True)
class FileChange:
    file: str
    status: Status
    previous: str | None
    old_bytes: int | None
    new_bytes: int | None
    lists: tuple[ListChange, ...] = ()
    document: int | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "file": self.file,
            "status": self.status,
            "previous": self.previous,
            "bytes": {"old": self.old_bytes, "new": self.new_bytes},
            "lists": [c.to_dict() for c in self.lists],
        }
        if self.document is not None:
            out["document"] = self.document
        return out


def compare_lists(old: Any, new: Any) -> tuple[ListChange, ...]:
    """Every list in either version, compared entry by entry (changed lists first)."""
    old_lists, new_lists = arrays(old), arrays(new)
    out = []
    for pointer in sorted(old_lists.keys() | new_lists.keys()):
        before, after = old_lists.get(pointer), new_lists.get(pointer)
        key = guess_key(before, after)
        diff = compare_entries(before or [], after or [], key)
        out.append(
            ListChange(
                pointer,
                len(before) if before is not None else None,
                len(after) if after is not None else None,
                key,
                len(diff.added),
                len(diff.removed),
                len(diff.changed),
                diff.duplicates,
            )
        )
    return tuple(out)
