"""SARIF 2.1.0: one run, the rules that fired with their help, one result per finding.

Read by GitHub code scanning, GitLab, Azure DevOps and SARIF viewers. A result carries
the file and line/column as its physical location and the JSON Pointer as a logical
location, so a viewer can show both. ``partialFingerprints`` are stable across runs:
they ignore line numbers (which move when unrelated lines change) and the figures in
the message (``236 items`` and ``240 items`` are the same problem), so a code-scanning
alert stays one alert while it is not fixed.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any, TextIO
from urllib.parse import quote

from .._version import __version__
from ..findings import Finding, Report, Severity
from . import ReportOptions
from .json import _jsonable

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
FINGERPRINT = "configguardFinding/v1"

LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}

# What each kind checks, for the rule's description when the rule itself says nothing
# more (the README's table of kinds). Unknown (plugin) kinds get a generic line.
KIND_DESCRIPTIONS = {
    "schema": "The file must validate against its target's JSON Schema.",
    "parse-error": "The file must parse as JSON, YAML or TOML.",
    "no-duplicate-keys": "A mapping must not repeat a key (parsers keep one of them silently).",
    "consumer-crash": "The program that reads the file must accept it or refuse it cleanly.",
    "file-deleted": "A file that a target claims was deleted since the base.",
    "max-bytes": "The file must not be larger than a limit.",
    "max-items": "An array must not have more items than a limit.",
    "min-items": "An array must not have fewer items than a limit.",
    "max-properties": "An object must not have more keys than a limit.",
    "max-depth": "The document must not nest deeper than a limit.",
    "max-length": "A string must not be longer than a limit.",
    "unique": "An array's items (or their keys) must be unique.",
    "required": "An object must have the listed keys, not null or empty.",
    "forbidden": "A value must not be one of the forbidden values or match a pattern.",
    "regex-safe": "A regular expression must compile and not backtrack catastrophically.",
    "cel": "A CEL assertion about the value must hold.",
    "max-growth": "Compared with the previous version, it must not grow more than a limit.",
    "max-shrink": "Compared with the previous version, it must not shrink more than a limit.",
    "no-removal": "An entry present in the previous version must not disappear.",
    "immutable": "The value must not change between versions.",
    "max-churn": "No more than a share of the entries may change between versions.",
}


def describe_kind(kind: str) -> str:
    return KIND_DESCRIPTIONS.get(kind, f"A configguard rule of kind {kind!r}.")


def artifact_uri(file: str) -> str:
    """A relative URI reference for a display path (percent-encoded, forward slashes)."""
    path = file.replace("\\", "/")
    if path.startswith("/"):
        return "file://" + quote(path)
    return quote(path)


def _normalised_message(message: str) -> str:
    return re.sub(r"\d+(\.\d+)?", "#", message)


def fingerprint(finding: Finding) -> str:
    """Same problem at the same place -> same value, whatever the line or the figures."""
    parts = (
        finding.rule,
        finding.kind,
        finding.file.replace("\\", "/"),
        str(finding.document if finding.document is not None else ""),
        finding.path,
        _normalised_message(finding.message),
    )
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:32]


def _rule_descriptor(rule: str, kind: str, why: str | None) -> dict[str, Any]:
    short = describe_kind(kind)
    help_text = " ".join(
        part
        for part in (
            short,
            f"Kind: {kind}.",
            f"Why: {why}" if why else "",
            f"See `configguard explain {rule}`." if rule not in _BUILTIN_IDS else "",
        )
        if part
    )
    return {
        "id": rule,
        "name": kind,
        "shortDescription": {"text": short},
        "fullDescription": {"text": why or short},
        "help": {"text": help_text, "markdown": _help_markdown(rule, kind, short, why)},
        "properties": {"kind": kind},
    }


# Findings whose rule id is their kind: there is no rules-file entry to explain.
_BUILTIN_IDS = frozenset(
    {"schema", "parse-error", "no-duplicate-keys", "consumer-crash", "file-deleted"}
)


def _help_markdown(rule: str, kind: str, short: str, why: str | None) -> str:
    lines = [f"**{short}**", "", f"Kind: `{kind}`"]
    if why:
        lines += ["", f"Why: {why}"]
    if rule not in _BUILTIN_IDS:
        lines += ["", f"Run `configguard explain {rule}` for the rule's limits and examples."]
    return "\n".join(lines)


def _result(finding: Finding, rule_index: int, occurrence: int) -> dict[str, Any]:
    text = finding.message
    if finding.details:
        text += "\n" + "\n".join(f"- {d}" for d in finding.details)
    physical: dict[str, Any] = {
        "artifactLocation": {"uri": artifact_uri(finding.file), "uriBaseId": "%SRCROOT%"},
    }
    if finding.line >= 1:
        region: dict[str, Any] = {"startLine": finding.line}
        if finding.column >= 1:
            region["startColumn"] = finding.column
        if finding.source_line is not None:
            region["snippet"] = {"text": finding.source_line}
        physical["region"] = region
    location: dict[str, Any] = {"physicalLocation": physical}
    pointer = finding.path or ""
    logical: dict[str, Any] = {"fullyQualifiedName": pointer or "/", "kind": "value"}
    segments = pointer.split("/")
    if len(segments) > 1 and segments[-1]:
        logical["name"] = segments[-1].replace("~1", "/").replace("~0", "~")
    location["logicalLocations"] = [logical]
    print_ = fingerprint(finding) + (f":{occurrence}" if occurrence else "")
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "kind": "fail",
        "level": LEVEL[finding.severity],
        "message": {"text": text},
        "locations": [location],
        "partialFingerprints": {FINGERPRINT: print_},
    }
    properties: dict[str, Any] = {"kind": finding.kind, "jsonPointer": pointer}
    if finding.document is not None:
        properties["document"] = finding.document
    if finding.old is not None or finding.new is not None:
        properties["old"] = _jsonable(finding.old)
        properties["new"] = _jsonable(finding.new)
    if finding.why:
        properties["why"] = finding.why
    result["properties"] = properties
    return result


def as_sarif(report: Report) -> dict[str, Any]:
    rules: list[dict[str, Any]] = []
    index: dict[str, int] = {}
    results: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for finding in report.findings:
        if finding.rule not in index:
            index[finding.rule] = len(rules)
            rules.append(_rule_descriptor(finding.rule, finding.kind, finding.why))
        key = fingerprint(finding)
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        results.append(_result(finding, index[finding.rule], occurrence))
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "configguard",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "rules": rules,
                    }
                },
                "invocations": [{"executionSuccessful": True}],
                "columnKind": "unicodeCodePoints",
                "results": results,
                "properties": {
                    "files": report.files,
                    "errors": report.errors,
                    "warnings": report.warnings,
                },
            }
        ],
    }


class SarifReporter:
    name = "sarif"

    def emit(self, report: Report, stream: TextIO, options: ReportOptions) -> None:
        json.dump(as_sarif(report), stream, indent=2, ensure_ascii=False)
        stream.write("\n")
