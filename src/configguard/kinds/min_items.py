"""min-items: an array at ``path`` has fewer than ``min`` items.

Catches the truncated file: a generator that crashed half-way, a filter that matched
nothing, an empty allow-list that a consumer reads as "allow everything".

Arguments: ``path`` (JSON Pointer, default the document), ``min`` (integer).

Rule::

    id: upstreams.not-empty
    kind: min-items
    path: /upstreams
    min: 1

PASS::

    upstreams: [10.0.0.1]

FAIL::

    upstreams: []
"""

from __future__ import annotations

from typing import Any, ClassVar

from ._counted import LIMIT, Counted


class MinItems(Counted):
    name = "min-items"
    description = "An array must not have fewer items than a limit."
    options: ClassVar[dict[str, Any]] = {"min": LIMIT}
    required = ("min",)
    container = list
    noun = "item"
    bound = "min"
