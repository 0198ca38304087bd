"""What a consumer makes of a file (``output:``), for rules ``on: output``.

A file diff can look small and valid while the output diff is the outage (a route
compiler that withdraws a prefix everywhere, a selector that matches nothing): rules
``on: output`` read the consumer's output of the proposed file, and change rules compare
it with the output of the previous version. The proposed file's output comes from the
smoke run (no second run); the previous version's from one more run of the same worker,
only when a change rule on output or the change summary needs it, so a check costs at most
one consumer run per version per file.

Output documents carry a Source named like the config file whose positions are all line
1, column 1: the engine's findings on them land in the file at the consumer's root.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from .errors import ConfigurationError
from .findings import Hit, OutputChange, Severity
from .kinds import Rule, get_kind
from .load import Document, Loaded, Source
from .locate import PositionIndex

if TYPE_CHECKING:
    from .consumers import ConsumerSpec, Outcome
    from .discover import Claimed
    from .pool import RunnerPool
    from .previous import PreviousVersion
    from .settings import Target

Runs = dict[str, list[tuple[Document, "Outcome"]]]
"""Target name -> each document of the proposed file and its consumer's outcome."""


class OutputSource(Source):
    """A consumer's output under the config file's name: every pointer is at line 1, and
    the line shown is the config file's first line (where the consumer reads from)."""

    def __init__(self, file: Source | None, display: str) -> None:
        path = file.path if file is not None else Path(display)
        super().__init__(path, display, "json", 0, "")
        self._file = file

    def positions(self, document: int) -> PositionIndex:
        return PositionIndex()

    def line_text(self, line: int) -> str | None:
        return self._file.line_text(line) if self._file is not None else None


class OutputCheck(NamedTuple):
    """One document's output to check: the rules on it, and the previous output (None for
    a new file, or when the previous version has none: its change rules stay silent)."""

    document: Document
    previous: Document | None
    rules: tuple[Rule, ...]
    prefix: str
    """``on output of consumer:NAME: ``, put before every message."""


class Outputs(NamedTuple):
    checks: list[OutputCheck]
    hits: list[tuple[Document, Hit, str, Severity]]
    """Built-in findings (``consumer-output``, ``consumer-previous``), for the engine to stamp."""
    changes: dict[int, list[OutputChange]]
    """Document index -> what changed in its outputs (when the change summary is asked)."""


def output_rules(target: Target, rules: Sequence[Rule]) -> tuple[Rule, ...]:
    """The rules of ``target`` that read its consumer's output."""
    return tuple(r for r in rules if r.on == "output")


def needs_previous(target: Target, rules: Sequence[Rule], summarize: bool) -> bool:
    """Whether the previous version's output is wanted: change rules on output, or the
    change summary of a consumer that declares an output."""
    spec = target.consumer
    if spec is None or spec.output is None:
        return False
    return summarize or any(get_kind(r.kind).change for r in output_rules(target, rules))


def outputs(
    claimed: Claimed,
    loaded: Loaded,
    previous: PreviousVersion | None,
    pool: RunnerPool,
    runs: Runs,
    rules_of: Callable[[Target], Sequence[Rule]],
    summarize: bool,
) -> Outputs:
    """The output checks, built-in findings and output changes of every claiming target
    whose consumer declares ``output:``. ``rules_of(target)`` gives a target's rules."""
    result = Outputs([], [], {})
    for target in claimed.targets:
        spec = target.consumer
        if spec is None or spec.output is None or target.name not in runs:
            continue
        rules = output_rules(target, rules_of(target))
        prefix = f"on output of consumer:{spec.name}: "
        want_previous = needs_previous(target, rules_of(target), summarize)
        for document, outcome in runs[target.name]:
            if outcome.status != "accepted":
                continue  # the crash or refusal is the finding already
            current = _output(outcome, spec, claimed, document, prefix, result, Severity.ERROR)
            if current is None:
                continue
            old: Document | None = None
            old_why = ""
            if want_previous and previous is not None and previous.loaded is not None:
                old, old_why = _previous_output(spec, pool, previous.loaded, document, outcome)
                if old_why:
                    hit = Hit("", f"{prefix}{old_why}; change rules on its output are not checked")
                    result.hits.append((document, hit, "consumer-previous", Severity.INFO))
            result.checks.append(OutputCheck(current, old, rules, prefix))
            if summarize:
                from .summary import compare_lists

                change = OutputChange(
                    spec.name,
                    json_size(old.data) if old is not None else None,
                    json_size(current.data),
                    compare_lists(old.data if old is not None else None, current.data),
                    old_why,
                )
                result.changes.setdefault(document.index or 0, []).append(change)
    return result


