"""Shared shape of the counting kinds (max-items, min-items, max-properties)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, ClassVar

from ..units import plural
from . import Kind, Rule, parse_path, select

if TYPE_CHECKING:
    from ..findings import Hit
    from ..load import Document

LIMIT = {"type": "integer", "minimum": 0}


class Counted(Kind):
    """Counts the containers at ``path`` and compares with one bound."""

    container: ClassVar[type] = list
    noun: ClassVar[str] = "item"
    bound: ClassVar[str] = "max"

    def prepare(self, options: Any) -> list[str]:
        return parse_path(options.get("path", ""))

    def check(self, document: Document, rule: Rule, previous: Document | None) -> Iterator[Hit]:
        from ..findings import Hit

        limit = int(rule.options[self.bound])
        for pointer, value in select(document.data, rule.prepared):
            if not isinstance(value, self.container):
                continue
            n = len(value) if isinstance(value, (list, dict)) else 0
            if self.bound == "max" and n > limit:
                yield Hit(pointer, f"{plural(n, self.noun)}, at most {limit:,} allowed")
            elif self.bound == "min" and n < limit:
                yield Hit(pointer, f"{plural(n, self.noun)}, at least {limit:,} required")
