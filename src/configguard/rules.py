"""Rule files: read, validate (file schema, then each kind's option schema), prepare, run.

Every mistake in a rules file is a ConfigurationError naming the file, line, column
and rule id (exit 2): configguard never runs half a rule set. Running a rule turns
its kind's Hits into located Findings through ``engine.stamp``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from .engine import stamp
from .errors import ConfigurationError
from .findings import Finding, Hit, Severity
from .kinds import Kind, Rule, RuleError, get_kind
from .load import Document

COMMON = ("id", "kind", "severity", "why")


def load_rules(path: Path, display: str) -> tuple[Rule, ...]:
    """The validated, prepared rules of one rules file."""
    from .load import load as load_file
    from .settings import own_schema, validate_against

    if path.is_dir():
        raise ConfigurationError("is a folder: name each rules file (rules/app.yaml)", display)
    if not path.is_file():
        raise ConfigurationError("rules file not found", display)
    loaded = load_file(path, display)
    for problem in loaded.problems:
        raise ConfigurationError(problem.message, display, problem.line, problem.column)
    if len(loaded.documents) != 1:
        raise ConfigurationError("a rules file holds one YAML document", display)
    document = loaded.documents[0]
    data = document.data if document.data is not None else {}
    try:
        validate_against(own_schema("rules.schema.json"), data, document, display)
    except ConfigurationError as exc:
        raise _with_rule_id(exc, data) from None
    rules: list[Rule] = []
    seen: dict[str, int] = {}
    for index, spec in enumerate(data["rules"]):
        at = f"/rules/{index}"
        rule = _rule(spec, document, display, at)
        if rule.id in seen:
            line, column = document.locate(at + "/id")
            raise ConfigurationError(
                f"rule '{rule.id}': duplicate id (first at line {seen[rule.id]})",
                display,
                line,
                column,
            )
        seen[rule.id] = rule.line
        rules.append(rule)
    return tuple(rules)


def _with_rule_id(exc: ConfigurationError, data: Any) -> ConfigurationError:
    """``rules.3.max: ...`` -> ``rule 'x.max-count': max: ...`` (users know rules by id)."""
    match = re.match(r"rules\.(\d+)(?:\.|: )", exc.message)
    if not match or not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        return exc
    index = int(match.group(1))
    spec = data["rules"][index] if index < len(data["rules"]) else None
    rule_id = spec.get("id") if isinstance(spec, dict) else None
    name = f"rule '{rule_id}'" if isinstance(rule_id, str) else f"rule {index + 1}"
    rest = exc.message[match.end() :]
    return ConfigurationError(f"{name}: {rest}", exc.file, exc.line, exc.column)


def _rule(spec: dict[str, Any], document: Document, display: str, at: str) -> Rule:
    from .settings import validate_against

    rule_id = spec["id"]
    try:
        kind = get_kind(spec["kind"])
    except ConfigurationError as exc:
        line, column = document.locate(at + "/kind")
        raise ConfigurationError(
            f"rule '{rule_id}': {exc.message}", display, line, column
        ) from None
    try:
        validate_against(kind.schema(), spec, document, display, at)
    except ConfigurationError as exc:
        raise ConfigurationError(
            f"rule '{rule_id}' ({kind.name}): {exc.message}", display, exc.line, exc.column
        ) from None
    except Exception as exc:  # a plugin whose option schema is not a valid JSON Schema
        line, column = document.locate(at)
        raise ConfigurationError(
            f"rule '{rule_id}': kind {kind.name} has an unusable option schema: {exc}",
            display,
            line,
            column,
        ) from None
    options = {k: v for k, v in spec.items() if k not in COMMON}
    for group in kind.one_of:
        given = [k for k in group if k in options]
        if len(given) != 1:
            line, column = document.locate(at)
            what = " or ".join(group)
            problem = "both" if given else "neither"
            raise ConfigurationError(
                f"rule '{rule_id}' ({kind.name}): give exactly one of {what} ({problem} given)",
                display,
                line,
                column,
            )
    try:
        prepared = kind.prepare(options)
    except RuleError as exc:
        line, column = document.locate(f"{at}/{exc.key}" if exc.key else at)
        raise ConfigurationError(
            f"rule '{rule_id}' ({kind.name}): {exc.message}", display, line, column
        ) from None
    except Exception as exc:  # a plugin's prepare that fails otherwise: still one line
        line, column = document.locate(at)
        raise ConfigurationError(
            f"rule '{rule_id}' ({kind.name}): {type(exc).__name__}: {exc}", display, line, column
        ) from None
    line, _ = document.locate(at)
    return Rule(
        id=rule_id,
        kind=kind.name,
        severity=Severity.parse(spec.get("severity", "error")),
        why=spec.get("why"),
        path=options.get("path", ""),
        options=options,
        prepared=prepared,
        file=display,
        line=line,
    )


@dataclass
class RuleBook:
    """Every rules file of a run, each read once; ids are unique across files."""

    _files: dict[Path, tuple[Rule, ...]] = field(default_factory=dict)
    _ids: dict[str, Rule] = field(default_factory=dict)

    def rules(self, paths: Iterable[Path], display: Any = str) -> tuple[Rule, ...]:
        out: list[Rule] = []
        for path in paths:
            key = path.absolute()
            if key not in self._files:
                rules = load_rules(path, display(path))
                for rule in rules:
                    other = self._ids.get(rule.id)
                    if other is not None:
                        raise ConfigurationError(
                            f"rule '{rule.id}': duplicate id (also in {other.file}:{other.line})",
                            rule.file,
                            rule.line,
                        )
                    self._ids[rule.id] = rule
                self._files[key] = rules
            out.extend(self._files[key])
        return tuple(out)

    def find(self, rule_id: str) -> Rule | None:
        return self._ids.get(rule_id)

    @property
    def ids(self) -> list[str]:
        return sorted(self._ids)


class RulePlan(NamedTuple):
    """The rules of a run by target, and how the report will screen findings (suppressions,
    --select/--ignore), so that an early decision (skip parsing) agrees with the report."""

    by_target: Mapping[str, tuple[Rule, ...]]
    screen: Callable[[list[Finding]], list[Finding]]

    def for_targets(self, targets: Iterable[Any]) -> list[Rule]:
        return [rule for t in targets for rule in self.by_target.get(t.name, ())]


# -- running -----------------------------------------------------------------------------
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


def size_findings(
    size: int, display: str, rules: Sequence[Rule], previous: int | None = None
) -> list[Finding]:
    """Findings of the kinds that judge a file by its size before it is parsed."""
    out: list[Finding] = []
    for rule in rules:
        kind = get_kind(rule.kind)
        if not kind.before_parse or (kind.change and previous is None):
            continue
        for hit in _guarded(kind, rule, display, lambda k, r: k.check_size(size, r, previous)):
            out.append(unparsed_finding(rule, display, hit))
    return out


def rule_findings(
    document: Document,
    rules: Sequence[Rule],
    previous: Document | None = None,
    summaries: Mapping[str, Any] | None = None,
) -> list[Finding]:
    """Every finding of ``rules`` on one document, sorted (deterministic for a given input).

    Change kinds stay silent without a previous version (a new file). ``summaries``: what
    each change rule (by id) kept of the previous version (see ``previous_summaries``),
    given instead of the previous document.
    """
    out: list[Finding] = []
    for rule in rules:
        kind = get_kind(rule.kind)
        old: Any = previous
        if kind.change and summaries is not None:
            old = summaries.get(rule.id)
        if kind.before_parse or kind.from_loader or (kind.change and old is None):
            continue
        hits = _guarded(
            kind, rule, document.source.display, lambda k, r, old=old: k.check(document, r, old)
        )
        out.extend(
            stamp(document, hit, rule.id, rule.kind, _severity(rule, hit), rule.why) for hit in hits
        )
    return sorted(out, key=Finding.sort_key)


def _severity(rule: Rule, hit: Hit) -> Severity:
    """The rule's severity, lowered to the hit's own cap when it has one."""
    return rule.severity if hit.severity is None else min(rule.severity, hit.severity)


def summarizable(rules: Sequence[Rule]) -> bool:
    """Whether every change rule keeps less than the previous document (and there is one)."""
    from .kinds import summarizes

    changes = [get_kind(r.kind) for r in rules if get_kind(r.kind).change]
    return bool(changes) and all(summarizes(k) for k in changes)


def previous_summaries(previous: Document, rules: Sequence[Rule]) -> dict[str, Any]:
    """rule id -> what that change rule keeps of ``previous`` (its ``summarize``)."""
    out: dict[str, Any] = {}
    for rule in rules:
        kind = get_kind(rule.kind)
        if kind.change:
            display = previous.source.display
            out[rule.id] = _guarded(kind, rule, display, lambda k, r: [k.summarize(previous, r)])[0]
    return out


def _guarded(kind: Kind, rule: Rule, display: str, call: Any) -> list[Any]:
    """Run a check; a kind that crashes is configguard failing (exit 2), not a finding."""
    try:
        return list(call(kind, rule))
    except ConfigurationError:
        raise
    except Exception as exc:
        raise ConfigurationError(
            f"rule '{rule.id}' (kind {rule.kind}) failed on {display}: {type(exc).__name__}: {exc}"
        ) from None


def loader_severity(findings: list[Finding], rules: Sequence[Rule]) -> list[Finding]:
    """Give the loader's duplicate-key findings the id, severity and why of a declared rule."""
    from dataclasses import replace

    declared = [r for r in rules if get_kind(r.kind).from_loader]
    if not declared:
        return findings
    out = []
    for finding in findings:
        rule = next((r for r in declared if r.kind == finding.kind), None)
        out.append(
            finding
            if rule is None
            else replace(finding, rule=rule.id, severity=rule.severity, why=rule.why)
        )
    return out


