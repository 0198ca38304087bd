"""``configguard fuzz``: run each target's consumer on generated inputs to find latent crashes.

Inputs come from mutations of the real files (with a dictionary of the consumer's own
literals, :mod:`.dictionary`), boundary sizes, the schema (hypothesis-jsonschema) and its
documents mutated, and, for Python consumers, a corpus of inputs that reached new code
(:mod:`.strategies`); a scheduler shares the time among them (:mod:`.runner`). A crash on a
schema-valid input is a **latent bug** (error): the contract allows a file the consumer
cannot take. A crash on a schema-invalid input is a **hardening** finding (warning): it
should have been refused cleanly. Failures are shrunk, saved as reproducers under
``.configguard/crashes/<target>/`` and can be replayed. Hypothesis is imported only here.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..consumers import ConsumerSpec, Footprint, Outcome, Runner, describe_writes, open_runner
from ..errors import ConfigurationError
from ..findings import Finding, Report, Severity
from ..settings import Settings, Target
from .headroom import HeadroomRow

DEFAULT_MAX_EXAMPLES = 5000
DEFAULT_MAX_TIME = 60.0
MAX_FILES = 50


@dataclass(frozen=True)
class TargetSummary:
    """What the search did for one target."""

    name: str
    consumer: str
    examples: int
    seconds: float
    by_source: dict[str, int]
    failures: int
    seed: int
    notes: tuple[str, ...] = ()
    stopped_by_time: bool = False
    sources: tuple[tuple[str, int, float, int, int], ...] = ()
    """Per source: name, examples, seconds, failures it found first, inputs with new code."""
    corpus: int = 0
    """Inputs kept for reaching new consumer code (coverage guidance)."""
    guided: bool = False
    workers: int = 1

    @property
    def rate(self) -> float:
        return self.examples / self.seconds if self.seconds > 0 else 0.0


@dataclass(frozen=True)
class FuzzReport:
    """Findings (one per distinct failure), per-target summaries and headroom rows."""

    report: Report
    targets: tuple[TargetSummary, ...] = ()
    headroom: tuple[HeadroomRow, ...] = ()
    replayed: int = 0
    passing: tuple[str, ...] = field(default=())
    """Replayed reproducers the consumer now accepts or cleanly refuses."""
    fail_on: Severity = Severity.ERROR
    """As ``check --fail-on``: latent bugs are errors, hardening findings warnings."""

    @property
    def findings(self) -> tuple[Finding, ...]:
        return self.report.findings

    def exit_code(self, fail_on: Severity | None = None) -> int:
        """1 when a finding at least as severe as ``fail_on`` was found (a latent bug by
        default; ``Severity.WARNING`` adds hardening findings)."""
        return self.report.exit_code(fail_on if fail_on is not None else self.fail_on)


Progress = Callable[[str, int, int, float], None]
"""(target, examples, distinct failures, seconds), called a few times a second."""


def fuzz(
    targets: Sequence[str] = (),
    *,
    config: str | Path | None = None,
    max_examples: int = DEFAULT_MAX_EXAMPLES,
    max_time: float = DEFAULT_MAX_TIME,
    seed: int | None = None,
    replay: str | Path | None = None,
    cwd: str | Path | None = None,
    headroom: bool = True,
    progress: Progress | None = None,
    database: str | None = None,
    workers: int = 1,
    guided: bool = True,
    export_corpus: str | Path | None = None,
    fail_on: Severity = Severity.ERROR,
    stop_on_latent: bool = False,
) -> FuzzReport:
    """Fuzz the consumers of ``targets`` (default: every target that has one).

    ``max_time`` (seconds) is shared by the targets; a failure found near the end still
    gets a few seconds to shrink. ``seed`` makes a run reproducible (and, unless a
    ``database`` is named, skips the example database); ``replay`` reruns saved
    reproducers instead of searching. ``database``: a folder or ``redis://`` URL shared
    by every runner that names it (default: ``fuzz_database`` of the configuration, else
    ``.configguard/hypothesis``); ``workers``: search processes on this machine sharing
    it; ``guided``: coverage guidance for Python consumers; ``export_corpus``: a folder
    that receives every schema-valid input generated; ``stop_on_latent``: end at the
    first latent bug, unshrunk (time-to-first-failure benchmarks). Raises ConfigurationError when
    configguard cannot do its job.
    """
    from ..api import resolve_settings

    if max_examples < 1:
        raise ConfigurationError("--max-examples must be at least 1")
    if max_time <= 0:
        raise ConfigurationError("--max-time must be positive")
    if workers < 1:
        raise ConfigurationError("--workers must be at least 1")
    here = Path(cwd) if cwd is not None else Path.cwd()
    settings = resolve_settings(config, None, here)
    chosen = _choose(settings, targets)
    if replay is not None:
        return _replay(settings, chosen, here / Path(replay), here)
    run_seed = seed if seed is not None else random.SystemRandom().randrange(2**32)
    if database is None and settings.fuzz_database is not None:
        database = settings.fuzz_database
    options = _Options(
        max_examples,
        run_seed,
        seed is None or workers > 1,
        headroom,
        progress,
        database,
        guided,
        (here / export_corpus) if export_corpus is not None else None,
        stop_on_latent,
    )
    if workers > 1:
        from .workers import campaign

        report = campaign(
            [t.name for t in chosen],
            config=str(settings.path) if settings.path else None,
            cwd=here,
            workers=workers,
            max_time=max_time,
            options=options,
        )
        return FuzzReport(report.report, report.targets, report.headroom, fail_on=fail_on)
    findings: list[Finding] = []
    summaries: list[TargetSummary] = []
    rows: list[HeadroomRow] = []
    for position, target in enumerate(chosen):
        share = max_time / (len(chosen) - position) if position else max_time / len(chosen)
        found, summary, target_rows = _fuzz_target(settings, target, here, share, options)
        max_time -= summary.seconds
        max_time = max(max_time, 1.0)
        findings.extend(found)
        summaries.append(summary)
        rows.extend(target_rows)
    return FuzzReport(Report.build(findings, 0), tuple(summaries), tuple(rows), fail_on=fail_on)


def _choose(settings: Settings, names: Sequence[str]) -> list[Target]:
    by_name = {t.name: t for t in settings.targets}
    if names:
        chosen = []
        for name in names:
            target = by_name.get(name)
            if target is None:
                known = ", ".join(sorted(by_name)) or "none"
                raise ConfigurationError(f"no target named {name!r} (targets: {known})")
            if target.consumer is None:
                raise ConfigurationError(
                    f"target {name!r} has no consumer: add a consumer: block to fuzz it"
                )
            chosen.append(target)
        return chosen
    chosen = [t for t in settings.targets if t.consumer is not None]
    if not chosen:
        raise ConfigurationError(
            "no target has a consumer to fuzz: add a consumer: block (python: module:function "
            "or command: [...]) to a target in the configuration file"
        )
    return chosen


# -- one target ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Options:
    """The search options shared by every target of one run (and by its workers)."""

    max_examples: int
    seed: int
    reuse: bool
    """Read and add to the default database folder (False for a seeded single run)."""
    headroom: bool
    progress: Progress | None
    database: str | None
    guided: bool
    export: Path | None
    stop_on_latent: bool = False


@dataclass
class _Context:
    """What one target's search needs: its runner, validator, real documents and suffix."""

    target: Target
    spec: ConsumerSpec
    is_valid: Callable[[Any], bool]
    raw_schema: Any
    documents: list[Any]
    suffix: str
    notes: list[str]
    base: str = ""
    """The schema's URI: its ``$ref``s resolve against it."""
    retrieve: Callable[[str], Any] | None = None
    oracle: Callable[[Any, Outcome], Outcome | None] | None = None
    """The target's rules on output as invariants (None when it has none)."""


