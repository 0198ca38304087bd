"""forbidden: a value at ``path`` is one of ``values``, or a string matching ``pattern``.

For values a schema would have to list by exclusion: a debug log level in production,
a wildcard host, a known-bad feature name. ``values`` compares JSON values (``1``
equals ``1.0``); ``pattern`` is a Python regular expression searched anywhere in
string values (anchor it with ``^...$`` to match whole values). Give one of the two.
A pattern open to exponential backtracking (``^(a+)+$``) is refused when the rules are
read: Python's matcher cannot be stopped, and one hostile value would hang the check.

Arguments: ``path`` (JSON Pointer; ``*`` selects every key or index), ``values`` (list)
or ``pattern`` (regular expression).

Rule::

    id: hosts.no-wildcard
    kind: forbidden
    path: /hosts/*
    pattern: '^\\*'

PASS::

    hosts: [api.example.com, www.example.com]

FAIL::

    hosts: [api.example.com, "*.example.com"]
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from ..canonical import canonical
from . import Kind, Rule, RuleError, describe, parse_path, select

if TYPE_CHECKING:
    from ..findings import Hit
    from ..load import Document


class Forbidden(Kind):
    name = "forbidden"
    description = "A value must not be one of the forbidden values or match a pattern."
    options: ClassVar[dict[str, Any]] = {
        "values": {"type": "array", "minItems": 1, "description": "forbidden JSON values"},
        "pattern": {"type": "string", "description": "regular expression, searched"},
    }
    required = ("path",)
    one_of = (("values", "pattern"),)

    def prepare(
        self, options: Mapping[str, Any]
    ) -> tuple[list[str], set[str], re.Pattern[str] | None]:
        pattern = None
        if "pattern" in options:
            try:
                pattern = re.compile(options["pattern"])
            except re.error as exc:
                raise RuleError(f"pattern does not compile: {exc}", "pattern") from None
            _refuse_exponential(options["pattern"])
        values = {canonical(v) for v in options.get("values", ())}
        return parse_path(options["path"]), values, pattern

    def check(self, document: Document, rule: Rule, previous: Document | None) -> Iterator[Hit]:
        from ..findings import Hit

        tokens, values, pattern = rule.prepared
        for pointer, value in select(document.data, tokens):
            if values and canonical(value) in values:
                yield Hit(pointer, f"forbidden value {describe(value)}")
            elif pattern is not None and isinstance(value, str) and pattern.search(value):
                yield Hit(
                    pointer, f"{describe(value)} matches forbidden pattern {pattern.pattern!r}"
                )


def _refuse_exponential(pattern: str) -> None:
    """RuleError for a pattern a hostile value could make run for ever (see module doc).

    Polynomial patterns (``.*=.*``) pass: common in such rules, and bounded by the value's
    length, which a max-length rule can cap. Patterns too large to analyse pass too.
    """
    from ._redos import TooComplex, analyse

    try:
        verdict = analyse(pattern)
    except (TooComplex, RecursionError, re.error):
        return
    if verdict is not None and verdict.kind == "exponential":
        raise RuleError(
            f"pattern can backtrack catastrophically (exponential time on values such as "
            f"{verdict.example()}): one such value would hang the check; rewrite it without "
            "nested or overlapping repeats",
            "pattern",
        )
