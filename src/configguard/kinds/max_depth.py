"""max-depth: objects and arrays are nested more than ``max`` levels deep.

Deep nesting breaks recursive parsers and validators (stack overflow) and usually
means a generator went wrong. A scalar has depth 0, ``[1]`` depth 1, ``{"a": [1]}``
depth 2. The finding points at the first container (in document order) that is
one level too deep. With ``path``, depth is counted from the value at ``path``.

Arguments: ``max`` (integer), ``path`` (JSON Pointer, default the document).

Rule::

    id: config.max-depth
    kind: max-depth
    max: 2

PASS::

    server: {port: 8080}

FAIL::

    server: {tls: {cert: a.pem}}
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from ..locate import escape
from . import Kind, Rule, parse_path, select

if TYPE_CHECKING:
    from ..findings import Hit
    from ..load import Document


def too_deep(value: Any, limit: int, base: str) -> str | None:
    """Pointer of the first container at depth ``limit + 1`` below ``value``, or None."""
    stack: list[tuple[str, Any, int]] = [(base, value, 1)]
    while stack:
        pointer, node, depth = stack.pop()
        if not isinstance(node, (dict, list)):
            continue
        if depth > limit:
            return pointer
        items = (
            [(f"{pointer}/{escape(k)}", v) for k, v in node.items()]
            if isinstance(node, dict)
            else [(f"{pointer}/{i}", v) for i, v in enumerate(node)]
        )
        stack.extend((p, v, depth + 1) for p, v in reversed(items))
    return None


class MaxDepth(Kind):
    name = "max-depth"
    description = "The document must not nest deeper than a limit."
    options: ClassVar[dict[str, Any]] = {"max": {"type": "integer", "minimum": 0}}
    required = ("max",)

    def prepare(self, options: Mapping[str, Any]) -> list[str]:
        return parse_path(options.get("path", ""))

    def check(self, document: Document, rule: Rule, previous: Document | None) -> Iterator[Hit]:
        from ..findings import Hit

        limit = int(rule.options["max"])
        for pointer, value in select(document.data, rule.prepared):
            deep = too_deep(value, limit, pointer)
            if deep is not None:
                yield Hit(deep, f"nested deeper than {limit} levels")
