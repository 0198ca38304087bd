"""cel: a Common Expression Language assertion is false.

For invariants that relate several values, which a schema cannot say: weights that
sum to 1, a limit below another, every name unique after lower-casing. The value at
``path`` (default: the whole document) is bound to ``self``, as in Kubernetes
``x-kubernetes-validations`` rules; with ``*`` in ``path`` the expression is evaluated
once per selected value. An expression that is not valid CEL is a rule-file error
(exit 2, with its line); one that fails to evaluate on a document (a missing field,
a division by zero) or is not a boolean is a finding. ``message`` replaces the
default message. Evaluated with cel-python, a pure-Python CEL implementation: about
0.13 ms per evaluation here, so an expression evaluated for each of 100,000 items
takes some 13 s; for size and uniqueness limits on long lists use the dedicated kinds.

Arguments: ``expr`` (CEL), ``path`` (JSON Pointer, default the document),
``message`` (optional string).

Rule::

    id: limits.burst-above-rate
    kind: cel
    path: /limits/*
    expr: self.burst >= self.rate
    message: burst must be at least the rate

PASS::

    limits:
      api: {rate: 10, burst: 20}

FAIL::

    limits:
      api: {rate: 10, burst: 5}
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from . import Kind, Rule, RuleError, describe, parse_path, select

if TYPE_CHECKING:
    from ..findings import Hit
    from ..load import Document


class Cel(Kind):
    name = "cel"
    description = "A CEL assertion about the value must hold."
    options: ClassVar[dict[str, Any]] = {
        "expr": {"type": "string", "minLength": 1, "description": "CEL; self is the value"},
        "message": {"type": "string", "description": "message shown when expr is false"},
    }
    required = ("expr",)

    def prepare(self, options: Mapping[str, Any]) -> tuple[list[str], Any]:
        import logging

        import celpy
        from celpy.celparser import CELParseError

        logging.getLogger("celpy").setLevel(logging.CRITICAL)
        env = celpy.Environment()
        try:
            ast = env.compile(options["expr"])
        except CELParseError as exc:
            text = str(exc.args[0]) if exc.args else str(exc)
            first = text.strip().splitlines()[0] if text.strip() else "syntax error"
            column = getattr(exc, "column", None) or 0
            raise RuleError(
                f"expr is not valid CEL (column {column}): {first}", "expr", column
            ) from None
        except Exception as exc:  # cel-python raises various errors for bad input
            raise RuleError(f"expr is not valid CEL: {exc}", "expr") from None
        return parse_path(options.get("path", "")), env.program(ast)

    def check(self, document: Document, rule: Rule, previous: Document | None) -> Iterator[Hit]:
        from celpy import celtypes
        from celpy.adapter import json_to_cel
        from celpy.evaluation import CELEvalError

        from ..findings import Hit

        tokens, program = rule.prepared
        expr = rule.options["expr"]
        for pointer, value in select(document.data, tokens):
            try:
                result = program.evaluate({"self": json_to_cel(value)})
            except Exception as exc:  # CELEvalError, and anything cel-python lets through
                reason = exc.args[0] if isinstance(exc, CELEvalError) and exc.args else exc
                yield Hit(pointer, f"CEL {expr!r} could not be evaluated: {reason}")
                continue
            if isinstance(result, CELEvalError):
                reason = result.args[0] if result.args else result
                yield Hit(pointer, f"CEL {expr!r} could not be evaluated: {reason}")
            elif not isinstance(result, celtypes.BoolType):
                yield Hit(pointer, f"CEL {expr!r} gave {describe(str(result))}, not a boolean")
            elif not bool(result):
                yield Hit(pointer, rule.options.get("message") or f"CEL {expr!r} is false")
