"""max-churn: more than ``ratio`` of the entries were added, removed or changed.

A routine update touches a few entries; a change that rewrites most of a list is a
different kind of event (a generator bug, a wrong source), even when the size stays
the same. Entries of the list at ``path`` are matched by ``key``, so a reordering is no
churn. Churn is (added + removed + changed) / entries on either side. Silent without a
previous version.

Arguments: ``path`` (JSON Pointer, default the document), ``key`` (optional string or
list of strings), ``ratio`` (number between 0 and 1).

Rule::

    id: users.churn
    kind: max-churn
    path: /users
    key: id
    ratio: 0.5

Old::

    users: [{id: 1, role: a}, {id: 2, role: a}, {id: 3, role: a}, {id: 4, role: a}]

PASS::

    users: [{id: 1, role: b}, {id: 2, role: a}, {id: 3, role: a}, {id: 4, role: a}]

FAIL::

    users: [{id: 1, role: b}, {id: 2, role: b}, {id: 5, role: a}, {id: 4, role: a}]
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from . import Kind, Rule
from ._keyed import KEY, diffs, prepare

if TYPE_CHECKING:
    from ..findings import Hit
    from ..load import Document


class MaxChurn(Kind):
    name = "max-churn"
    description = "No more than a share of the entries may change between versions."
    options: ClassVar[dict[str, Any]] = {
        "key": KEY,
        "ratio": {"type": "number", "minimum": 0, "maximum": 1, "description": "share at most"},
    }
    required = ("ratio",)
    change = True

    def prepare(self, options: Mapping[str, Any]) -> Any:
        return prepare(options)

    def check(self, document: Document, rule: Rule, previous: Document | None) -> Iterator[Hit]:
        from ..findings import Hit

        if previous is None:
            return
        ratio = float(rule.options["ratio"])
        for pointer, diff in diffs(document, previous, rule.prepared):
            if diff.churn > ratio:
                yield Hit(
                    pointer,
                    f"{diff.churn:.0%} of entries churned (+{len(diff.added):,} added, "
                    f"-{len(diff.removed):,} removed, ~{len(diff.changed):,} changed), at most "
                    f"{ratio:.0%} allowed",
                    old=diff.old_count,
                    new=diff.new_count,
                )
