"""Smoke in ``check``: run each claiming target's consumer on the proposed file itself.

A crash is a ``consumer-crash`` finding (error); a clean refusal is ``consumer-rejected``
(also an error: a file its own consumer refuses must not roll out). A consumer that
creates or deletes entries next to the config, or changes the file it was given, is a
``consumer-wrote`` warning.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from .discover import Claimed
from .findings import Hit, Severity
from .load import Document, Loaded
from .pool import RunnerPool

if TYPE_CHECKING:  # the consumers package loads only when a target has a consumer
    from .consumers import Outcome


class Smoked(NamedTuple):
    """A consumer's verdict on one document that is worth a finding; the engine stamps it."""

    document: Document
    hit: Hit
    id: str
    severity: Severity


def smoke_hits(
    claimed: Claimed,
    loaded: Loaded,
    pool: RunnerPool,
    runs: dict[str, list[tuple[Document, Outcome]]] | None = None,
) -> list[Smoked]:
    """Every consumer that crashes on, refuses or writes next to this file. ``runs``, when
    given, receives each target's outcomes (their ``output``, for rules ``on: output``)."""
    if not loaded.documents:
        return []
    out: list[Smoked] = []
    for target in claimed.targets:
        spec = target.consumer
        if spec is None:
            continue
        runner = pool.get(spec)
        pool.footprint.watch([spec.root, claimed.path.parent])
        if spec.python is not None:
            done = [(document, runner.run(document.data)) for document in loaded.documents]
        else:  # a command reads the file as it is on disk
            done = [(loaded.documents[0], runner.run(None, path=claimed.path.absolute()))]
        if runs is not None:
            runs[target.name] = done
        out.extend(
            _finding(document, spec.name, outcome)
            for document, outcome in done
            if outcome.status != "accepted"
        )
        wrote = pool.footprint.changes(spec.root, [claimed.path])
        if wrote:
            from .consumers import describe_writes

            hit = Hit(
                "",
                f"consumer {spec.name} wrote next to the config: {describe_writes(wrote)} "
                "(configguard does not undo it; have the consumer write to a temporary folder)",
            )
            out.append(Smoked(loaded.documents[0], hit, "consumer-wrote", Severity.WARNING))
    return out


def _finding(document: Document, name: str, outcome: Outcome) -> Smoked:
    if outcome.crashed:
        hit = Hit("", f"consumer {name} crashed: {outcome.summary()}", details=outcome.tail)
        return Smoked(document, hit, "consumer-crash", Severity.ERROR)
    hit = Hit("", f"consumer {name} refuses this file: {outcome.summary()}")
    return Smoked(document, hit, "consumer-rejected", Severity.ERROR)