# -- documentation -----------------------------------------------------------------------
def arguments(kind: Kind) -> list[str]:
    """``name`` for required arguments, ``[name]`` for optional ones."""
    names = (["path"] if kind.uses_path else []) + list(kind.options)
    required = set(kind.required)
    groups = {k for g in kind.one_of for k in g}
    out = []
    for name in names:
        if name in groups:
            continue
        out.append(name if name in required else f"[{name}]")
    for group in kind.one_of:
        out.append(" | ".join(group))
    return out


def kinds_table() -> str:
    """``configguard rules``: every kind, its arguments and what it checks."""
    from .kinds import all_kinds

    rows = []
    for name, kind in all_kinds().items():
        tags = []
        if kind.change:
            tags.append("change")
        if kind.before_parse:
            tags.append("before parsing")
        if kind.from_loader:
            tags.append("on by default")
        tag = f" ({', '.join(tags)})" if tags else ""
        rows.append((name, " ".join(arguments(kind)) or "-", kind.summary() + tag))
    width = max(len(r[0]) for r in rows)
    args = max(len(r[1]) for r in rows)
    lines = [f"{'KIND':<{width}}  {'ARGUMENTS':<{args}}  FIRES WHEN"]
    lines += [f"{n:<{width}}  {a:<{args}}  {s}" for n, a, s in rows]
    lines.append("")
    lines.append(
        "Every rule also takes id, kind, severity (error|warning|info) and why. "
        "`configguard explain KIND` shows examples."
    )
    return "\n".join(lines)


