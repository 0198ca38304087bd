"""Shared by the keyed change kinds (no-removal, max-churn): the ``key`` option and the
entries of the same place in both versions, compared by hashing (configguard.diff)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from . import parse_path, select

if TYPE_CHECKING:
    from ..diff import EntryDiff
    from ..load import Document

KEY = {
    "oneOf": [
        {"type": "string", "minLength": 1},
        {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}},
    ],
    "description": "field (or fields) identifying an entry; default: the whole entry",
}


def prepare(options: Mapping[str, Any]) -> tuple[list[str], tuple[str, ...] | None]:
    key = options.get("key")
    keys = None if key is None else ((key,) if isinstance(key, str) else tuple(key))
    return parse_path(options.get("path", "")), keys


def diffs(document: Document, previous: Document, prepared: Any) -> Iterator[tuple[str, EntryDiff]]:
    """(pointer, diff) for every list or object selected in the previous version."""
    from ..diff import compare_entries

    tokens, keys = prepared
    new = dict(select(document.data, tokens))
    for pointer, old in select(previous.data, tokens):
        if isinstance(old, (list, dict)):
            yield pointer, compare_entries(old, new.get(pointer), keys)


def shown(keys: tuple[str, ...], limit: int = 5) -> str:
    """The first few entry keys (canonical JSON) for a message."""
    text = ", ".join(keys[:limit])
    return text + (f" and {len(keys) - limit:,} more" if len(keys) > limit else "")
