"""Headroom: how far each array can grow before the consumer fails, beside the schema's limit.

The real file's array is grown by repeating its own entries (varied copies that stay
unique where the schema wants unique items), doubling until the consumer fails or the
limit is reached, then bisecting: about 2·log2(limit/now) runs per array. A consumer that
fails below what the schema allows has an unwritten limit: the row says so and suggests
the ``max-items`` rule that makes it explicit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..consumers import Runner
from .strategies import Slot, Sources, filled, get, pointer, replaced

MAX_ROWS = 4


@dataclass(frozen=True)
class HeadroomRow:
    target: str
    pointer: str
    now: int
    fails_at: int | None
    """Smallest size the consumer does not accept (None: it accepted up to ``probed_to``)."""
    failure: str
    """``crash`` or ``refusal`` (a declared rejection), when it fails."""
    schema_max: int | None
    probed_to: int

    @property
    def disagrees(self) -> bool:
        """The schema allows sizes the consumer cannot take."""
        return self.fails_at is not None and (
            self.schema_max is None or self.fails_at <= self.schema_max
        )

    def text(self) -> str:
        parts = [f"{self.pointer}: now {self.now}"]
        if self.fails_at is None:
            parts.append(f"consumer accepts {self.probed_to}")
        else:
            verb = "fails" if self.failure == "crash" else "refuses"
            ratio = self.fails_at / self.now if self.now else float("inf")
            parts.append(f"consumer {verb} at {self.fails_at} (headroom {ratio:.1f}×)")  # noqa: RUF001
        if self.schema_max is not None:
            parts.append(f"schema allows {self.schema_max}")
        else:
            parts.append("schema sets no maximum")
        line = ", ".join(parts)
        if self.disagrees:
            line += ": schema and consumer disagree"
        return line

    def suggestion(self) -> str | None:
        if not self.disagrees or self.fails_at is None:
            return None
        return (
            f"- {{id: {self.target}.max-items, kind: max-items, path: {self.pointer}, "
            f"max: {self.fails_at - 1}}}"
        )


def measure(sources: Sources, runner: Runner, target: str) -> list[HeadroomRow]:
    """A row for the bounded (or largest) arrays of the first real document."""
    rows: list[HeadroomRow] = []
    slots = [s for s in sources.slots if s.doc == 0 and "*" not in s.path]
    slots.sort(key=lambda s: (s.site is None or s.site.max_items is None, len(s.path)))
    for slot in slots[:MAX_ROWS]:
        row = _bisect(sources.docs[0].data, slot, runner, target)
        if row is not None:
            rows.append(row)
    return rows


def _bisect(base: Any, slot: Slot, runner: Runner, target: str) -> HeadroomRow | None:
    real = get(base, slot.path)
    now = len(real)
    if not now:
        return None
    schema_max = slot.site.max_items if slot.site is not None else None

    def status(size: int) -> str:
        data = replaced(base, slot.path, lambda _old: filled(real, size, slot.vary))
        outcome = runner.run(data)
        return {"accepted": "", "rejected": "refusal"}.get(outcome.status, "crash")

    def row(fails_at: int | None, failure: str, probed: int) -> HeadroomRow:
        return HeadroomRow(target, pointer(slot.path), now, fails_at, failure, schema_max, probed)

    first = status(now)
    if first:
        return row(now, first, now)
    good, size = now, now
    bad: int | None = None
    failure = ""
    while size < slot.cap:
        size = min(size * 2, slot.cap)
        failure = status(size)
        if failure:
            bad = size
            break
        good = size
    if bad is None:
        return row(None, "", good)
    while bad - good > 1:
        middle = (good + bad) // 2
        verdict = status(middle)
        if verdict:
            bad, failure = middle, verdict
        else:
            good = middle
    return row(bad, failure, bad)
