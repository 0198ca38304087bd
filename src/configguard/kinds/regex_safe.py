"""regex-safe: a string at ``path`` is a regex that fails to compile or can backtrack badly.

A WAF rule, a routing pattern or a log filter shipped as configuration runs on every
request. Cloudflare's 2 July 2019 outage was one such rule: ``.*(?:.*=.*)`` takes
cubic time on a long input without ``=``, and pinned every CPU. This kind parses each
string as a Python regular expression and reports patterns that do not compile, and
patterns whose matching time can grow exponentially (``(a+)+$``) or polynomially
(``.*.*=``) with the input, with an input that shows it.

The analysis is configguard's own (no maintained analyser on PyPI finds the 2019
pattern): the NFA ambiguity method of Weideman et al. (2016), explained in
``configguard/kinds/_redos.py``. Flags (``(?i)``, ``(?s)``, ``(?a)``, scoped
``(?i:...)``) are honoured, and case folding is Python's own. Its approximations all lean
towards reporting (a bounded repeat such as ``.{1,10}`` counts as unbounded).

The analysis of one pattern has a budget of work (counted in steps, not timed, so the
verdict does not depend on the machine's load; about a second at most). A pattern it
cannot finish within it, or one too large or nested too deeply, is an **info** finding
"too complex to analyse", whatever the rule's severity: configguard could not tell, which
must neither block the change nor pass in silence. A pattern Python's ``re`` does not
compile is a finding of the rule's severity.

Arguments: ``path`` (JSON Pointer; ``*`` selects every key or index), ``polynomial``
(boolean, default true: also report polynomial backtracking).

Rule::

    id: waf.safe-patterns
    kind: regex-safe
    path: /rules/*/expression

PASS::

    rules:
      - expression: '^/api/v[0-9]+/'

FAIL::

    rules:
      - expression: '.*(?:.*=.*)'
      - expression: '(unclosed'
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from ..findings import Severity
from . import Kind, Rule, describe, parse_path, select

if TYPE_CHECKING:
    from ..findings import Hit
    from ..load import Document


class RegexSafe(Kind):
    name = "regex-safe"
    description = "A regular expression must compile and not backtrack catastrophically."
    options: ClassVar[dict[str, Any]] = {
        "polynomial": {
            "type": "boolean",
            "description": "also report polynomial (not only exponential) backtracking",
        }
    }
    required = ("path",)

    def prepare(self, options: Mapping[str, Any]) -> list[str]:
        return parse_path(options["path"])

    def check(self, document: Document, rule: Rule, previous: Document | None) -> Iterator[Hit]:
        from ..findings import Hit
        from ._redos import TooComplex, analyse

        polynomial = bool(rule.options.get("polynomial", True))
        cache: dict[str, tuple[str, Severity | None] | None] = {}
        for pointer, value in select(document.data, rule.prepared):
            if not isinstance(value, str):
                continue
            if value not in cache:
                cache[value] = _judge(value, polynomial, analyse, TooComplex)
            verdict = cache[value]
            if verdict is not None:
                yield Hit(pointer, verdict[0], severity=verdict[1])


def _judge(
    pattern: str, polynomial: bool, analyse: Any, too_complex: type[Exception]
) -> tuple[str, Severity | None] | None:
    """The message for ``pattern`` and its severity cap (None: the rule's), or None if safe.

    A pattern the analysis gives up on is an info finding: configguard could not tell,
    which must neither block the change (an error) nor pass in silence.
    """
    try:
        verdict = analyse(pattern)
    except re.error as exc:
        where = f" at position {exc.pos}" if exc.pos is not None else ""
        return f"regex {describe(pattern)} does not compile: {exc.msg}{where}", None
    except OverflowError as exc:  # a repeat count beyond what re allows
        return f"regex {describe(pattern)} does not compile: {exc}", None
    except too_complex as exc:
        return (
            f"regex {describe(pattern)} is too complex to analyse for backtracking ({exc})",
            Severity.INFO,
        )
    except RecursionError:
        return f"regex {describe(pattern)} is nested too deeply to analyse", Severity.INFO
    if verdict is None or (verdict.kind == "polynomial" and not polynomial):
        return None
    return (
        f"regex {describe(pattern)} can backtrack catastrophically: {verdict.kind} time "
        f"on inputs such as {verdict.example()}"
    ), None
