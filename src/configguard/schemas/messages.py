"""Schema errors as messages: the one error worth showing first (best match) and its text.

Used for user files (:func:`hit`) and for configguard's own configuration files
(``settings.py``), so both read the same.
"""

from __future__ import annotations

import json
from typing import Any

from ..canonical import canonical
from ..findings import Hit
from ..locate import join

MAX_MESSAGE = 400


def short(message: str) -> str:
    """The first line of ``message``, at most :data:`MAX_MESSAGE` characters."""
    message = message.split("\n", 1)[0]
    return message if len(message) <= MAX_MESSAGE else message[: MAX_MESSAGE - 1] + "…"


def _branch_errors(error: Any) -> list[list[Any]] | None:
    if type(error.kind).__name__ in ("AnyOf", "OneOfNotValid"):
        context = getattr(error.kind, "context", None)
        if context:
            return [list(branch) for branch in context]
    return None


def best(error: Any) -> tuple[Any, list[Any]]:
    """The error to show for an anyOf/oneOf failure, and the others (jsonschema's best_match idea).

    Branches told apart by a discriminator (``kind: secret`` vs ``kind: pipeline``, a
    ``const`` on a property of the object) come first: a branch whose ``const`` on a
    property failed is one the value never meant. Then a branch that failed only because
    the value had the wrong type at the same place is the least telling; among the rest,
    prefer the branch whose errors go deepest, then the one with fewest errors.
    """
    branches = _branch_errors(error)
    if not branches:
        return error, []
    depth = len(error.instance_path)

    def score(branch: list[Any]) -> tuple[bool, bool, int, int]:
        discriminated = any(
            type(e.kind).__name__ == "Constant" and len(e.instance_path) == depth + 1
            for e in branch
        )
        shallow_type = all(
            type(e.kind).__name__ == "Type" and len(e.instance_path) == depth for e in branch
        )
        deepest = max(len(e.instance_path) for e in branch)
        return (not discriminated, not shallow_type, deepest, -len(branch))

    ranked = sorted((b for b in branches if b), key=score, reverse=True)
    if not ranked:
        return error, []
    chosen = ranked[0][0]
    found, nested = best(chosen)
    others = [e for e in ranked[0][1:]] + [e for b in ranked[1:] for e in b]
    return found, [error, *nested, *others]


_COUNTED = {
    "MaxItems": ("items", "at most {} allowed"),
    "MinItems": ("items", "at least {} required"),
    "MaxProperties": ("properties", "at most {} allowed"),
    "MinProperties": ("properties", "at least {} required"),
    "MaxLength": ("characters", "at most {} allowed"),
    "MinLength": ("characters", "at least {} required"),
}


def pointer_of(error: Any, data: Any) -> str:
    """Where to point: the second copy of a repeated item, else the failing value."""
    pointer = instance_pointer(error, data)
    if type(error.kind).__name__ == "UniqueItems" and isinstance(error.instance, list):
        second = _first_duplicate(error.instance)[1]
        if second >= 0:
            return f"{pointer}/{second}"
    return pointer


def message_text(error: Any) -> str:
    """jsonschema-rs's message, without the whole instance where a count says it better."""
    name = type(error.kind).__name__
    if name in _COUNTED:
        unit, limit = _COUNTED[name]
        count = len(error.instance)
        singular = unit[:-1] if count == 1 and unit != "properties" else unit
        if count == 1 and unit == "properties":
            singular = "property"
        return f"{count} {singular}, {limit.format(error.kind.limit)}"
    if name == "UniqueItems" and isinstance(error.instance, list):
        first, second = _first_duplicate(error.instance)
        if second >= 0:
            copy = short(json.dumps(error.instance[second]))
            return f"items {first} and {second} are equal ({copy}); items must be unique"
    return short(error.message)


def _first_duplicate(items: list[Any]) -> tuple[int, int]:
    """Indices of the first repeated item, by hashing canonical JSON (never pairwise)."""
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        key = canonical(item)
        if key in seen:
            return seen[key], i
        seen[key] = i
    return -1, -1


def instance_pointer(error: Any, data: Any) -> str:
    """The pointer of the failing value. jsonschema-rs leaves empty-string keys out of
    ``instance_path`` (``{"": 1}`` fails at ``[]``, as if at the root): when the path
    passes an object that has a "" key, the steps through "" keys are put back by walking
    ``data`` to the value that equals ``error.instance`` (the path as given first)."""
    path = list(error.instance_path)
    stack: list[tuple[Any, int, tuple[Any, ...]]] = [(data, 0, ())]
    visits = 0
    while stack and visits < 10_000:
        node, i, steps = stack.pop()
        visits += 1
        if i == len(path) and node == error.instance:
            return join(steps)
        if isinstance(node, dict) and "" in node:  # pushed first, so tried last
            stack.append((node[""], i, (*steps, "")))
        token = path[i] if i < len(path) else None
        key = isinstance(node, dict) and isinstance(token, str) and token in node
        index = isinstance(node, list) and isinstance(token, int) and 0 <= token < len(node)
        if key or index:
            stack.append((node[token], i + 1, (*steps, token)))
    return join(path)


def hit(error: Any, data: Any) -> Hit:
    """One jsonschema-rs error as a Hit: the best match located, the rest as details."""
    found, others = best(error)
    pointer = pointer_of(found, data)
    at_key = False
    kind = found.kind
    if type(kind).__name__ == "AdditionalProperties":
        unexpected = getattr(kind, "unexpected", None)
        if unexpected:
            pointer = pointer + "/" + str(unexpected[0]).replace("~", "~0").replace("/", "~1")
            at_key = True
    details = tuple(f"{instance_pointer(o, data) or '/'}: {message_text(o)}" for o in others)
    return Hit(pointer, message_text(found), at_key, details)
