"""The result types every stage produces and every reporter reads: Severity, Hit, Finding, Report.

Data types only: this module imports nothing of configguard."""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal


class Severity(enum.IntEnum):
    """How much a finding matters; ordered so that ``>=`` means "at least as severe"."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, name: str) -> Severity:
        try:
            return cls[name.upper()]
        except KeyError:
            raise ValueError(f"unknown severity {name!r} (use error, warning or info)") from None

    def __str__(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Hit:
    """What a check reports: where (a JSON Pointer) and what. The engine, not the check,
    turns it into a located Finding (adds rule id, severity, file, line and column)."""

    pointer: str
    message: str
    at_key: bool = False
    details: tuple[str, ...] = ()
    old: Any = None
    new: Any = None
    severity: Severity | None = None
    """At most this severity, whatever the rule's: for a check that could not decide
    ("too complex to analyse") and must say so without blocking the change."""


@dataclass(frozen=True, order=False)
class Finding:
    """One problem at one place in one file.

    ``line``/``column`` are 1-based and point at the offending value in the source
    (0 when the file has no usable position, e.g. it could not be read at all).
    """

    rule: str
    kind: str
    severity: Severity
    file: str
    path: str
    line: int
    column: int
    message: str
    document: int | None = None
    old: Any = None
    new: Any = None
    why: str | None = None
    details: tuple[str, ...] = ()
    # The source line the finding points at; for reporters that show context.
    source_line: str | None = field(default=None, compare=False)

    def sort_key(self) -> tuple[str, int, int, int, str, str]:
        return (self.file, self.document or 0, self.line, self.column, self.rule, self.message)

    def to_dict(self) -> dict[str, Any]:
        """A finding in the JSON report: optional fields appear only when they carry something."""
        out: dict[str, Any] = {
            "rule": self.rule,
            "kind": self.kind,
            "severity": str(self.severity),
            "file": self.file,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }
        if self.document is not None:
            out["document"] = self.document
        if self.old is not None or self.new is not None:
            out["old"] = self.old
            out["new"] = self.new
        if self.why:
            out["why"] = self.why
        if self.details:
            out["details"] = list(self.details)
        return out


BUILTIN_FINDINGS: dict[str, str] = {
    "schema": "The file must validate against its target's JSON Schema.",
    "parse-error": "The file must parse as JSON, YAML or TOML.",
    "no-duplicate-keys": "A mapping must not repeat a key (parsers keep one of them silently).",
    "consumer-crash": "The program that reads the file must accept it or refuse it cleanly.",
    "consumer-rejected": "The program that reads the file refuses it (a clean refusal).",
    "consumer-wrote": "The program that reads the file must not write next to it.",
    "file-deleted": "A file that a target claims was deleted since the base.",
    "suppression": "A suppression must give a reason and must not have expired.",
    "latent-bug": "A schema-valid input that the consumer crashes on (configguard fuzz).",
    "hardening": "A schema-invalid input that crashes the consumer instead of being refused.",
    "consumer-output": "The consumer's declared output must be usable: JSON or YAML, within "
    "output_limit (a {out} command must write its file).",
    "consumer-previous": "The consumer has no output for the previous version (it crashes or "
    "refuses it): change rules on output are not checked.",
    "output-invariant": "A schema-valid input whose consumer output breaks a rule on: output "
    "(configguard fuzz).",
}
"""The finding ids configguard emits itself (not from a rules file), with what each means:
``explain``, SARIF rule metadata and ``configguard rules`` read this one table."""


Status = Literal["added", "modified", "renamed", "deleted", "unchanged"]


@dataclass(frozen=True)
class ListChange:
    """How one list (or object) of a document changed, entries matched by key."""

    pointer: str
    old: int | None
    new: int | None
    key: tuple[str, ...] | None
    added: int
    removed: int
    changed: int
    duplicates: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.pointer,
            "old": self.old,
            "new": self.new,
            "key": list(self.key) if self.key else None,
            "added": self.added,
            "removed": self.removed,
            "changed": self.changed,
            "duplicates": self.duplicates,
        }


@dataclass(frozen=True)
class OutputChange:
    """How a consumer's output (``output:``) changed between the two versions of a file."""

    consumer: str
    old_bytes: int | None
    """Compact JSON size of the previous output; None when there is none."""
    new_bytes: int | None
    lists: tuple[ListChange, ...] = ()
    previous: str = ""
    """Why there is no previous output, when there is a previous version (it crashes...)."""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "consumer": self.consumer,
            "bytes": {"old": self.old_bytes, "new": self.new_bytes},
            "lists": [c.to_dict() for c in self.lists],
        }
        if self.previous:
            out["previous"] = self.previous
        return out