def _context(settings: Settings, target: Target, here: Path) -> _Context:
    from ..discover import claimed_files
    from ..load import detect_format, load
    from ..schemas import SchemaRegistry

    assert target.consumer is not None
    registry = SchemaRegistry(tuple(settings.schema_dirs), settings.allow_remote_refs)
    notes: list[str] = []
    is_valid: Callable[[Any], bool] = lambda _data: True  # noqa: E731 - no schema, no contract
    raw_schema: Any = None
    base = ""
    if target.schema is not None:
        compiled = registry.compiled(target.schema)
        raw_schema = registry.document(target.schema)
        base = target.schema.resolve().as_uri()
        if isinstance(raw_schema, dict) and isinstance(raw_schema.get("$id"), str):
            from urllib.parse import urljoin

            base = urljoin(base, raw_schema["$id"])

        def is_valid(data: Any) -> bool:
            return not compiled.hits(data)
    else:
        notes.append("no schema: every crash counts as a latent bug")
    documents: list[Any] = []
    suffix = f".{target.format}" if target.format else ""
    claimed = [c for c in claimed_files(settings, [], here) if target in c.targets]
    for item in claimed[:MAX_FILES]:
        loaded = load(item.path, item.display, target.format)
        if any(p.kind == "parse-error" for p in loaded.problems):
            notes.append(f"{item.display} does not parse; not used for mutations")
            continue
        documents.extend(d.data for d in loaded.documents)
        suffix = suffix or f".{detect_format(item.path)}"
    if not claimed:
        notes.append("no files yet: inputs come from the schema only")
    return _Context(
        target,
        target.consumer,
        is_valid,
        raw_schema,
        documents,
        suffix or ".json",
        notes,
        base,
        registry.retrieve,
        _output_oracle(target, is_valid, here),
    )


