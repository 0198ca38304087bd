"""Documentation that configguard prints: ``configguard explain ID``, the ``configguard
rules`` table of kinds and built-in finding ids, and a kind's argument list.

Every id configguard can emit is explainable: a rule of the project, a rule kind, or one
of the ids configguard emits itself (``findings.BUILTIN_FINDINGS``).
"""

from __future__ import annotations

import json
from pathlib import Path

from .errors import ConfigurationError
from .findings import BUILTIN_FINDINGS
from .kinds import Kind, available, get_kind
from .rules import RuleBook


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
    """``configguard rules``: every kind, its arguments and what it checks, then the ids
    configguard emits itself."""
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
    builtin = [name for name in BUILTIN_FINDINGS if name not in available()]
    id_width = max(len(name) for name in builtin)
    lines += ["", "Findings configguard emits itself (no rule needed):", ""]
    lines += [f"{name:<{id_width}}  {BUILTIN_FINDINGS[name]}" for name in builtin]
    return "\n".join(lines)


ON_OUTPUT = """\
on: output: the rule reads what the target's consumer makes of the file, not the file.

The consumer declares its output (output: return for a python: consumer, the return value
converted to JSON types; output: stdout or output: "{out}" for a command:). Every kind
works on it: size and shape kinds, cel, required, unique, and the change kinds, which then
compare the output of the previous version (--base, --base-path; the consumer is run on it
too) with the output of the proposed file. Findings say "on output of consumer:NAME",
carry the output's JSON Pointer, and are located in the file at line 1. Related ids:
consumer-output, consumer-previous, output-invariant (configguard fuzz)."""


def explain(name: str, book: RuleBook | None) -> str:
    """``configguard explain ID``: a rule's kind, arguments and why, then its kind's docs;
    a kind's docs; or what a finding id configguard emits itself means."""
    rule = book.find(name) if book else None
    if rule is not None:
        kind = get_kind(rule.kind)
        lines = [
            f"{rule.id}  ({rule.file}:{rule.line})",
            f"  kind:      {rule.kind}",
            f"  severity:  {rule.severity}",
        ]
        if rule.on == "output":
            lines.append("  on:        output (what its target's consumer makes of the file)")
        for key, value in rule.arguments.items():
            lines.append(f"  {key + ':':<10} {json.dumps(value, ensure_ascii=False)}")
        if rule.why:
            lines.append(f"  why:       {rule.why}")
        lines += ["", f"About the kind {kind.name}:", "", kind.doc()]
        if rule.on == "output":
            lines += ["", ON_OUTPUT]
        return "\n".join(lines)
    if name in ("on", "output", "on:output", "on-output"):
        return ON_OUTPUT
    if name in available():
        return get_kind(name).doc()
    if name in BUILTIN_FINDINGS:
        return f"{name}: {BUILTIN_FINDINGS[name]}"
    import difflib

    known = sorted(set(available()) | set(BUILTIN_FINDINGS) | set(book.ids if book else ()))
    hint = difflib.get_close_matches(name, known, n=1)
    suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
    raise ConfigurationError(
        f"no rule or kind called '{name}'{suggestion}; `configguard rules` lists the kinds"
    )


def explain_in_project(
    name: str, *, config: str | Path | None = None, cwd: str | Path | None = None
) -> str:
    """The text of ``configguard explain NAME``: a rule of the project (when a configuration
    is found) with its kind's documentation, or a kind's documentation."""
    from .api import resolve_settings
    from .discover import display_path
    from .settings import find_config

    here = Path(cwd) if cwd is not None else Path.cwd()
    book: RuleBook | None = None
    if config is not None or find_config(here.absolute()) is not None:
        settings = resolve_settings(config, None, here)
        book = RuleBook()
        for target in settings.targets:
            book.rules(target.rules, lambda p: display_path(p, here))
    return explain(name, book)
