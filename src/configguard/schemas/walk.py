"""Walking a schema document: every subschema in it, and local ``$ref`` targets.

Shared by everything that reads schemas as data (draft adjustments, the pattern guard,
configguard's own configuration messages, the fuzzer's strategies), so that "where can a
subschema stand" is answered once.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

# Where a subschema can stand, in any draft: a property *named* "const" (a key of
# "properties") or a "const" key inside enum/default data is never taken for a keyword.
SUBSCHEMA_KEYS = (
    "additionalItems",
    "additionalProperties",
    "not",
    "items",
    "contains",
    "propertyNames",
    "if",
    "then",
    "else",
    "unevaluatedItems",
    "unevaluatedProperties",
    "contentSchema",
)
SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "items", "prefixItems")
SUBSCHEMA_MAPS = (
    "properties",
    "patternProperties",
    "definitions",
    "$defs",
    "dependencies",
    "dependentSchemas",
)


def subschemas(schema: Any) -> Iterator[dict[str, Any]]:
    """Every object schema in ``schema`` (itself included), parents before children.

    Boolean schemas and non-schema data (``enum`` values, ``default``) are not yielded.
    """
    stack = [schema]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            continue
        yield node
        for key in SUBSCHEMA_KEYS:
            stack.append(node.get(key))
        for key in SUBSCHEMA_LISTS:
            if isinstance(node.get(key), list):
                stack.extend(node[key])
        for key in SUBSCHEMA_MAPS:
            if isinstance(node.get(key), dict):
                stack.extend(node[key].values())


def resolve_local(root: Any, ref: str) -> Any:
    """The value a local ``$ref`` (``#/definitions/x``, ``#``) names inside ``root``.

    Pointer escapes (``~0``, ``~1``) and array indices are honoured. Raises LookupError
    (KeyError) when ``ref`` is not local (another document) or names nothing in ``root``.
    """
    if not ref.startswith("#"):
        raise KeyError(ref)
    node = root
    for raw in ref[1:].strip("/").split("/"):
        if not raw:
            continue
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isascii() and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise KeyError(ref)
    return node


def follow_local(root: Any, node: Any, limit: int = 16) -> Any:
    """``node`` with local ``$ref``s followed (at most ``limit`` hops) to the schema that
    says what a value is; a reference to another document, or a dangling one, stops there."""
    for _ in range(limit):
        ref = node.get("$ref") if isinstance(node, dict) else None
        if not isinstance(ref, str):
            break
        try:
            node = resolve_local(root, ref)
        except LookupError:
            break
    return node
