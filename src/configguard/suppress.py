"""Suppressions: inline ``# configguard: ignore[rule-id] reason`` comments and the ``ignore:``
list of the project configuration (with an optional ``until:`` date).

A suppression must say why: one without a reason still works but is itself a warning,
and a configuration entry whose ``until`` date has passed stops working and says so.
Suppressions match a finding's rule id or kind, with shell-style wildcards.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from fnmatch import fnmatchcase
from typing import Any, NamedTuple

from .errors import ConfigurationError
from .findings import Finding, Severity

RULE = "suppression"
_DIRECTIVE = r"#\s*configguard:\s*ignore\[([^\]]*)\](.*)$"
"""Compiled on first use (re caches it): most files have no finding to suppress."""
_UNSUPPRESSIBLE = {"parse-error"}


def matches(finding: Finding, patterns: Iterable[str]) -> bool:
    """Whether a pattern (rule id or kind, ``*`` wildcards) names the finding."""
    return any(fnmatchcase(finding.rule, p) or fnmatchcase(finding.kind, p) for p in patterns)


def _warning(file: str, line: int, column: int, message: str, source: str | None = None) -> Finding:
    return Finding(
        rule=RULE,
        kind=RULE,
        severity=Severity.WARNING,
        file=file,
        path="",
        line=line,
        column=column,
        message=message,
        source_line=source,
    )


# -- inline ------------------------------------------------------------------------------
class Directive(NamedTuple):
    line: int
    column: int
    rules: tuple[str, ...]
    reason: str
    applies_to: int
    """The line it covers: its own line, or the next one for a comment on a line of its own."""


def directives(text: str) -> list[Directive]:
    """Every ``# configguard: ignore[...]`` comment in a file's text."""
    if "configguard:" not in text:
        return []
    directive = re.compile(_DIRECTIVE)
    out = []
    for number, line in enumerate(text.splitlines(), start=1):
        match = directive.search(line)
        if not match:
            continue
        rules = tuple(r.strip() for r in match.group(1).split(",") if r.strip())
        reason = match.group(2).strip().lstrip(":-\u2013\u2014").strip()
        own_line = line[: match.start()].strip() in ("", "#")
        out.append(
            Directive(number, match.start() + 1, rules, reason, number + 1 if own_line else number)
        )
    return out


def apply_inline(findings: list[Finding], text: str | None) -> list[Finding]:
    """Drop the findings an inline directive covers; warn about directives without reason."""
    if not text or not findings:
        return findings
    found = directives(text)
    if not found:
        return findings
    by_line: dict[int, list[Directive]] = {}
    for d in found:
        by_line.setdefault(d.applies_to, []).append(d)
    kept: list[Finding] = []
    used: set[Directive] = set()
    for finding in findings:
        covering = [
            d
            for d in by_line.get(finding.line, [])
            if finding.kind not in _UNSUPPRESSIBLE and matches(finding, d.rules)
        ]
        if covering:
            used.update(covering)
        else:
            kept.append(finding)
    file = findings[0].file
    lines = text.splitlines()
    for d in sorted(used, key=lambda d: d.line):
        if not d.reason:
            kept.append(
                _warning(
                    file,
                    d.line,
                    d.column,
                    f"suppression of {', '.join(d.rules)} without a reason: say why after "
                    "ignore[...]",
                    lines[d.line - 1] if d.line <= len(lines) else None,
                )
            )
    return kept


# -- the configuration's ignore list ----------------------------------------------------
class Ignore(NamedTuple):
    """One entry of the configuration's ``ignore:`` list."""

    rules: tuple[str, ...]
    files: tuple[str, ...] = ()
    reason: str = ""
    until: dt.date | None = None
    line: int = 0
    column: int = 0


def parse_ignores(
    entries: Sequence[dict[str, Any]], document: Any, display: str, prefix: str = ""
) -> tuple[Ignore, ...]:
    """Typed ``ignore:`` entries; a bad ``until`` date is a ConfigurationError with its line."""
    out = []
    for index, entry in enumerate(entries):
        at = f"{prefix}/ignore/{index}"
        until = entry.get("until")
        if until is not None and not isinstance(until, dt.date):
            try:
                until = dt.date.fromisoformat(str(until))
            except ValueError:
                line, column = document.locate(at + "/until")
                raise ConfigurationError(
                    f"ignore.{index}.until: {until!r} is not a date (write YYYY-MM-DD)",
                    display,
                    line,
                    column,
                ) from None
        if isinstance(until, dt.datetime):
            until = until.date()
        rule = entry["rule"]
        files = entry.get("files", ())
        line, column = document.locate(at)
        out.append(
            Ignore(
                rules=(rule,) if isinstance(rule, str) else tuple(rule),
                files=(files,) if isinstance(files, str) else tuple(files),
                reason=str(entry.get("reason") or "").strip(),
                until=until,
                line=line,
                column=column,
            )
        )
    return tuple(out)


def apply_config(
    findings: list[Finding],
    ignores: Sequence[Ignore],
    config_display: str,
    relative: Any,
    today: dt.date | None = None,
) -> list[Finding]:
    """Drop findings an ``ignore:`` entry covers; warn about expired and reasonless entries.

    ``relative(finding)`` gives the finding's file relative to the configuration's folder,
    which is what the entry's ``files`` globs are written against.
    """
    if not ignores:
        return findings
    import pathspec

    today = today or dt.date.today()
    kept = list(findings)
    extra: list[Finding] = []
    for entry in ignores:
        what = ", ".join(entry.rules)
        if entry.until is not None and entry.until < today:
            extra.append(
                _warning(
                    config_display,
                    entry.line,
                    entry.column,
                    f"suppression of {what} expired on {entry.until.isoformat()} and no longer "
                    "applies: fix the findings, or renew the date with a reason",
                )
            )
            continue
        if not entry.reason:
            extra.append(
                _warning(
                    config_display,
                    entry.line,
                    entry.column,
                    f"suppression of {what} without a reason: add reason: to the ignore entry",
                )
            )
        spec = pathspec.GitIgnoreSpec.from_lines(entry.files) if entry.files else None
        kept = [
            f
            for f in kept
            if f.kind in _UNSUPPRESSIBLE
            or not matches(f, entry.rules)
            or (spec is not None and not spec.match_file(relative(f)))
        ]
    return kept + extra


def select(findings: list[Finding], chosen: Sequence[str], ignored: Sequence[str]) -> list[Finding]:
    """``--select`` / ``--ignore`` by rule id or kind (wildcards allowed); parse errors stay."""
    out = []
    for f in findings:
        if f.kind in _UNSUPPRESSIBLE:
            out.append(f)
        elif (chosen and not matches(f, chosen)) or (ignored and matches(f, ignored)):
            continue
        else:
            out.append(f)
    return out


def wanted(rule: str, kind: str, chosen: Sequence[str], ignored: Sequence[str]) -> bool:
    """Whether ``--select``/``--ignore`` leave a rule to run at all."""
    probe = Finding(rule, kind, Severity.ERROR, "", "", 0, 0, "")
    return bool(select([probe], chosen, ignored))


def split_patterns(values: Iterable[str]) -> tuple[str, ...]:
    """``--select a,b --select c`` -> ("a", "b", "c")."""
    return tuple(p.strip() for v in values for p in v.split(",") if p.strip())
