"""max-items: an array at ``path`` has more than ``max`` items.

Use it for a limit that belongs to the consumer rather than to the format: a table
preallocated for N entries, a batch size, a memory budget. Values at ``path`` that are
not arrays are left to the schema. ``path`` may use ``*`` to select every key or index.

Arguments: ``path`` (JSON Pointer, default the document), ``max`` (integer).

Rule::

    id: features.max-count
    kind: max-items
    path: /features
    max: 2
    why: the proxy preallocates 2 feature slots

PASS::

    features: [ja3, ja4]

FAIL::

    features: [ja3, ja4, ua]
"""

from __future__ import annotations

from typing import Any, ClassVar

from ._counted import LIMIT, Counted


class MaxItems(Counted):
    name = "max-items"
    description = "An array must not have more items than a limit."
    options: ClassVar[dict[str, Any]] = {"max": LIMIT}
    required = ("max",)
    container = list
    noun = "item"
    bound = "max"
