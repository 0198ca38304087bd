"""GitHub Actions workflow commands: each finding becomes an annotation on the pull request.

``::error file=F,line=L,col=C,title=T::message`` (``::warning`` and ``::notice`` by
severity). GitHub reads these from the step's output and pins them to the diff. Values
are escaped as the runner requires: ``%``, CR and LF everywhere, and also ``:`` and ``,``
inside properties, otherwise a path or title holding them is cut short. A plain summary
line closes the output, for whoever reads the log.
"""

from __future__ import annotations

from typing import TextIO

from ..findings import Finding, Report, Severity
from . import ReportOptions
from .text import summary_line

COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """The message part (after ``::``)."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A ``key=value`` property: also ``:`` and ``,``, which would end the value."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(finding: Finding) -> str:
    properties = [f"file={escape_property(finding.file)}"]
    if finding.line >= 1:
        properties.append(f"line={finding.line}")
        if finding.column >= 1:
            properties.append(f"col={finding.column}")
    properties.append(f"title={escape_property(f'configguard [{finding.rule}]')}")
    pointer = finding.path or "/"
    if finding.document is not None:
        pointer = f"document {finding.document} {pointer}"
    message = f"{pointer}: {finding.message}"
    if finding.old is not None or finding.new is not None:
        message += f" (before: {finding.old}, after: {finding.new})"
    if finding.why:
        message += f"\nwhy: {finding.why}"
    message += "".join(f"\n- {d}" for d in finding.details)
    return f"::{COMMAND[finding.severity]} {','.join(properties)}::{escape_data(message)}"


class GithubReporter:
    name = "github"

    def emit(self, report: Report, stream: TextIO, options: ReportOptions) -> None:
        for finding in report.findings:
            stream.write(annotation(finding) + "\n")
        stream.write("configguard: " + "".join(text for text, _ in summary_line(report)) + "\n")
