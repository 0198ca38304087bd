"""The human report of ``configguard fuzz``: failures with how they were made, a summary
table per target, and the headroom of each bounded array (with the rule to add).

Plain lines when not on a terminal; a rich table on one. Machine formats (``--format
json`` and the other reporters) print the findings alone, through the usual reporters.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TextIO

from ..units import plural
from . import ReportOptions
from .text import Segment, finding_lines, render

if TYPE_CHECKING:
    from ..fuzzing import FuzzReport


def _source_mix(by_source: dict[str, int]) -> str:
    return ", ".join(f"{name} {count}" for name, count in sorted(by_source.items()))


def fuzz_lines(result: FuzzReport, options: ReportOptions) -> list[list[Segment]]:
    detailed = ReportOptions(
        color=options.color, verbose=max(options.verbose, 1), width=options.width
    )
    lines: list[list[Segment]] = []
    # latent bugs first: they are what blocks a rollout
    for finding in sorted(result.findings, key=lambda f: -f.severity):
        lines.extend(finding_lines(finding, detailed))
        lines.append([])
    if result.replayed:
        lines.append(
            [
                (
                    f"Replayed {plural(result.replayed, 'reproducer')}: "
                    f"{len(result.findings)} still fail, {len(result.passing)} pass now.",
                    "bold red" if result.findings else "bold green",
                )
            ]
        )
        lines.extend([("  passes now: ", "green"), (p, "")] for p in result.passing)
        return lines
    for summary in result.targets:
        lines.append(
            [
                (f"{summary.name}", "bold"),
                (
                    f" ({summary.consumer}): {summary.examples} examples in {summary.seconds:.1f}s "
                    f"({summary.rate:.0f}/s; {_source_mix(summary.by_source)}), "
                    f"seed {summary.seed}",
                    "",
                ),
                (
                    f", {plural(summary.failures, 'distinct failure')}"
                    if summary.failures
                    else ", no failure",
                    "bold red" if summary.failures else "green",
                ),
                (" (stopped at --max-time)" if summary.stopped_by_time else "", "dim"),
            ]
        )
        for name, examples, seconds, found, new in summary.sources:
            parts = [f"{examples} inputs in {seconds:.1f}s"]
            if found:
                parts.append(f"found {plural(found, 'failure')} first")
            if new:
                parts.append(f"{new} reached new code")
            lines.append([("  source ", "dim"), (f"{name}: ", ""), (", ".join(parts), "")])
        if summary.guided:
            lines.append(
                [
                    ("  coverage guidance: ", "dim"),
                    (f"{plural(summary.corpus, 'input')} kept for reaching new code", ""),
                ]
            )
        if summary.workers > 1:
            lines.append([("  workers: ", "dim"), (f"{summary.workers}, one database", "")])
        lines.extend([("  note: ", "yellow"), (note, "")] for note in summary.notes)
    if result.headroom:
        lines.append([])
        lines.append([("Headroom (the real file grown by repeating its entries):", "bold")])
        for row in result.headroom:
            style = "bold red" if row.disagrees else "green"
            lines.append([("  ", ""), (f"{row.target} ", "bold"), (row.text(), style)])
        suggestions = [row.suggestion() for row in result.headroom if row.suggestion()]
        if suggestions:
            lines.append(
                [("  Make the limit explicit with a rule (rules file of the target):", "")]
            )
            lines.extend([("    ", ""), (s or "", "cyan")] for s in suggestions)
    lines.append([])
    errors, warnings = result.report.errors, result.report.warnings
    if result.findings:
        lines.append(
            [
                (
                    f"Found {plural(errors, 'latent bug')} and "
                    f"{plural(warnings, 'hardening issue')}; reproducers are in "
                    ".configguard/crashes/ (rerun: --replay DIR).",
                    "bold red" if errors else "yellow",
                )
            ]
        )
    else:
        lines.append([("No consumer failure found.", "bold green")])
    return lines


def emit(result: FuzzReport, stream: TextIO, options: ReportOptions) -> None:
    render(fuzz_lines(result, options), stream, options)
