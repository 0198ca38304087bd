"""The result types every stage produces and every reporter reads: Severity, Hit, Finding, Report.

Data types only: this module imports nothing of configguard."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


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
        """The `--format json` shape: optional fields appear only when they carry something."""
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


@dataclass(frozen=True)
class Report:
    """Everything one ``check`` run found, sorted; reporters see only this."""

    findings: tuple[Finding, ...]
    files: int
    changes: tuple[Any, ...] | None = None
    """Per-file change summaries (``summary.FileChange``) when a baseline was given."""
    checked: tuple[str, ...] = ()
    """Display paths of the files checked (JUnit lists the ones that passed, too)."""
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
        changes: list[Any] | None = None,
        checked: Sequence[str] = (),
        notes: Sequence[str] = (),
        schemas: Sequence[tuple[str, str]] = (),
        hint: str | None = None,
    ) -> Report:
        ordered = tuple(sorted(set(findings), key=Finding.sort_key))
        return Report(
            ordered,
            files,
            tuple(changes) if changes is not None else None,
            tuple(sorted(checked)),
            tuple(notes),
            tuple(sorted(schemas)),
            hint,
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
