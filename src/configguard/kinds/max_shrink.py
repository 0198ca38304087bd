"""max-shrink: compared with the previous version of the file, it shrank too much.

A generator whose query suddenly returns a fraction of its rows, a truncated upload, a
filter that now matches nothing: the file is valid, only smaller than it should be.
``metric: items`` counts the array (or object keys) at ``path``; ``metric: bytes``
compares the file sizes. ``ratio`` is the share that must remain (``0.5``: at most half
may go); ``max_removed`` bounds old - new. Silent without a previous version.

Arguments: ``metric`` (``items`` or ``bytes``), ``path`` (JSON Pointer, default the
document), ``ratio`` (number between 0 and 1) and/or ``max_removed`` (integer).

Rule::

    id: upstreams.shrink
    kind: max-shrink
    metric: items
    path: /upstreams
    ratio: 0.5

Old::

    upstreams: [a, b, c, d]

PASS::

    upstreams: [a, b, c]

FAIL::

    upstreams: [a]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from . import Rule
from .max_growth import SizeChange, ratio_hit

if TYPE_CHECKING:
    from ..findings import Hit


class MaxShrink(SizeChange):
    name = "max-shrink"
    description = "Compared with the previous version, it must not shrink more than a limit."
    options: ClassVar[dict[str, Any]] = {
        "metric": {"enum": ["items", "bytes"], "description": "what to compare"},
        "ratio": {
            "type": "number",
            "minimum": 0,
            "maximum": 1,
            "description": "new / old at least",
        },
        "max_removed": {"type": "integer", "minimum": 0, "description": "old - new at most"},
    }
    bound = "max_removed"

    def judge(self, rule: Rule, pointer: str, old: int, new: int, unit: str) -> Hit | None:
        from ..findings import Hit

        ratio = rule.options.get("ratio")
        removed = rule.options.get("max_removed")
        if old == 0:
            return None
        if ratio is not None and new / old < ratio:
            return ratio_hit(pointer, old, new, unit, ratio)
        if removed is not None and old - new > removed:
            return Hit(
                pointer,
                f"{old:,} \u2192 {new:,} {unit} (-{old - new:,}), at most -{removed:,} allowed",
                old=old,
                new=new,
            )
        return None
