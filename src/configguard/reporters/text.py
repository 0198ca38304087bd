"""The human report: ``file:line:col: severity [rule] /pointer: message``, source line, marker.

Plain text when piped or when NO_COLOR is set; rich styling only on a terminal. rich
is imported only when colour is on, so piped runs (pre-commit, CI) stay light.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TextIO

from ..findings import Finding, ListChange, Report, Severity
from ..units import format_size, plural
from . import ReportOptions

Segment = tuple[str, str]
"""(text, rich style); style "" is plain."""

_SEVERITY_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def _snippet(finding: Finding, width: int) -> list[list[Segment]]:
    """The offending source line with a caret under the column, clipped to ``width``."""
    text = finding.source_line
    if text is None or finding.line < 1:
        return []
    text = text.replace("\t", " ")
    col = max(finding.column - 1, 0)
    gutter = f"{finding.line:>5} | "
    room = max(width - len(gutter), 20)
    start = 0
    if len(text) > room:
        start = max(0, min(col - room // 3, len(text) - room))
        text = text[start : start + room]
        if start:
            text = "…" + text[1:]
        if start + room < len(finding.source_line or ""):
            text = text[:-1] + "…"
    caret = " " * (col - start) + "^"
    return [
        [(gutter, "blue"), (text, "")],
        [(" " * (len(gutter) - 2) + "| ", "blue"), (caret, "bold red")],
    ]


def finding_lines(finding: Finding, options: ReportOptions) -> list[list[Segment]]:
    where = f"{finding.file}:{finding.line}:{finding.column}:"
    pointer = finding.path or "/"
    if finding.document is not None:
        pointer = f"document {finding.document} {pointer}"
    label = "" if finding.kind == "parse-error" and not finding.path else pointer
    lines: list[list[Segment]] = [
        [
            (where, "bold"),
            (" ", ""),
            (str(finding.severity), _SEVERITY_STYLE[finding.severity]),
            (" ", ""),
            (f"[{finding.rule}]", "magenta"),
            (" " + label + ":" if label else "", "dim"),
            (" " + finding.message, ""),
        ]
    ]
    lines.extend(_snippet(finding, options.width))
    if finding.why:
        lines.append([("      = why: ", "blue"), (finding.why, "")])
    if finding.details:
        if options.verbose:
            lines.extend([("      - ", "blue"), (d, "dim")] for d in finding.details)
        else:
            lines.append(
                [
                    ("      + ", "blue"),
                    (f"{plural(len(finding.details), 'more detail')} (-v shows them)", "dim"),
                ]
            )
    return lines


def tally(report: Report) -> str:
    """ "2 errors, 1 warning in 1 of 3 files": the one summary every human report shares."""
    counted = [
        plural(report.count(sev), name)
        for sev, name in (
            (Severity.ERROR, "error"),
            (Severity.WARNING, "warning"),
            (Severity.INFO, "note"),
        )
        if report.count(sev)
    ]
    files_hit = len({f.file for f in report.findings})
    return f"{', '.join(counted)} in {files_hit} of {plural(report.files, 'file')}"


def summary_line(report: Report) -> list[Segment]:
    if report.files == 0 and report.hint:
        return [(report.hint, "yellow")]
    if report.files == 0:
        return [("No files checked: no target claims the given (or changed) paths.", "yellow")]
    if not report.findings:
        return [(f"All {plural(report.files, 'file')} passed.", "bold green")]
    style = "bold red" if report.errors else "yellow"
    return [(f"Found {tally(report)}.", style)]


def note_lines(report: Report, options: ReportOptions) -> list[list[Segment]]:
    """Which catalog schema each file was checked against (with -v), and what was left out."""
    lines: list[list[Segment]] = []
    if options.verbose:
        for file, label in report.schemas:
            lines.append([(f"{file}: checked against {label}", "dim")])
    lines.extend([(f"note: {note}", "yellow")] for note in report.notes)
    return lines


def render(lines: list[list[Segment]], stream: TextIO, options: ReportOptions) -> None:
    """Write segment lines: plain text, or rich styles when colour is on (rich loaded only then)."""
    if not options.color:
        for segments in lines:
            stream.write("".join(text for text, _ in segments).rstrip() + "\n")
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(
        file=stream, force_terminal=True, width=options.width, highlight=False, soft_wrap=True
    )
    for segments in lines:
        console.print(Text.assemble(*segments) if segments else "")


def _size(n: int | None) -> str:
    return "none" if n is None else format_size(n)


def _percent(old: int | None, new: int | None) -> str:
    if not old or new is None:
        return ""
    return f" ({(new - old) / old:+.0%})"


def change_lines(report: Report) -> list[list[Segment]]:
    """The -v change summary: sizes and keyed entry counts, per file."""
    if report.changes is None:
        return []
    lines: list[list[Segment]] = [[("Changes:", "bold")]]
    if not report.changes:
        lines.append([("  no claimed file changed", "dim")])
    for change in report.changes:
        doc = f" document {change.document}" if change.document is not None else ""
        since = f" from {change.previous}" if change.previous else ""
        growth = _percent(change.old_bytes, change.new_bytes)
        sizes = f"{_size(change.old_bytes)} -> {_size(change.new_bytes)}{growth}"
        lines.append(
            [
                (f"  {change.file}{doc}", "bold"),
                (
                    f" {change.status}{since}: {sizes}",
                    "",
                ),
            ]
        )
        lines += _list_lines(change.lists, "    ")
        for output in change.output:
            growth = _percent(output.old_bytes, output.new_bytes)
            sizes = f"{_size(output.old_bytes)} -> {_size(output.new_bytes)}{growth}"
            previous = f" (no previous output: {output.previous})" if output.previous else ""
            lines.append([(f"    output of consumer {output.consumer}: ", "dim"), (sizes, "")])
            if previous:
                lines.append([(f"     {previous.strip()}", "dim")])
            lines += _list_lines(output.lists, "      ")
    lines.append([])
    return lines


def _list_lines(items: Sequence[ListChange], indent: str) -> list[list[Segment]]:
    """One line per list that changed: sizes and entries added, removed, changed by key."""
    lines: list[list[Segment]] = []
    for item in items:
        if item.old == item.new and not (
            item.added or item.removed or item.changed or item.duplicates
        ):
            continue
        by = f" by {'+'.join(item.key)}" if item.key else ""
        counts = f"{item.old if item.old is not None else 0} -> {item.new or 0} entries{by}"
        detail = f"+{item.added} added, -{item.removed} removed, ~{item.changed} changed"
        if item.duplicates:
            detail += f", {item.duplicates} duplicated"
        lines.append(
            [
                (f"{indent}{item.pointer or '/'}: ", "dim"),
                (counts + _percent(item.old, item.new), ""),
                (f" ({detail})", "dim"),
            ]
        )
    return lines


class TextReporter:
    name = "text"

    def emit(self, report: Report, stream: TextIO, options: ReportOptions) -> None:
        lines: list[list[Segment]] = change_lines(report) if options.verbose else []
        for finding in report.findings:
            found = finding_lines(finding, options)
            lines.extend(found[:1] if options.quiet else found)
        if not options.quiet:
            if report.findings:
                lines.append([])
            lines.extend(note_lines(report, options))
            lines.append(summary_line(report))
        render(lines, stream, options)
