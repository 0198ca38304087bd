"""Rule files: read, validate (file schema, then each kind's option schema) and prepare.

Every mistake in a rules file is a ConfigurationError naming the file, line, column
and rule id (exit 2): configguard never runs half a rule set. The engine runs them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from .errors import ConfigurationError
from .findings import Finding, Severity
from .kinds import Rule, RuleError, get_kind
from .load import Document

COMMON = ("id", "kind", "severity", "why", "on")


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
    default = getattr(kind, "default_severity", "error")  # novel-values warns
    return Rule(
        id=rule_id,
        kind=kind.name,
        severity=Severity.parse(spec.get("severity", default)),
        why=spec.get("why"),
        path=options.get("path", ""),
        options=options,
        prepared=prepared,
        file=display,
        line=line,
        on=spec.get("on", "file"),
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
