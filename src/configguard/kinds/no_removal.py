"""no-removal: an entry present in the previous version is gone.

Removing a feature, a route or a user from a generated file is rarely what a routine
change means to do. Entries of the list at ``path`` are matched by ``key`` (a field, or
a list of fields), not by position, so a reordering is not a removal; without ``key``
an entry is matched by its whole value. For an object at ``path``, its member names are
the entries. Silent without a previous version.

Arguments: ``path`` (JSON Pointer, default the document), ``key`` (optional string or
list of strings).

Rule::

    id: routes.no-removal
    kind: no-removal
    path: /routes
    key: host

Old::

    routes:
      - {host: a.example, backend: x}
      - {host: b.example, backend: y}

PASS::

    routes:
      - {host: b.example, backend: z}
      - {host: a.example, backend: x}

FAIL::

    routes:
      - {host: a.example, backend: x}
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from ..units import plural
from . import Kind, Rule
from ._keyed import KEY, diffs, prepare, shown

if TYPE_CHECKING:
    from ..findings import Hit
    from ..load import Document


class NoRemoval(Kind):
    name = "no-removal"
    description = "An entry present in the previous version must not disappear."
    options: ClassVar[dict[str, Any]] = {"key": KEY}
    change = True

    def prepare(self, options: Mapping[str, Any]) -> Any:
        return prepare(options)

    def check(self, document: Document, rule: Rule, previous: Document | None) -> Iterator[Hit]:
        from ..findings import Hit

        if previous is None:
            return
        for pointer, diff in diffs(document, previous, rule.prepared):
            if diff.removed:
                n = len(diff.removed)
                yield Hit(
                    pointer,
                    f"{plural(n, 'entry', 'entries')} removed: {shown(diff.removed)}",
                    old=diff.old_count,
                    new=diff.new_count,
                )

    def check_deleted(self, rule: Rule, since: str) -> Iterator[Hit]:
        from ..findings import Hit

        yield Hit(rule.path, f"deleted since {since}: every entry at {rule.path or '/'} is gone")
