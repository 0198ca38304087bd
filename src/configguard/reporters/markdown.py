"""A Markdown summary for a pull-request comment or ``$GITHUB_STEP_SUMMARY``.

A headline with the counts, the findings as one table, for change checks (findings
with before/after figures) a second table with the figures and the change, and when a
baseline was given, what the change does to each file (bytes, list sizes, entries
added, removed, changed, duplicated).
Cells are escaped so that a message cannot break the table or inject HTML, and the
table stops at ``MAX_ROWS`` rows: a GitHub comment holds at most 65,536 characters.
"""

from __future__ import annotations

import math
import re
from typing import Any, TextIO

from ..findings import Finding, Report, Severity
from ..units import plural
from . import ReportOptions
from .text import tally

MAX_ROWS = 200
ICON = {
    Severity.ERROR: "❌ error",
    Severity.WARNING: "⚠️ warning",
    Severity.INFO: "\u2139\ufe0f note",  # the information-source emoji
}


def cell(text: str) -> str:
    """Plain table-cell text: no HTML, no column breaks, one line."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = text.replace("\\", "\\\\").replace("|", "\\|")
    return re.sub(r"\r\n|\r|\n", "<br>", text)


def code(text: str) -> str:
    """An inline code span that survives backticks and pipes in ``text``."""
    if not text:
        return ""
    fence = "`" * (max((len(run) for run in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    body = re.sub(r"\r\n|\r|\n", " ", text).replace("|", "\\|")
    return f"{fence}{pad}{body}{pad}{fence}"


def headline(report: Report) -> str:
    if report.files == 0:
        return "## configguard: no files checked"
    if not report.findings:
        return f"## configguard: ✅ all {plural(report.files, 'file')} passed"
    icon = "❌" if report.errors else "⚠️"
    return f"## configguard: {icon} {tally(report)}"


def _figure(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and math.isfinite(value) and value != int(value):
        return f"{value:,.3g}"
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{value:,}" if math.isfinite(value) else str(value)
    if isinstance(value, dict | list):  # an immutable object or array: short JSON, not repr
        import json

        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
        return text if len(text) <= 60 else text[:59] + "…"
    return str(value)


def change(old: Any, new: Any) -> str:
    """``+61 (+100%)`` for numbers; empty when the figures are not both numbers."""
    numbers = (int, float)
    if (
        not isinstance(old, numbers)
        or not isinstance(new, numbers)
        or isinstance(old, bool)
        or isinstance(new, bool)
    ):
        return ""
    if not (math.isfinite(old) and math.isfinite(new)):
        return ""
    delta = new - old
    sign = "+" if delta >= 0 else "-"
    text = f"{sign}{_figure(abs(delta))}"
    if old:
        text += f" ({sign}{abs(delta) / abs(old):.0%})"
    return text


def _where(finding: Finding) -> str:
    pointer = finding.path or "/"
    if finding.document is not None:
        return f"{code(pointer)} (document {finding.document})"
    return code(pointer)


def _message(finding: Finding, verbose: int) -> str:
    text = cell(finding.message)
    if finding.why:
        text += f"<br>*why:* {cell(finding.why)}"
    if verbose and finding.details:
        text += "".join(f"<br>• {cell(d)}" for d in finding.details)
    return text


def _list_change(change_: Any) -> str:
    text = f"{code(change_.pointer or '/')}: {_figure(change_.old)} → {_figure(change_.new)}"
    parts = [
        f"{n} {label}"
        for n, label in (
            (change_.added, "added"),
            (change_.removed, "removed"),
            (change_.changed, "changed"),
            (change_.duplicates, "duplicated"),
        )
        if n
    ]
    return text + (f" ({', '.join(parts)})" if parts else "")


def _changes_table(changes: tuple[Any, ...]) -> list[str]:
    """Per-file change summaries (``summary.FileChange``): what the change does to the data."""
    rows = []
    for file_change in changes:
        if file_change.status == "unchanged":
            continue
        lists = [
            _list_change(c)
            for c in file_change.lists
            if c.old != c.new or c.added or c.removed or c.changed or c.duplicates
        ]
        size = ""
        if file_change.old_bytes is not None or file_change.new_bytes is not None:
            size = f"{_figure(file_change.old_bytes)} → {_figure(file_change.new_bytes)}"
            moved = change(file_change.old_bytes, file_change.new_bytes)
            size += f", {moved}" if moved else ""
        status = file_change.status
        if file_change.status == "renamed" and file_change.previous:
            status += f" from {code(file_change.previous)}"
        where = code(file_change.file)
        if file_change.document is not None:
            where += f" (document {file_change.document})"
        rows.append(f"| {where} | {status} | {size} | {'<br>'.join(lists)} |")
    if not rows:
        return []
    return [
        "",
        "### What the change does",
        "",
        "| File | Change | Bytes | Lists |",
        "|---|---|---:|---|",
        *rows[:MAX_ROWS],
    ]


def _outputs_table(changes: tuple[Any, ...]) -> list[str]:
    """What the change does to each consumer's output (``output:``): the view a reviewer
    wants on a PR, since a small valid file diff can be an outage in the output."""
    rows = []
    for file_change in changes:
        for output in file_change.output:
            lists = [
                _list_change(c)
                for c in output.lists
                if c.old != c.new or c.added or c.removed or c.changed or c.duplicates
            ]
            if output.previous:
                lists.insert(0, f"no previous output: {cell(output.previous)}")
            if not lists and output.old_bytes == output.new_bytes:
                continue
            size = f"{_figure(output.old_bytes)} → {_figure(output.new_bytes)}"
            moved = change(output.old_bytes, output.new_bytes)
            size += f", {moved}" if moved else ""
            where = code(file_change.file)
            if file_change.document is not None:
                where += f" (document {file_change.document})"
            rows.append(f"| {where} | {code(output.consumer)} | {size} | {'<br>'.join(lists)} |")
    if not rows:
        return []
    return [
        "",
        "### What the change does to the consumers' output",
        "",
        "| File | Consumer | Bytes | Lists |",
        "|---|---|---:|---|",
        *rows[:MAX_ROWS],
    ]


def render(report: Report, options: ReportOptions) -> str:
    changes_table = _changes_table(report.changes) if report.changes else []
    changes_table += _outputs_table(report.changes) if report.changes else []
    if not report.findings:
        return "\n".join([headline(report), *changes_table])
    out = [headline(report), ""]
    out += ["| Severity | File | Line | Rule | Path | Message |", "|---|---|---:|---|---|---|"]
    shown = report.findings[:MAX_ROWS]
    for f in shown:
        line = f"{f.line}:{f.column}" if f.line >= 1 else ""
        out.append(
            f"| {ICON[f.severity]} | {code(f.file)} | {line} | {code(f.rule)} | "
            f"{_where(f)} | {_message(f, options.verbose)} |"
        )
    if len(report.findings) > len(shown):
        out += [
            "",
            f"… and {len(report.findings) - len(shown)} more findings: run "
            "`configguard check` or read the full report.",
        ]
    changes = [f for f in report.findings if f.old is not None or f.new is not None]
    if changes:
        out += [
            "",
            "### Compared with the previous version",
            "",
            "| File | Rule | Path | Before | After | Change |",
            "|---|---|---|---:|---:|---:|",
        ]
        for f in changes[:MAX_ROWS]:
            out.append(
                f"| {code(f.file)} | {code(f.rule)} | {_where(f)} | "
                f"{cell(_figure(f.old))} | {cell(_figure(f.new))} | "
                f"{change(f.old, f.new)} |"
            )
    out += changes_table
    return "\n".join(out)


class MarkdownReporter:
    name = "markdown"

    def emit(self, report: Report, stream: TextIO, options: ReportOptions) -> None:
        stream.write(render(report, options) + "\n")
