"""Evaluation of one file: load findings, schema, rules, change rules and consumer smoke, in
that fixed order, turned into located Findings.

Checks never locate, stamp or filter: the engine adds the rule id, severity, file,
document, line, column and source line, the way jsonschema and yamllint separate
"what is wrong" from "where". Everything a run shares (schemas, rules, the baseline,
consumer runners) comes in one ``Run``; the API only fans files out and builds the Report.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from . import fastexit
from .discover import Claimed, Matcher, display_path
from .findings import BUILTIN_FINDINGS, FileChange, Finding, Hit, Severity
from .kinds import Rule, Summary, get_kind, guarded
from .load import DEFAULT_MAX_BYTES, Document, Format, Loaded, load
from .rules import RulePlan
from .schemas import CompiledSchema, SchemaRegistry
from .suppress import apply_inline

if TYPE_CHECKING:  # the modules behind --base, --base-path and consumers load on use
    from .consumers import Outcome
    from .pool import RunnerPool
    from .previous import Baseline, PreviousVersion
    from .settings import Settings


class Run(NamedTuple):
    """What every file of one run is checked with."""

    registry: SchemaRegistry
    rules: RulePlan
    baseline: Baseline | None = None
    consumers: RunnerPool | None = None
    """Consumer runners; None when consumers are not run (``--no-consumer``)."""
    summarize: bool = False
    """Whether to describe each file's change (``FileChange``) against the baseline."""


class FileResult(NamedTuple):
    findings: list[Finding]
    changes: list[FileChange]


def check_file(claimed: Claimed, run: Run) -> FileResult:
    """Every finding of one file (and its change summary when asked), in a fixed order."""
    fastexit.release()
    formats = {t.format for t in claimed.targets}
    fmt: Format | None = formats.pop() if len(formats) == 1 else None
    every_rule = run.rules.for_targets(claimed.targets)
    file_rules = [r for r in every_rule if r.on == "file"]
    # the previous version's output needs its whole documents (not the summaries)
    whole = run.summarize or _previous_outputs(claimed, run)
    findings: list[Finding] = []
    if file_rules:  # size rules: judged on the size alone, so a huge file is never read
        size = _size(claimed.path)
        if size is not None:
            findings = size_findings(size, claimed.display, file_rules)
            # an oversized file is not parsed, unless that finding is suppressed
            if any(f.severity == Severity.ERROR for f in run.rules.screen(findings)):
                return FileResult(
                    [
                        dataclasses.replace(
                            f, message=f"{f.message}; not parsed or checked further"
                        )
                        for f in findings
                    ],
                    [],
                )
    # a size rule has judged the size: it, not the built-in ceiling, is the limit
    sized = any(get_kind(r.kind).before_parse for r in file_rules)

    def read() -> Loaded:
        return load(
            claimed.path,
            claimed.display,
            fmt,
            max_bytes=None if sized else DEFAULT_MAX_BYTES,
            yaml11=True,  # the yaml-1.1-ambiguity kind, on by default
        )

    if run.baseline is None:
        loaded, previous = read(), None
    else:
        from .previous import previous_version

        loaded, previous = previous_version(
            claimed.path, run.baseline, fmt, file_rules, read, whole=whole
        )
    findings += loader_severity(load_findings(loaded, claimed.display), file_rules)
    if any(f.kind == "parse-error" for f in findings):
        return FileResult(findings, [])
    changes: list[FileChange] = []
    if run.summarize and run.baseline is not None:
        from .summary import file_changes

        old = previous.loaded if previous is not None else None
        changes = file_changes(claimed, loaded, old, run.baseline)
    for target in claimed.targets:
        if target.schema is not None:
            compiled = run.registry.compiled(target.schema)
            for document in loaded.documents:
                findings.extend(schema_findings(document, compiled))
    if run.consumers is not None and any(t.consumer for t in claimed.targets):
        from .smoke import smoke_hits

        runs: dict[str, list[tuple[Document, Outcome]]] = {}
        for smoked in smoke_hits(claimed, loaded, run.consumers, runs):
            findings.append(
                stamp(smoked.document, smoked.hit, smoked.id, smoked.id, smoked.severity)
            )
        if any(t.consumer.output for t in claimed.targets if t.consumer):
            findings += _output_findings(claimed, loaded, previous, run, runs, changes)
    for i, document in enumerate(loaded.documents if file_rules else ()):
        findings.extend(rule_findings(document, file_rules, *_previous_of(previous, i)))
    fastexit.hold((loaded, previous))
    # the text only when there is something to suppress (a big JSON file is not decoded)
    text = loaded.source.text if loaded.source and findings else None
    return FileResult(apply_inline(findings, text), changes)