@dataclass(frozen=True)
class FileChange:
    """What a proposed change does to one file (one document of it), for reviewers."""

    file: str
    status: Status
    previous: str | None
    old_bytes: int | None
    new_bytes: int | None
    lists: tuple[ListChange, ...] = ()
    document: int | None = None
    output: tuple[OutputChange, ...] = ()
    """What changed in the output of each consumer that declares ``output:``."""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "file": self.file,
            "status": self.status,
            "previous": self.previous,
            "bytes": {"old": self.old_bytes, "new": self.new_bytes},
            "lists": [c.to_dict() for c in self.lists],
        }
        if self.document is not None:
            out["document"] = self.document
        if self.output:
            out["output"] = [o.to_dict() for o in self.output]
        return out


@dataclass(frozen=True)
class Report:
    """Everything one ``check`` run found, sorted; reporters see only this."""

    findings: tuple[Finding, ...]
    files: int
    changes: tuple[FileChange, ...] | None = None
    """Per-file change summaries when a baseline was given and they were asked for."""
    checked: tuple[str, ...] = ()
    """Display paths of the files checked (JUnit lists the ones that passed, too)."""
    descriptions: Mapping[str, str] = field(default_factory=dict)
    """Kind -> one sentence on what it checks, for the kinds of the findings (SARIF)."""
    notes: tuple[str, ...] = ()
    """What the run left out and why (e.g. a catalog schema that is not vendored)."""
    schemas: tuple[tuple[str, str], ...] = ()
    """(file, schema) for files checked against a built-in catalog schema (shown with -v)."""
    hint: str | None = None
    """What to do when nothing was checked, in place of the usual line."""

    @staticmethod
    def build(
        findings: list[Finding],
        files: int,
        changes: Sequence[FileChange] | None = None,
        checked: Sequence[str] = (),
        descriptions: Mapping[str, str] | None = None,
        notes: Sequence[str] = (),
        schemas: Sequence[tuple[str, str]] = (),
        hint: str | None = None,
    ) -> Report:
        unique: dict[Finding, Finding] = {}
        for finding in findings:
            unique.setdefault(_dedupe_key(finding), finding)
        ordered = tuple(sorted(unique.values(), key=Finding.sort_key))
        return Report(
            ordered,
            files,
            tuple(changes) if changes is not None else None,
            tuple(sorted(checked)),
            dict(descriptions) if descriptions is not None else {},
            tuple(notes),
            tuple(sorted(schemas)),
            hint,
        )

    def describe(self, kind: str) -> str:
        """What findings of ``kind`` are about, in one sentence."""
        return (
            self.descriptions.get(kind)
            or BUILTIN_FINDINGS.get(kind)
            or f"A configguard rule of kind {kind!r}."
        )

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def errors(self) -> int:
        return self.count(Severity.ERROR)

    @property
    def warnings(self) -> int:
        return self.count(Severity.WARNING)

    def exit_code(self, fail_on: Severity = Severity.ERROR) -> int:
        """0 when nothing reaches ``fail_on``, else 1 (2 is for configguard's own failures)."""
        return 1 if any(f.severity >= fail_on for f in self.findings) else 0


def _dedupe_key(finding: Finding) -> Finding:
    """``finding`` itself, or a copy with its old/new frozen when they are a dict or a list
    (an ``immutable`` object that changed): equal findings get equal keys, and the key can
    be hashed where the finding cannot."""
    if isinstance(finding.old, dict | list) or isinstance(finding.new, dict | list):
        return replace(finding, old=_frozen(finding.old), new=_frozen(finding.new))
    return finding


def _frozen(value: Any) -> Any:
    """A hashable stand-in for a JSON value, equal exactly when the values are ``==``."""
    if isinstance(value, dict):
        return ("object", frozenset((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, list):
        return ("array", tuple(_frozen(v) for v in value))
    return value
