"""immutable: the value at ``path`` changed (or was removed) since the previous version.

For values that must never change once deployed: a cluster id, a database name, a
schema version, an encryption key id. Values are compared as JSON (key order and
``1`` vs ``1.0`` do not count). ``*`` compares every selected value with the same place
in the previous version; a value that did not exist before may be added. Silent
without a previous version.

Arguments: ``path`` (JSON Pointer; ``*`` selects every key or index).

Rule::

    id: cluster.id
    kind: immutable
    path: /cluster/id

Old::

    cluster: {id: eu-1, size: 3}

PASS::

    cluster: {id: eu-1, size: 5}

FAIL::

    cluster: {id: eu-2, size: 3}
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from ..canonical import canonical
from . import Kind, Rule, describe, parse_path, select

if TYPE_CHECKING:
    from ..findings import Hit
    from ..load import Document


class Immutable(Kind):
    name = "immutable"
    description = "The value must not change between versions."
    required = ("path",)
    change = True

    def prepare(self, options: Mapping[str, Any]) -> list[str]:
        return parse_path(options["path"])

    def check(self, document: Document, rule: Rule, previous: Document | None) -> Iterator[Hit]:
        from ..findings import Hit

        if previous is None:
            return
        new = dict(select(document.data, rule.prepared))
        for pointer, old in select(previous.data, rule.prepared):
            if pointer not in new:
                yield Hit(pointer, f"removed (was {describe(old)}); it must not change", old=old)
            elif canonical(new[pointer]) != canonical(old):
                yield Hit(
                    pointer,
                    f"changed from {describe(old)} to {describe(new[pointer])}; it must not change",
                    old=old,
                    new=new[pointer],
                )