def _previous_outputs(claimed: Claimed, run: Run) -> bool:
    """Whether a consumer will be run on the previous version (its output is compared)."""
    if run.baseline is None or run.consumers is None:
        return False
    from .outputs import needs_previous

    return any(
        needs_previous(t, run.rules.by_target.get(t.name, ()), run.summarize)
        for t in claimed.targets
    )


def _output_findings(
    claimed: Claimed,
    loaded: Loaded,
    previous: PreviousVersion | None,
    run: Run,
    runs: dict[str, list[tuple[Document, Outcome]]],
    changes: list[FileChange],
) -> list[Finding]:
    """Rules ``on: output``, evaluated on each consumer's output (change rules against the
    previous version's output), and the output changes added to the file's summary."""
    from .outputs import outputs

    assert run.consumers is not None
    found = outputs(
        claimed,
        loaded,
        previous,
        run.consumers,
        runs,
        lambda t: run.rules.by_target.get(t.name, ()),
        run.summarize,
    )
    out = [stamp(document, hit, id_, id_, severity) for document, hit, id_, severity in found.hits]
    for check in found.checks:
        display = check.document.source.display
        sized = [r for r in check.rules if get_kind(r.kind).before_parse]
        if sized:
            from .outputs import json_size

            old = json_size(check.previous.data) if check.previous is not None else None
            for rule, hit in _sized_hits(json_size(check.document.data), display, sized, old):
                out.append(
                    stamp(
                        check.document,
                        dataclasses.replace(hit, message=check.prefix + hit.message),
                        rule.id,
                        rule.kind,
                        rule.severity,
                        rule.why,
                    )
                )
        for finding in rule_findings(check.document, check.rules, check.previous):
            out.append(dataclasses.replace(finding, message=check.prefix + finding.message))
    if found.changes:
        changes[:] = [
            dataclasses.replace(c, output=tuple(found.changes.get(c.document or 0, ())))
            if c.status != "deleted"
            else c
            for c in changes
        ]
    return out


def _sized_hits(
    size: int, display: str, rules: Sequence[Rule], previous: int | None
) -> list[tuple[Rule, Hit]]:
    """(rule, hit) for every size rule (``before_parse`` kind) that ``size`` breaks; change
    kinds only with a previous size."""
    out: list[tuple[Rule, Hit]] = []
    for rule in rules:
        kind = get_kind(rule.kind)
        if not kind.before_parse or (kind.change and previous is None):
            continue
        out += [(rule, h) for h in guarded(rule, display, kind.check_size, size, rule, previous)]
    return out


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None


def _previous_of(
    previous: PreviousVersion | None, index: int
) -> tuple[Document | None, Mapping[str, Summary] | None]:
    """Document ``index`` of the previous version, or what each change rule kept of it."""
    if previous is None:
        return None, None
    if previous.summaries is not None:
        kept = previous.summaries[index] if index < len(previous.summaries) else {}
        return None, kept
    documents = previous.loaded.documents if previous.loaded is not None else []
    return (documents[index] if index < len(documents) else None), None


# -- findings of each stage ------------------------------------------------------------
def stamp(
    document: Document,
    hit: Hit,
    rule: str,
    kind: str,
    severity: Severity,
    why: str | None = None,
) -> Finding:
    """A located Finding for ``hit`` in ``document``."""
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


def unparsed_finding(rule: Rule, display: str, hit: Hit, line: int = 1, column: int = 1) -> Finding:
    """A finding about a whole file that was not (or could not be) parsed, so not located."""
    return Finding(
        rule=rule.id,
        kind=rule.kind,
        severity=rule.severity,
        file=display,
        path=hit.pointer,
        line=line,
        column=column,
        message=hit.message,
        old=hit.old,
        new=hit.new,
        why=rule.why,
        details=hit.details,
    )


