"""``--workers N``: N search processes on this machine, sharing one example database.

Each worker is a whole ``fuzz`` run in its own process (its own consumer worker, its
own seed: the run's seed + its index) on the same database, so what one finds the
others replay at their next round of that source, and inputs one keeps for new code
seed the others' corpora. The parent merges their findings (one per failure) and
summaries. Processes are started with ``spawn``: the parent has threads (output
drains), and forking a threaded process is unsafe.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..findings import Finding, Report

if TYPE_CHECKING:
    from . import FuzzReport, TargetSummary, _Options


def _one(arguments: dict[str, Any]) -> FuzzReport:
    from . import fuzz

    return fuzz(**arguments)


def campaign(
    targets: Sequence[str],
    *,
    config: str | None,
    cwd: Path,
    workers: int,
    max_time: float,
    options: _Options,
) -> FuzzReport:
    """Run ``workers`` searches at once and merge them."""
    import multiprocessing

    from . import FuzzReport
    from .reproducers import STATE_DIR

    database = options.database
    if database is None:  # the default folder, shared (a seed does not keep it private here)
        root = Path(config).parent if config else cwd
        database = str((root / STATE_DIR / "hypothesis").absolute())
    runs = [
        {
            "targets": list(targets),
            "config": config,
            "cwd": str(cwd),
            "max_examples": options.max_examples,
            "max_time": max_time,
            "seed": options.seed + index,
            "headroom": options.headroom and index == 0,
            "database": database,
            "guided": options.guided,
            "export_corpus": str(options.export) if options.export else None,
        }
        for index in range(workers)
    ]
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        reports = list(pool.map(_one, runs))
    findings: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    for report in reports:
        for finding in report.findings:
            key = (finding.rule, finding.message)
            if key not in seen:
                seen.add(key)
                findings.append(finding)
    summaries = tuple(_merged([r.targets for r in reports], workers, findings))
    return FuzzReport(Report.build(findings, 0), summaries, reports[0].headroom)


def _merged(
    per_worker: list[tuple[TargetSummary, ...]], workers: int, findings: list[Finding]
) -> list[TargetSummary]:
    from dataclasses import replace

    out: list[TargetSummary] = []
    for position, first in enumerate(per_worker[0]):
        same = [run[position] for run in per_worker if position < len(run)]
        by_source: dict[str, int] = {}
        sources: dict[str, list[Any]] = {}
        for summary in same:
            for name, count in summary.by_source.items():
                by_source[name] = by_source.get(name, 0) + count
            for name, examples, seconds, found, new in summary.sources:
                row = sources.setdefault(name, [name, 0, 0.0, 0, 0])
                row[1] += examples
                row[2] += seconds
                row[3] += found
                row[4] += new
        notes: list[str] = []
        for summary in same:
            notes += [n for n in summary.notes if n not in notes]
        prefix = f"{first.name}: "
        out.append(
            replace(
                first,
                examples=sum(s.examples for s in same),
                seconds=max(s.seconds for s in same),
                by_source=by_source,
                failures=sum(1 for f in findings if f.message.startswith(prefix)),
                notes=tuple(notes),
                sources=tuple(tuple(row) for row in sources.values()),
                corpus=max(s.corpus for s in same),
                workers=workers,
            )
        )
    return out
