"""monotonic: a number at ``path`` went down (``strict: true``: did not go up).

Generation numbers, serials and schema versions only move forward; a consumer that
keeps the highest one it has seen ignores, or worse, enacts an older plan. AWS's
20 October 2025 DynamoDB outage began when an older DNS plan generation was applied
over a newer one. ``*`` compares each selected number with the same place in the
previous version; inside a list, ``key`` matches entries by a field instead of by
position, so a reordering is not a decrease. A place that was not a number before (or
is not now) is skipped, and booleans are not numbers. ``strict: true`` also fires when
the number stayed the same, unless nothing at all changed in the document. Silent
without a previous version (a new file).

Arguments: ``path`` (JSON Pointer; ``*`` selects every key or index), ``strict``
(boolean), ``key`` (string or list of strings).

Rule::

    id: plan.generation
    kind: monotonic
    path: /generation

Old::

    generation: 41
    records: [a, b]

PASS::

    generation: 42
    records: [a, b, c]

FAIL::

    generation: 40
    records: [a, b, c]
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from fractions import Fraction
from typing import TYPE_CHECKING, Any, ClassVar

from ..canonical import canonical
from . import Kind, Rule
from ._numbers import KEY, number_pairs, prepare

if TYPE_CHECKING:
    from ..findings import Hit
    from ..load import Document


class Monotonic(Kind):
    name = "monotonic"
    description = "A number must not decrease (or must increase) from the previous version."
    required = ("path",)
    options: ClassVar[dict[str, Any]] = {
        "strict": {"type": "boolean", "description": "the number must increase, not only not fall"},
        "key": KEY,
    }
    change = True

    def prepare(self, options: Mapping[str, Any]) -> Any:
        return prepare(options)

    def check(self, document: Document, rule: Rule, previous: Document | None) -> Iterator[Hit]:
        from ..findings import Hit

        if previous is None:
            return
        strict = bool(rule.options.get("strict", False))
        unchanged: bool | None = None
        for place, old, new in number_pairs(document, previous, rule.prepared):
            if Fraction(new) < Fraction(old):
                yield Hit(
                    place.pointer,
                    f"{place.label}: {old!r} \u2192 {new!r}: it must not decrease",
                    old=old,
                    new=new,
                )
            elif strict and Fraction(new) == Fraction(old):
                if unchanged is None:
                    unchanged = canonical(document.data) == canonical(previous.data)
                if not unchanged:
                    yield Hit(
                        place.pointer,
                        f"{place.label}: still {new!r} while the file changed: it must increase",
                        old=old,
                        new=new,
                    )
