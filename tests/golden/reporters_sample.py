"""Golden files for every reporter from one fixed Report, and the script that writes them.

``python -m tests.golden.reporters_sample`` regenerates ``tests/golden/reporters/``;
never edit those files by hand. The sample holds what the checks of today cannot all
produce yet but every reporter must render: change findings with before/after figures,
warnings and notes, a multi-document YAML file, a file with no position, and the
characters each format must escape (``%``, ``,``, ``:``, ``|``, ``<``, newlines).
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from configguard.engine import describe_kinds
from configguard.findings import FileChange, Finding, ListChange, Report, Severity
from configguard.reporters import ReportOptions, get_reporter

HERE = Path(__file__).resolve().parent / "reporters"

FINDINGS = [
    Finding(
        rule="bot-features.max-count",
        kind="max-items",
        severity=Severity.ERROR,
        file="bot/features/features.json",
        path="/features",
        line=4,
        column=15,
        message="244 items, at most 200 allowed",
        why="the proxy preallocates 200 feature slots",
        source_line='  "features": [',
    ),
    Finding(
        rule="bot-features.growth",
        kind="max-growth",
        severity=Severity.ERROR,
        file="bot/features/features.json",
        path="/features",
        line=4,
        column=15,
        message="grew from 61 to 244 items (x4.00), at most x1.5 allowed",
        old=61,
        new=244,
        source_line='  "features": [',
    ),
    Finding(
        rule="bot-features.unique-name",
        kind="unique",
        severity=Severity.ERROR,
        file="bot/features/features.json",
        path="/features/61",
        line=310,
        column=5,
        message="name 'ja3_score' repeats item 0",
        source_line="    {",
    ),
    Finding(
        rule="bot-features.size",
        kind="max-growth",
        severity=Severity.WARNING,
        file="bot/features/features.json",
        path="",
        line=1,
        column=1,
        message="grew from 5,730 to 22,608 bytes, at most 1.5x allowed",
        old=5730,
        new=22608,
        source_line="{",
    ),
    Finding(
        rule="schema",
        kind="schema",
        severity=Severity.ERROR,
        file="deploy/web, prod: 100%.yaml",
        path="/routes/0/match",
        line=7,
        column=12,
        message='"a|b <script>" does not match "^[a-z/]+$"\nsecond line',
        details=("anyOf branch 1: not a string", "anyOf branch 2: too long"),
        source_line="    match: a|b <script>",
    ),
    Finding(
        rule="workers.port-range",
        kind="cel",
        severity=Severity.INFO,
        file="deploy/workers.yaml",
        path="/port",
        line=5,
        column=7,
        message="self < 10000 is false",
        document=1,
        source_line='port: "9001"',
    ),
    Finding(
        rule="parse-error",
        kind="parse-error",
        severity=Severity.ERROR,
        file="deploy/unreadable.toml",
        path="",
        line=0,
        column=0,
        message="cannot read file: Permission denied",
    ),
]

SAMPLE = Report.build(
    FINDINGS,
    files=5,
    checked=[
        "bot/features/features.json",
        "deploy/ok.json",
        "deploy/unreadable.toml",
        "deploy/web, prod: 100%.yaml",
        "deploy/workers.yaml",
    ],
    descriptions=describe_kinds(FINDINGS),  # as check() fills them in
)
CLEAN = Report.build([], files=2, checked=["a.json", "b.yaml"])

# What a run with a baseline adds: per-file summaries of what the change does.
CHANGES = [
    FileChange(
        "bot/features/features.json",
        "modified",
        "bot/features/features.json",
        5730,
        22608,
        (
            ListChange("/features", 61, 244, ("name",), 0, 0, 0, 183),
            ListChange("/owners", 2, 2, None, 0, 0, 0, 0),
        ),
    ),
    FileChange("deploy/new.yaml", "added", None, None, 120, ()),
    FileChange(
        "deploy/web.yaml",
        "renamed",
        "deploy/old-web.yaml",
        300,
        280,
        (ListChange("/routes", 4, 3, ("id",), 0, 1, 1, 0),),
    ),
    FileChange("deploy/same.yaml", "unchanged", "deploy/same.yaml", 10, 10, ()),
]
WITH_CHANGES = Report.build(
    FINDINGS, files=5, changes=CHANGES, checked=SAMPLE.checked, descriptions=SAMPLE.descriptions
)
CLEAN_CHANGES = Report.build([], files=1, changes=CHANGES[1:2], checked=["deploy/new.yaml"])

# (golden file, reporter, report, options)
CASES: list[tuple[str, str, Report, ReportOptions]] = [
    (f"{kind}.{fmt}", fmt, report, ReportOptions(color=False, verbose=0, width=80))
    for kind, report in (("sample", SAMPLE), ("clean", CLEAN))
    for fmt in ("text", "json", "sarif", "junit", "github", "markdown", "gitlab")
]
CASES += [
    ("sample-quiet.text", "text", SAMPLE, ReportOptions(color=False, width=80, quiet=True)),
    ("sample-verbose.markdown", "markdown", SAMPLE, ReportOptions(color=False, verbose=1)),
    ("changes.markdown", "markdown", WITH_CHANGES, ReportOptions(color=False)),
    ("clean-changes.markdown", "markdown", CLEAN_CHANGES, ReportOptions(color=False)),
]


def render(fmt: str, report: Report, options: ReportOptions) -> str:
    stream = io.StringIO()
    get_reporter(fmt).emit(report, stream, options)
    return stream.getvalue()


def main() -> None:
    HERE.mkdir(exist_ok=True)
    for name, fmt, report, options in CASES:
        (HERE / name).write_text(render(fmt, report, options), encoding="utf-8", newline="\n")
        print(f"wrote reporters/{name}", file=sys.stderr)


if __name__ == "__main__":
    main()
