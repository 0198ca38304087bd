"""The change summary: what a proposed change does to the data, per file, by key.

A reviewer reads "61 -> 244 entries, 183 duplicated, nothing added or removed" rather
than a text diff of 700 lines. Lists are matched by an id-like key when every entry has
one (``id``, ``name``, ...), else by whole value.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .diff import arrays, compare_entries, guess_key
from .findings import FileChange, ListChange, Status

if TYPE_CHECKING:
    from .discover import Claimed
    from .load import Loaded
    from .previous import Baseline, GitBaseline


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


def file_changes(
    claimed: Claimed, loaded: Loaded, previous: Loaded | None, baseline: Baseline
) -> list[FileChange]:
    """The change summary of one file, a FileChange per document."""
    from .previous import GitBaseline

    new_bytes = loaded.source.size if loaded.source else None
    if previous is None or previous.source is None:
        return [FileChange(claimed.display, "added", None, None, new_bytes)]
    label = previous.source.display
    is_git = isinstance(baseline, GitBaseline)
    old_path = label.split(":", 1)[1] if is_git else label
    renamed = isinstance(baseline, GitBaseline) and old_path != _repo_relative(claimed, baseline)
    multi = len(loaded.documents) > 1
    out = []
    for i, document in enumerate(loaded.documents):
        old = previous.documents[i].data if i < len(previous.documents) else None
        lists = compare_lists(old, document.data)
        unchanged = old == document.data and previous.source.size == new_bytes
        status: Status = "renamed" if renamed else "unchanged" if unchanged else "modified"
        out.append(
            FileChange(
                claimed.display,
                status,
                label,
                previous.source.size,
                new_bytes,
                lists,
                i if multi else None,
            )
        )
    return out


def _repo_relative(claimed: Claimed, baseline: GitBaseline) -> str:
    return Path(os.path.abspath(claimed.path)).relative_to(baseline.root).as_posix()
