"""The backtracking-pattern guard: a schema's ``pattern`` can never hang a run.

A ``pattern`` the linear-time engine (Rust's ``regex``) can run is left to it; one that
needs backtracking (lookaround, backreferences) is renamed to a guarded keyword in the
copy of the schema that is compiled, and runs under a limit of :data:`BACKTRACK_LIMIT`
steps per value. All such checks on one document share a time budget
(:data:`PATTERN_BUDGET` seconds); a pattern that gave up on :data:`MAX_GIVE_UPS` values
is not run again on that document. A value that exhausts the limit, and the values left
unchecked, are findings that name the pattern.
"""

from __future__ import annotations

import copy
import json
import time
from dataclasses import dataclass, field
from typing import Any

from ..findings import Hit
from .messages import short
from .walk import subschemas

BACKTRACK_LIMIT = 100_000
"""Backtracking steps one value may cost a pattern (about 2 ms; fancy-regex allows 1M)."""
PATTERN_BUDGET = 2.0
"""Seconds that backtracking patterns may spend on one document before checks stop."""
MAX_GIVE_UPS = 20
"""Values a pattern may give up on in one document before it is not run there again."""
GUARDED = "x-configguard-backtracking-pattern"
"""What a backtracking ``pattern`` is renamed to in the copy of a schema that is compiled."""

_MEMO_SECONDS = 1e-4
_MEMO_SIZE = 100_000


@dataclass
class PatternBudget:
    """Time spent by backtracking patterns on the document being validated.

    One per compiled schema: documents are validated one at a time, ``hits`` resets it.
    """

    patterns: int = 0
    """Guarded patterns in the compiled schema (0: the budget is never used)."""
    seconds: float = 0.0
    skipped: int = 0
    skipped_pattern: str = ""
    gave_up: dict[str, int] = field(default_factory=dict)
    """Pattern -> values it gave up on in this document."""
    seen: dict[tuple[str, str], str | None] = field(default_factory=dict)
    """(pattern, value) -> message, for values that failed or were slow to judge: a
    document repeating one string 10,000 times pays for it once."""

    def reset(self) -> None:
        self.seconds, self.skipped, self.skipped_pattern = 0.0, 0, ""
        self.seen.clear()
        self.gave_up.clear()

    def exhausted(self, pattern: str) -> bool:
        return self.seconds > PATTERN_BUDGET or self.gave_up.get(pattern, 0) >= MAX_GIVE_UPS

    def hits(self) -> list[Hit]:
        if not self.skipped:
            return []
        noun = "string was" if self.skipped == 1 else "strings were"
        pattern = self.skipped_pattern
        if self.gave_up.get(pattern, 0) >= MAX_GIVE_UPS:
            why = f"it gave up on {MAX_GIVE_UPS} values of this document already"
        else:
            why = f"backtracking patterns used up the {PATTERN_BUDGET:g}s budget of this document"
        return [
            Hit(
                "",
                f"{self.skipped} {noun} not checked against pattern "
                f"{short(json.dumps(pattern))}: {why} (rewrite the pattern without "
                "lookaround or backreferences, or without nested quantifiers)",
            )
        ]


_NATIVE: dict[str, bool] = {}
_SINGLE: dict[str, Any] = {}


def needs_backtracking(pattern: str) -> bool:
    """True when only the backtracking engine compiles ``pattern`` (lookaround, \\1...).

    A pattern no engine compiles is left alone: compiling the schema reports it.
    """
    import jsonschema_rs

    found = _NATIVE.get(pattern)
    if found is None:
        try:
            jsonschema_rs.validator_for(
                {"pattern": pattern}, pattern_options=jsonschema_rs.RegexOptions()
            )
            found = False
        except (jsonschema_rs.ValidationError, ValueError):
            try:
                _single(pattern)
                found = True
            except (jsonschema_rs.ValidationError, ValueError):
                found = False
        _NATIVE[pattern] = found
    return found


def _single(pattern: str) -> Any:
    """A validator of one backtracking pattern, with the same regex dialect as the schema's."""
    import jsonschema_rs

    validator = _SINGLE.get(pattern)
    if validator is None:
        validator = _SINGLE[pattern] = jsonschema_rs.validator_for(
            {"pattern": pattern},
            pattern_options=jsonschema_rs.FancyRegexOptions(backtrack_limit=BACKTRACK_LIMIT),
        )
    return validator


def guard_patterns(schema: Any) -> Any:
    """A copy of ``schema`` whose backtracking ``pattern`` keywords go to the guarded keyword
    (``schema`` itself when it has none)."""
    if not any(
        isinstance(node.get("pattern"), str) and needs_backtracking(node["pattern"])
        for node in subschemas(schema)
    ):
        return schema
    schema = copy.deepcopy(schema)
    for node in subschemas(schema):
        pattern = node.get("pattern")
        if isinstance(pattern, str) and needs_backtracking(pattern):
            node[GUARDED] = node.pop("pattern")
    return schema


def guarded_keyword(budget: PatternBudget) -> type:
    """The keyword class jsonschema-rs instantiates for each guarded pattern."""

    class GuardedPattern:
        def __init__(self, parent_schema: Any, value: Any, schema_path: Any) -> None:
            self.pattern = str(value)
            self.validator = _single(self.pattern)
            budget.patterns += 1

        def validate(self, instance: Any) -> None:
            if not isinstance(instance, str):
                return
            key = (self.pattern, instance)
            if key in budget.seen:
                message = budget.seen[key]
            elif budget.exhausted(self.pattern):
                budget.skipped += 1
                budget.skipped_pattern = budget.skipped_pattern or self.pattern
                message = None
            else:
                started = time.perf_counter()
                errors = list(self.validator.iter_errors(instance))
                spent = time.perf_counter() - started
                budget.seconds += spent
                message = _pattern_message(self.pattern, errors[0]) if errors else None
                if errors and type(errors[0].kind).__name__ == "BacktrackLimitExceeded":
                    budget.gave_up[self.pattern] = budget.gave_up.get(self.pattern, 0) + 1
                if (message is not None or spent > _MEMO_SECONDS) and len(budget.seen) < _MEMO_SIZE:
                    budget.seen[key] = message
            if message is not None:
                raise ValueError(message)

    return GuardedPattern


def _pattern_message(pattern: str, error: Any) -> str:
    if type(error.kind).__name__ == "BacktrackLimitExceeded":
        return (
            f"pattern {short(json.dumps(pattern))} gave up on this value after "
            f"{BACKTRACK_LIMIT:,} backtracking steps, so it is not checked: the schema's "
            "pattern is open to catastrophic backtracking (rewrite it without nested "
            "quantifiers, lookaround or backreferences)"
        )
    return str(error.message)
