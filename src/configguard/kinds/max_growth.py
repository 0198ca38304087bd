"""max-growth: compared with the previous version of the file, it grew too much.

The Cloudflare 18 November 2025 feature file doubled in one change. A limit on the
size alone (max-items) catches that only above the limit; a growth rule catches the
jump itself. ``metric: items`` counts the array (or object keys) at ``path``;
``metric: bytes`` compares the file sizes. ``ratio`` bounds new / old (``1.5``: at most
50% larger); ``max_added`` bounds new - old. A change kind: it is silent when there is
no previous version (a new file, or no ``--base`` / ``--base-path``), and ``ratio`` is
silent when the old count is 0.

Arguments: ``metric`` (``items`` or ``bytes``), ``path`` (JSON Pointer, default the
document; ``*`` compares each selected value with the same place in the old file),
``ratio`` (number) and/or ``max_added`` (integer).

Rule::

    id: features.growth
    kind: max-growth
    metric: items
    path: /features
    ratio: 1.5

Old::

    features: [ja3, ja4]

PASS::

    features: [ja3, ja4, ua]

FAIL::

    features: [ja3, ja4, ja3, ja4]
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from ..units import percent
from . import Kind, Rule, RuleError, Summary, parse_path, select

if TYPE_CHECKING:
    from ..findings import Hit
    from ..load import Document


def measure(document: Document, tokens: list[str], metric: str) -> dict[str, int]:
    """pointer -> size: items (array length or object keys) at ``tokens``, or file bytes."""
    if metric == "bytes":
        return {"": document.source.size}
    return {
        pointer: len(value)
        for pointer, value in select(document.data, tokens)
        if isinstance(value, (list, dict))
    }


@dataclass(frozen=True)
class Measured(Summary):
    """The previous version's sizes (pointer -> size): all a size-change rule keeps of it."""

    sizes: dict[str, int]


def ratio_hit(pointer: str, old: int, new: int, unit: str, ratio: float) -> Hit:
    """``61 → 244 items (+300%), at most +50% allowed``: the same words for growth and shrinkage."""
    from ..findings import Hit

    return Hit(
        pointer,
        f"{old:,} \u2192 {new:,} {unit} ({percent(new / old - 1)}), at most "
        f"{percent(ratio - 1)} allowed",
        old=old,
        new=new,
    )


class SizeChange(Kind):
    """What max-growth and max-shrink share: one metric read from both versions."""

    required = ("metric",)
    change = True
    bound: ClassVar[str] = ""
    """The absolute-bound argument: ``max_added`` or ``max_removed``."""

    def prepare(self, options: Mapping[str, Any]) -> list[str]:
        if "ratio" not in options and self.bound not in options:
            raise RuleError(f"give ratio or {self.bound} (or both)")
        if options["metric"] == "bytes" and options.get("path"):
            raise RuleError("metric bytes measures the whole file: remove path", "path")
        return parse_path(options.get("path", ""))

    def summarize(self, previous: Document, rule: Rule) -> Measured:
        return Measured(measure(previous, rule.prepared, rule.options["metric"]))

    def check_summary(self, document: Document, rule: Rule, summary: Summary) -> Iterator[Hit]:
        return self.check(document, rule, summary if isinstance(summary, Measured) else None)

    def check(
        self, document: Document, rule: Rule, previous: Document | Measured | None
    ) -> Iterator[Hit]:
        for pointer, old, new, unit in self.sizes(document, rule, previous):
            hit = self.judge(rule, pointer, old, new, unit)
            if hit is not None:
                yield hit

    def judge(self, rule: Rule, pointer: str, old: int, new: int, unit: str) -> Hit | None:
        """The Hit for one place that moved too far between versions, else None."""
        return None

    def sizes(
        self, document: Document, rule: Rule, previous: Document | Measured | None
    ) -> Iterator[tuple[str, int, int, str]]:
        """(pointer, old, new, unit) for every place measured in both versions."""
        if previous is None:
            return
        metric = rule.options["metric"]
        unit = "bytes" if metric == "bytes" else "items"
        if isinstance(previous, Measured):
            old_sizes = previous.sizes
        else:
            old_sizes = measure(previous, rule.prepared, metric)
        for pointer, new in measure(document, rule.prepared, metric).items():
            old = old_sizes.get(pointer)
            if old is not None:
                yield pointer, old, new, unit


class MaxGrowth(SizeChange):
    name = "max-growth"
    description = "Compared with the previous version, it must not grow more than a limit."
    options: ClassVar[dict[str, Any]] = {
        "metric": {"enum": ["items", "bytes"], "description": "what to compare"},
        "ratio": {"type": "number", "exclusiveMinimum": 0, "description": "new / old at most"},
        "max_added": {"type": "integer", "minimum": 0, "description": "new - old at most"},
    }
    bound = "max_added"

    def judge(self, rule: Rule, pointer: str, old: int, new: int, unit: str) -> Hit | None:
        from ..findings import Hit

        ratio = rule.options.get("ratio")
        added = rule.options.get("max_added")
        if ratio is not None and old > 0 and new / old > ratio:
            return ratio_hit(pointer, old, new, unit, ratio)
        if added is not None and new - old > added:
            return Hit(
                pointer,
                f"{old:,} \u2192 {new:,} {unit} (+{new - old:,}), at most +{added:,} allowed",
                old=old,
                new=new,
            )
        return None
