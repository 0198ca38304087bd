"""max-decrease: a number at ``path`` fell more than ``ratio`` or ``max_delta`` allow.

On 14 December 2020 a Google quota was cut from 120 TB to 10 GB in one change, and
authentication went down. A number that drops by orders of magnitude in a routine edit
is a unit mix-up or a generator bug far more often than a decision. ``ratio`` is the
share that must remain (``0.5``: at most -50%); ``max_delta`` bounds old - new. Inside a
list, ``key`` matches entries across versions by a field, so a reordering changes
nothing. ``unit: bytes`` writes values as kB/MB/GB/TB. ``ratio`` is silent when the old
value is 0 or negative. Silent without a previous version.

Arguments: ``path`` (JSON Pointer; ``*`` selects every key or index), ``ratio``
(number between 0 and 1) and/or ``max_delta`` (number), ``key``, ``unit``.

Rule::

    id: quota.cut
    kind: max-decrease
    path: /quotas/*/quota_bytes
    key: name
    ratio: 0.5
    unit: bytes

Old::

    quotas:
      - {name: gaia, quota_bytes: 120000000000000}
      - {name: maps, quota_bytes: 4000000000}

PASS::

    quotas:
      - {name: maps, quota_bytes: 3000000000}
      - {name: gaia, quota_bytes: 120000000000000}

FAIL::

    quotas:
      - {name: gaia, quota_bytes: 10000000000}
      - {name: maps, quota_bytes: 4000000000}
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from fractions import Fraction
from typing import TYPE_CHECKING, Any, ClassVar

from . import Kind, Rule, RuleError
from ._numbers import KEY, UNIT, Place, change, number, number_pairs, percent, prepare

if TYPE_CHECKING:
    from ..findings import Hit
    from ..load import Document


class NumberChange(Kind):
    """What max-decrease and max-increase share: one number read from both versions."""

    required = ("path",)
    change = True
    direction: ClassVar[int] = -1

    def prepare(self, options: Mapping[str, Any]) -> Any:
        if "ratio" not in options and "max_delta" not in options:
            raise RuleError("give ratio or max_delta (or both)")
        return prepare(options)

    def check(self, document: Document, rule: Rule, previous: Document | None) -> Iterator[Hit]:
        if previous is None:
            return
        ratio = rule.options.get("ratio")
        delta = rule.options.get("max_delta")
        unit = rule.options.get("unit")
        for place, old, new in number_pairs(document, previous, rule.prepared):
            moved = (Fraction(new) - Fraction(old)) * self.direction
            if moved <= 0:
                continue
            fraction = change(old, new)
            if (
                ratio is not None
                and fraction is not None
                and fraction * self.direction > abs(Fraction(ratio) - 1)
            ):
                yield self._hit(place, old, new, unit, f"at most {percent(Fraction(ratio) - 1)}")
            elif delta is not None and moved > Fraction(delta):
                sign = "+" if self.direction > 0 else "\u2212"
                yield self._hit(place, old, new, unit, f"at most {sign}{number(delta, unit)}")

    def _hit(self, place: Place, old: Any, new: Any, unit: str | None, bound: str) -> Hit:
        from ..findings import Hit

        fraction = change(old, new)
        if fraction is not None:
            how = percent(fraction)
        else:
            moved = Fraction(new) - Fraction(old)
            how = ("+" if moved > 0 else "\u2212") + number(abs(moved), unit)
        return Hit(
            place.pointer,
            f"{place.label}: {number(old, unit)} \u2192 {number(new, unit)} ({how}), "
            f"{bound} allowed",
            old=old,
            new=new,
        )


class MaxDecrease(NumberChange):
    name = "max-decrease"
    description = "A number must not fall by more than a limit from the previous version."
    options: ClassVar[dict[str, Any]] = {
        "ratio": {
            "type": "number",
            "minimum": 0,
            "maximum": 1,
            "description": "share of the old value that must remain",
        },
        "max_delta": {"type": "number", "minimum": 0, "description": "old - new at most"},
        "key": KEY,
        "unit": UNIT,
    }
    direction = -1
