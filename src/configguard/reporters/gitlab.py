"""GitLab Code Quality (the Code Climate JSON subset GitLab reads): findings in merge requests.

GitLab shows these in the merge request's Code Quality widget and on the changed lines
of the diff, the way GitHub shows workflow-command annotations. Each entry needs a
``fingerprint`` that stays the same while the problem does; the SARIF one serves.
"""

from __future__ import annotations

import json
from typing import Any, TextIO

from ..findings import Report, Severity
from . import ReportOptions
from .sarif import fingerprint

# GitLab's severities: info, minor, major, critical, blocker.
SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def as_list(report: Report) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for finding in report.findings:
        key = fingerprint(finding)
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        pointer = finding.path or "/"
        if finding.document is not None:
            pointer = f"document {finding.document} {pointer}"
        out.append(
            {
                "description": f"[{finding.rule}] {pointer}: {finding.message}",
                "check_name": finding.rule,
                "fingerprint": key + (f":{occurrence}" if occurrence else ""),
                "severity": SEVERITY[finding.severity],
                "location": {
                    "path": finding.file.replace("\\", "/"),
                    "lines": {"begin": max(finding.line, 1)},
                },
            }
        )
    return out


class GitlabReporter:
    name = "gitlab"

    def emit(self, report: Report, stream: TextIO, options: ReportOptions) -> None:
        json.dump(as_list(report), stream, indent=2, ensure_ascii=False)
        stream.write("\n")