def _output_oracle(
    target: Target, is_valid: Callable[[Any], bool], here: Path
) -> Callable[[Any, Outcome], Outcome | None] | None:
    """Every rule ``on: output`` of the target that is not a change rule, as an oracle: a
    schema-valid input whose output breaks one fails like a crash (``output-invariant``)."""
    if target.consumer is None or not target.consumer.output or not target.rules:
        return None
    from ..discover import display_path
    from ..kinds import get_kind
    from ..outputs import invariant_hits
    from ..rules import RuleBook

    rules = [
        r
        for r in RuleBook().rules(target.rules, lambda p: display_path(p, here))
        if r.on == "output" and not get_kind(r.kind).change
    ]
    if not rules:
        return None

    def oracle(data: Any, outcome: Outcome) -> Outcome | None:
        if outcome.status != "accepted" or outcome.output_error_kind or not is_valid(data):
            return None
        broken = invariant_hits(rules, outcome.output, target.name)
        if not broken:
            return None
        rule, hit = broken[0]
        where = f"{hit.pointer}: " if hit.pointer else ""
        return Outcome("crash", "output", rule.id, f"{where}{hit.message}", "", ())

    return oracle


def _fuzz_target(
    settings: Settings, target: Target, here: Path, max_time: float, options: _Options
) -> tuple[list[Finding], TargetSummary, list[HeadroomRow]]:
    from . import dictionary, headroom, runner, sources
    from .database import namespace, open_database
    from .reproducers import STATE_DIR, save

    context = _context(settings, target, here)
    state = settings.root / STATE_DIR
    spec = context.spec
    words = dictionary.build(spec.root, spec.python, spec.dictionary, context.documents)
    with runner.hypothesis_home(state / "hypothesis"):
        built = sources.build(
            context.raw_schema,
            context.is_valid if context.raw_schema is not None else None,
            context.documents,
            spec.fuzz_max_items,
            words,
            context.base,
            context.retrieve,
        )
    notes = context.notes + built.notes
    if not words.empty:
        notes.append(
            f"dictionary: {len(words.strings)} strings, {len(words.numbers)} numbers"
            + (
                f" (from {', '.join(words.sources[:3])} and the real files)"
                if words.sources
                else ""
            )
        )
    coverage: tuple[str, ...] = ()
    guided = options.guided and spec.python is not None
    if guided:
        import importlib.util

        files = dictionary.module_files(spec.root, spec.python or "")
        if importlib.util.find_spec("coverage") is None or not files:
            guided = False
            notes.append("coverage guidance is off: coverage.py or the consumer's files not found")
        else:
            coverage = tuple(str(f.resolve()) for f in files)
    database = open_database(
        options.database,
        settings.root,
        state / "hypothesis",
        options.reuse,
        namespace(target.name, context.raw_schema),
    )
    export = _exporter(options.export, target.name, context.is_valid)
    findings: list[Finding] = []
    rows: list[HeadroomRow] = []

    def report(examples: int, failures: int, seconds: float) -> None:
        if options.progress is not None:
            options.progress(target.name, examples, failures, seconds)

    footprint = Footprint()
    footprint.watch([spec.root])
    with (
        open_runner(spec, state / "tmp", coverage) as consumer,
        runner.hypothesis_home(state / "hypothesis"),
    ):
        result = runner.search(
            built,
            consumer,
            context.is_valid,
            name=target.name,
            max_examples=options.max_examples,
            max_time=max_time,
            seed=options.seed,
            database=database,
            suffix=context.suffix,
            progress=report,
            guided=guided,
            export=export,
            stop_on_latent=options.stop_on_latent,
            oracle=context.oracle,
        )
        for recorded in sorted(result.failures.values(), key=lambda r: (not r.valid, r.first_seen)):
            path = save(settings.root, target.name, recorded.case.data)
            found_after = (
                f"first seen after {recorded.first_example} examples, {recorded.first_seen:.2f}s"
            )
            findings.append(
                _finding(
                    target,
                    spec,
                    recorded.valid,
                    recorded.outcome,
                    path,
                    here,
                    recorded.case.source,
                    recorded.case.how,
                    recorded.case.data,
                    found_after,
                    context.documents,
                )
            )
        if options.headroom and built.docs:
            rows = headroom.measure(built, consumer, target.name)
    report(result.examples, len(result.failures), result.seconds)
    wrote = footprint.changes(spec.root, full=True)
    if wrote:
        notes.append(
            f"the consumer wrote next to the config during the search: {describe_writes(wrote)} "
            "(not undone)"
        )
    summary = TargetSummary(
        target.name,
        spec.name,
        result.examples,
        result.seconds,
        result.by_source,
        len(result.failures),
        options.seed,
        tuple(notes),
        result.stopped_by_time,
        tuple(
            (name, s.examples, s.seconds, s.found, s.new_code)
            for name, s in result.stats.items()
            if s.rounds
        ),
        result.corpus,
        guided,
    )
    return findings, summary, rows