BUILTIN_IDS = {
    "schema": "A value breaks the target's JSON Schema (kind schema).",
    "parse-error": "The file is not valid JSON, YAML or TOML, or cannot be read.",
    "suppression": "A suppression has no reason, or has expired (its `until:` date passed).",
}


def explain(name: str, book: RuleBook | None) -> str:
    """``configguard explain ID``: a rule's kind, arguments and why, then its kind's docs."""
    import json

    from .kinds import available

    rule = book.find(name) if book else None
    if rule is not None:
        kind = get_kind(rule.kind)
        lines = [
            f"{rule.id}  ({rule.file}:{rule.line})",
            f"  kind:      {rule.kind}",
            f"  severity:  {rule.severity}",
        ]
        for key, value in rule.arguments.items():
            lines.append(f"  {key + ':':<10} {json.dumps(value, ensure_ascii=False)}")
        if rule.why:
            lines.append(f"  why:       {rule.why}")
        lines += ["", f"About the kind {kind.name}:", "", kind.doc()]
        return "\n".join(lines)
    if name in available():
        return get_kind(name).doc()
    if name in BUILTIN_IDS:
        return f"{name}: {BUILTIN_IDS[name]}"
    import difflib

    known = sorted(set(available()) | set(BUILTIN_IDS) | set(book.ids if book else ()))
    hint = difflib.get_close_matches(name, known, n=1)
    suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
    raise ConfigurationError(
        f"no rule or kind called '{name}'{suggestion}; `configguard rules` lists the kinds"
    )
