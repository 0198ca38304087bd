"""JUnit XML: one test suite per file, one test case per file and rule.

The shape GitLab, Jenkins, Azure DevOps and CircleCI read: an error-severity finding
makes its test case fail (every finding of that rule in that file is listed in the
failure's text, the first in its ``message``); warnings and notes are printed in the
test case's ``system-out`` and do not fail it. A file checked with no finding is one
passing test case, so the test counts show how much was checked.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from typing import TextIO

from ..findings import Finding, Report, Severity
from . import ReportOptions

# XML 1.0 cannot carry these characters at all, even escaped.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
PASSED_NAME = "configguard"


def _clean(text: str) -> str:
    return _ILLEGAL.sub("\ufffd", text)


def _line(finding: Finding) -> str:
    where = f"{finding.file}:{finding.line}:{finding.column}"
    pointer = finding.path or "/"
    if finding.document is not None:
        pointer = f"document {finding.document} {pointer}"
    text = f"{where}: {finding.severity} [{finding.rule}] {pointer}: {finding.message}"
    if finding.old is not None or finding.new is not None:
        text += f" (before: {finding.old}, after: {finding.new})"
    if finding.why:
        text += f"\n    why: {finding.why}"
    for detail in finding.details:
        text += f"\n    - {detail}"
    return text


def as_element(report: Report) -> ET.Element:
    by_file: dict[str, dict[str, list[Finding]]] = defaultdict(lambda: defaultdict(list))
    for finding in report.findings:
        by_file[finding.file][finding.rule].append(finding)
    files = sorted(set(report.checked) | set(by_file))
    root = ET.Element("testsuites", name="configguard")
    total_tests = total_failures = 0
    for file in files:
        suite = ET.SubElement(root, "testsuite", name=_clean(file))
        tests = failures = 0
        rules = by_file.get(file, {})
        if not rules:
            ET.SubElement(
                suite, "testcase", name=PASSED_NAME, classname=_clean(file), file=_clean(file)
            )
            tests = 1
        for rule, findings in sorted(rules.items()):
            case = ET.SubElement(
                suite, "testcase", name=_clean(rule), classname=_clean(file), file=_clean(file)
            )
            if findings[0].line >= 1:
                case.set("line", str(findings[0].line))
            tests += 1
            errors = [f for f in findings if f.severity == Severity.ERROR]
            others = [f for f in findings if f.severity != Severity.ERROR]
            if errors:
                failures += 1
                first = errors[0]
                more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
                failure = ET.SubElement(
                    case,
                    "failure",
                    type=_clean(first.kind),
                    message=_clean(
                        f"{first.file}:{first.line}:{first.column}: {first.message}{more}"
                    ),
                )
                failure.text = _clean("\n".join(_line(f) for f in errors))
            if others:
                out = ET.SubElement(case, "system-out")
                out.text = _clean("\n".join(_line(f) for f in others))
        suite.set("tests", str(tests))
        suite.set("failures", str(failures))
        suite.set("errors", "0")
        suite.set("skipped", "0")
        total_tests += tests
        total_failures += failures
    root.set("tests", str(total_tests))
    root.set("failures", str(total_failures))
    root.set("errors", "0")
    root.set("skipped", "0")
    return root


class JunitReporter:
    name = "junit"

    def emit(self, report: Report, stream: TextIO, options: ReportOptions) -> None:
        root = as_element(report)
        ET.indent(root)
        stream.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        stream.write(ET.tostring(root, encoding="unicode"))
        stream.write("\n")