MAX_EXPORTED = 10_000


def _exporter(
    folder: Path | None, target: str, is_valid: Callable[[Any], bool]
) -> Callable[[Any], None] | None:
    """Writes each distinct schema-valid input as ``<folder>/<target>/<hash>.json``."""
    if folder is None:
        return None
    import hashlib
    import json

    from .reproducers import canonical

    out = folder / target
    out.mkdir(parents=True, exist_ok=True)
    written: set[str] = set()

    def export(data: Any) -> None:
        if len(written) >= MAX_EXPORTED or not is_valid(data):
            return
        text = canonical(data)
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
        if digest not in written:
            written.add(digest)
            (out / f"{digest}.json").write_text(
                json.dumps(data, ensure_ascii=False) + "\n", encoding="utf-8"
            )

    return export


def _finding(
    target: Target,
    spec: ConsumerSpec,
    valid: bool,
    outcome: Outcome,
    path: Path,
    here: Path,
    source: str,
    how: tuple[str, ...],
    data: Any,
    found_after: str = "",
    real: Sequence[Any] = (),
) -> Finding:
    from ..discover import display_path
    from .sources import difference

    display = display_path(path, here)
    if outcome.kind == "output":  # from the oracle: the consumer accepted, its output is wrong
        rule, severity = "output-invariant", Severity.ERROR
        what = f"the output of {spec.name} for a schema-valid input breaks {outcome.type}"
        message = f"{target.name}: {what}: {outcome.message}"
    elif valid:
        rule, severity = "latent-bug", Severity.ERROR
        what = "a schema-valid input crashes"
    else:
        rule, severity = "hardening", Severity.WARNING
        what = "an input the schema forbids crashes (instead of being refused cleanly)"
    if outcome.kind != "output":
        message = f"{target.name}: {what} {spec.name}: {outcome.summary()}"
    made = f"found by {source}" + (f" ({'; '.join(how)})" if how else "")
    if found_after:
        made += f"; {found_after}"
    details = (made, f"minimal input: {difference(data, real)}", *outcome.tail[-8:])
    return Finding(
        rule=rule,
        kind="fuzz",
        severity=severity,
        file=display,
        path="",
        line=1,
        column=1,
        message=message,
        details=details,
    )


# -- replay ---------------------------------------------------------------------------------


def _replay(settings: Settings, chosen: list[Target], folder: Path, here: Path) -> FuzzReport:
    """Rerun saved reproducers: each is still a finding while the consumer still crashes."""
    from .reproducers import load_all

    by_name = {t.name: t for t in chosen}
    runners: dict[str, Runner] = {}
    contexts: dict[str, _Context] = {}
    findings: list[Finding] = []
    passing: list[str] = []
    cases = load_all(folder)
    try:
        for path, data in cases:
            target = by_name.get(path.parent.name)
            if target is None and len(chosen) == 1:
                target = chosen[0]
            if target is None:
                raise ConfigurationError(
                    "cannot tell which target this reproducer is for: keep it under "
                    "<target>/ or name one target",
                    str(path),
                )
            if target.name not in runners:
                contexts[target.name] = _context(settings, target, here)
                assert target.consumer is not None
                runners[target.name] = open_runner(
                    target.consumer, settings.root / ".configguard" / "tmp"
                )
            context = contexts[target.name]
            outcome = runners[target.name].run(data, suffix=context.suffix)
            if not outcome.crashed and context.oracle is not None:
                outcome = context.oracle(data, outcome) or outcome
            if outcome.crashed:
                findings.append(
                    _finding(
                        target,
                        context.spec,
                        context.is_valid(data),
                        outcome,
                        path,
                        here,
                        "replay",
                        (),
                        data,
                        "",
                        context.documents,
                    )
                )
            else:
                from ..discover import display_path

                passing.append(display_path(path, here))
    finally:
        for runner in runners.values():
            runner.close()
    return FuzzReport(
        Report.build(findings, len(cases)), replayed=len(cases), passing=tuple(passing)
    )