def _output(
    outcome: Outcome,
    spec: ConsumerSpec,
    claimed: Claimed,
    document: Document,
    prefix: str,
    result: Outputs,
    severity: Severity,
) -> Document | None:
    """The output Document of an accepted run, or None with a ``consumer-output`` finding
    (over the limit, not JSON/YAML, no ``{out}`` file). A return value with no JSON form is
    the consumer's integration that is wrong, not the file: a ConfigurationError (exit 2)."""
    if outcome.output_error_kind == "type":
        raise ConfigurationError(
            f"consumer {spec.name} (output: return) returned a value with no JSON form: "
            f"{outcome.output_error}; return mappings, lists, sets, strings, numbers, "
            "booleans, None, dataclasses, named tuples or enums",
            claimed.display,
            1,
            1,
        )
    if outcome.output_error_kind:
        from .units import format_size

        what = outcome.output_error
        if outcome.output_error_kind == "size":
            what = f"over the limit ({what}; output_limit {format_size(spec.output_limit)})"
        hit = Hit("", f"{prefix}output {what}; rules on output are not checked")
        result.hits.append((document, hit, "consumer-output", severity))
        return None
    return Document(
        OutputSource(document.source, document.source.display), outcome.output, document.index
    )


def _previous_output(
    spec: ConsumerSpec, pool: RunnerPool, previous: Loaded, document: Document, now: Outcome
) -> tuple[Document | None, str]:
    """The previous version's output for ``document`` (one more run of the same worker), or
    why there is none (the previous version crashes, is refused, or gives no output)."""
    index = document.index or 0
    if index >= len(previous.documents):
        return None, ""
    old = previous.documents[index]
    label = old.source.display
    if old.data is document.data:  # same bytes: the proposed run's output is the previous one
        outcome = now
    elif spec.python is not None:
        outcome = pool.get(spec).run(old.data)
    elif index > 0:
        return None, ""  # a command reads a whole file: its output belongs to document 0
    else:
        outcome = _run_command(spec, pool, old.source)
    if outcome.crashed:
        return None, f"the previous version ({label}) crashes: {outcome.summary()}"
    if outcome.status == "rejected":
        return None, f"the previous version ({label}) is refused: {outcome.summary()}"
    if outcome.output_error_kind:
        return (
            None,
            f"the previous version ({label}) gives no usable output: {outcome.output_error}",
        )
    return Document(OutputSource(old.source, label), outcome.output, document.index), ""


def invariant_hits(rules: Sequence[Rule], data: Any, display: str) -> list[tuple[Rule, Hit]]:
    """What the rules on output that are not change rules say of one output (``fuzz``'s
    oracle: a schema-valid input whose output breaks one is an ``output-invariant``)."""
    from .kinds import guarded

    document = Document(OutputSource(None, display), data)
    out: list[tuple[Rule, Hit]] = []
    for rule in rules:
        kind = get_kind(rule.kind)
        if rule.on != "output" or kind.change or kind.from_loader:
            continue
        if kind.before_parse:
            hits = guarded(rule, display, kind.check_size, json_size(data), rule, None)
        else:
            hits = guarded(rule, display, kind.check, document, rule, None)
        out += [(rule, hit) for hit in hits]
    return out


def _run_command(spec: ConsumerSpec, pool: RunnerPool, source: Source) -> Outcome:
    """A command on the previous version's bytes: on stdin, or (``{file}``) as a file in a
    private temporary folder with the file's name, never next to the config."""
    raw = source.text.encode("utf-8")
    if not spec.uses_file:
        return pool.get(spec).run(None, raw=raw, suffix=source.path.suffix or ".json")
    import shutil
    import tempfile

    folder = tempfile.mkdtemp(prefix="configguard-previous-")
    try:
        path = Path(folder) / (source.path.name or "previous")
        path.write_bytes(raw)
        return pool.get(spec).run(None, path=path)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def json_size(data: Any) -> int:
    """The output's size as compact JSON bytes (what ``max-bytes`` on output judges)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=True)
    return len(text.encode("utf-8", "surrogatepass"))