def load_findings(loaded: Loaded, display: str) -> list[Finding]:
    """Parse errors, repeated keys and YAML 1.1 ambiguities found while loading."""
    out = []
    for problem in loaded.problems:
        source_line = loaded.source.line_text(problem.line) if loaded.source else None
        out.append(
            Finding(
                rule=problem.kind,
                kind=problem.kind,
                severity=_loader_severity(problem.kind),
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


def _loader_severity(kind: str) -> Severity:
    """A parse error is an error; a loader kind's finding (repeated keys, YAML 1.1 readings)
    has its kind's default severity until a declared rule says otherwise."""
    if kind == "parse-error":
        return Severity.ERROR
    return Severity.parse(getattr(get_kind(kind), "default_severity", "error"))


def schema_findings(document: Document, schema: CompiledSchema) -> list[Finding]:
    return [
        stamp(document, hit, "schema", "schema", Severity.ERROR)
        for hit in schema.hits(document.data)
    ]


def size_findings(
    size: int, display: str, rules: Sequence[Rule], previous: int | None = None
) -> list[Finding]:
    """Findings of the kinds that judge a file by its size before it is parsed."""
    return [
        unparsed_finding(rule, display, hit)
        for rule, hit in _sized_hits(size, display, rules, previous)
    ]


def rule_findings(
    document: Document,
    rules: Sequence[Rule],
    previous: Document | None = None,
    summaries: Mapping[str, Summary] | None = None,
) -> list[Finding]:
    """Every finding of ``rules`` on one document, sorted (deterministic for a given input).

    Change kinds stay silent without a previous version (a new file). ``summaries``: what
    each change rule (by id) kept of the previous version (``Kind.summarize``), given
    instead of the previous document.
    """
    out: list[Finding] = []
    display = document.source.display
    for rule in rules:
        kind = get_kind(rule.kind)
        if kind.before_parse or kind.from_loader:
            continue
        if kind.change and summaries is not None:
            summary = summaries.get(rule.id)
            if summary is None:
                continue
            hits = guarded(rule, display, kind.check_summary, document, rule, summary)
        elif kind.change and previous is None:
            continue
        else:
            hits = guarded(rule, display, kind.check, document, rule, previous)
        out.extend(
            stamp(document, hit, rule.id, rule.kind, _severity(rule, hit), rule.why) for hit in hits
        )
    return sorted(out, key=Finding.sort_key)


def _severity(rule: Rule, hit: Hit) -> Severity:
    """The rule's severity, lowered to the hit's own cap when it has one ("too complex to
    analyse" is information, whatever the rule's severity)."""
    return rule.severity if hit.severity is None else min(rule.severity, hit.severity)


def loader_severity(findings: list[Finding], rules: Sequence[Rule]) -> list[Finding]:
    """Give the loader's duplicate-key findings the id, severity and why of a declared rule."""
    declared = [r for r in rules if get_kind(r.kind).from_loader]
    if not declared:
        return findings
    out = []
    for finding in findings:
        rule = next((r for r in declared if r.kind == finding.kind), None)
        out.append(
            finding
            if rule is None
            else dataclasses.replace(finding, rule=rule.id, severity=rule.severity, why=rule.why)
        )
    return out


def deletions(
    baseline: Baseline,
    settings: Settings,
    here: Path,
    rules: RulePlan,
    changes: list[FileChange] | None = None,
) -> list[Finding]:
    """Files claimed by a target that are gone since the baseline: reported, never silent.

    Deleting a file removes everything it had, so each change rule of its targets says
    what that breaks (``Kind.check_deleted``: every ``no-removal`` fires, with the rule's
    severity and why): that is how a deletion is forbidden.
    """
    from .previous import GitBaseline

    if settings.path is None or not isinstance(baseline, GitBaseline):
        return []
    matcher = Matcher(settings)
    out: list[Finding] = []
    for change in baseline.deleted():
        path = baseline.root / change.path
        targets = matcher.targets_for(path)
        if not targets:
            continue
        display = display_path(path, here)
        for rule in rules.for_targets(targets):
            if rule.on != "file":  # the output of a deleted file is not known
                continue
            kind = get_kind(rule.kind)
            gone = guarded(rule, display, kind.check_deleted, rule, baseline.ref)
            out.extend(unparsed_finding(rule, display, hit, 0, 0) for hit in gone)
        out.append(
            Finding(
                rule="file-deleted",
                kind="file-deleted",
                severity=Severity.INFO,
                file=display,
                path="",
                line=0,
                column=0,
                message=f"deleted since {baseline.ref}",
            )
        )
        if changes is not None:
            from . import vcs

            raw = vcs.read_at(baseline.ref, change.path, baseline.root)
            size = len(raw) if raw is not None else None
            changes.append(FileChange(display, "deleted", change.path, size, None))
    return out


def describe_kinds(findings: Sequence[Finding]) -> dict[str, str]:
    """Kind -> its one-sentence description, for the rule kinds of ``findings`` (SARIF)."""
    from .kinds import describe_kind

    out: dict[str, str] = {}
    for kind in {f.kind for f in findings if f.kind not in BUILTIN_FINDINGS}:
        description = describe_kind(kind)
        if description:
            out[kind] = description
    return out
