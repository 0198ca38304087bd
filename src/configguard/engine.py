"""Turns what the checks found (hits: a pointer and a message) into located Findings.

Checks never locate, stamp or filter: the engine adds the rule id, severity, file,
document, line, column and source line, the way jsonschema and yamllint separate
"what is wrong" from "where".
"""

from __future__ import annotations

from .findings import Finding, Hit, Severity
from .load import Document, Loaded
from .schemas import CompiledSchema


def stamp(
    document: Document,
    hit: Hit,
    rule: str,
    kind: str,
    severity: Severity,
    why: str | None = None,
) -> Finding:
    line, column = document.locate_key(hit.pointer) if hit.at_key else document.locate(hit.pointer)
    return Finding(
        rule=rule,
        kind=kind,
        severity=severity,
        file=document.source.display,
        path=hit.pointer,
        line=line,
        column=column,
        message=hit.message,
        document=document.index,
        old=hit.old,
        new=hit.new,
        why=why,
        details=hit.details,
        source_line=document.source.line_text(line),
    )


LOADER_SEVERITY = {"yaml-1.1-ambiguity": Severity.WARNING}
"""Loader findings that are not errors unless a declared rule says so."""


def load_findings(loaded: Loaded, display: str) -> list[Finding]:
    """Parse errors, repeated keys and YAML 1.1 ambiguities found while loading."""
    out = []
    for problem in loaded.problems:
        source_line = loaded.source.line_text(problem.line) if loaded.source else None
        out.append(
            Finding(
                rule=problem.kind,
                kind=problem.kind,
                severity=LOADER_SEVERITY.get(problem.kind, Severity.ERROR),
                file=display,
                path=problem.pointer,
                line=problem.line,
                column=problem.column,
                message=problem.message,
                document=problem.document,
                source_line=source_line,
            )
        )
    return out


def schema_findings(document: Document, schema: CompiledSchema) -> list[Finding]:
    return [
        stamp(document, hit, "schema", "schema", Severity.ERROR)
        for hit in schema.hits(document.data)
    ]
