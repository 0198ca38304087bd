"""Shared by the kinds that compare one number across versions (monotonic, max-decrease,
max-increase): the same place in both versions, matched by ``key`` inside lists so that a
reordering changes nothing, and exact arithmetic (big integers, ``1`` equal to ``1.0``)."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from ..canonical import canonical
from ..locate import escape, is_index
from . import describe, parse_path

if TYPE_CHECKING:
    from ..load import Document

KEY = {
    "oneOf": [
        {"type": "string", "minLength": 1},
        {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}},
    ],
    "description": "field (or fields) identifying a list entry across versions; default: "
    "its position",
}
UNIT = {
    "type": "string",
    "minLength": 1,
    "description": "bytes: show values as kB/MB/GB/TB; any other text is written after them",
}


@dataclass(frozen=True)
class Place:
    """A value found at the rule's path: where it is now, and how messages name it."""

    pointer: str
    value: Any
    label: str


def prepare(options: Mapping[str, Any]) -> tuple[list[str], tuple[str, ...]]:
    key = options.get("key", ())
    return parse_path(options.get("path", "")), (key,) if isinstance(key, str) else tuple(key)


def is_number(value: Any) -> bool:
    """A JSON number: booleans are not, nor are YAML's .nan and .inf."""
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))


def places(data: Any, tokens: list[str], keys: tuple[str, ...]) -> dict[str, Place]:
    """identity -> Place for every value ``tokens`` reach. An entry of a list reached by
    ``*`` is identified by its ``keys`` values when it has them all, else by its position;
    the first entry of a repeated identity wins."""
    out: dict[str, Place] = {}
    stack: list[tuple[int, str, str, tuple[str, ...], Any]] = [(0, "", "", (), data)]
    while stack:
        depth, pointer, identity, names, value = stack.pop()
        if depth == len(tokens):
            out.setdefault(identity, Place(pointer, value, _label(tokens, names, pointer)))
            continue
        token = tokens[depth]
        children: list[tuple[str, str, tuple[str, ...], Any]] = []
        if isinstance(value, dict):
            members = (
                value.items() if token == "*" else [(token, value[token])] if token in value else []
            )
            for k, v in members:
                step = "/" + escape(k)
                children.append((pointer + step, identity + step, names, v))
        elif isinstance(value, list):
            indices: list[int] = []
            if token == "*":
                indices = list(range(len(value)))
            elif is_index(token):
                indices = [int(token)] if int(token) < len(value) else []
            for i in indices:
                item = value[i]
                if (
                    token == "*"
                    and keys
                    and isinstance(item, dict)
                    and all(k in item for k in keys)
                ):
                    found = [item[k] for k in keys]
                    shown = describe(found[0] if len(found) == 1 else found, 40)
                    step, names_i = "/=" + canonical(found), (*names, shown)
                else:
                    step, names_i = f"/{i}", names
                children.append((f"{pointer}/{i}", identity + step, names_i, item))
        stack.extend((depth + 1, p, ident, n, v) for p, ident, n, v in reversed(children))
    return out


def _label(tokens: list[str], names: tuple[str, ...], pointer: str) -> str:
    """``quota_bytes for "gaia"`` when entries were matched by key, else the pointer."""
    if names:
        field = next((t for t in reversed(tokens) if t != "*"), "value")
        return f"{field} for {', '.join(names)}"
    return pointer or "the document"


def number_pairs(
    document: Document, previous: Document, prepared: Any
) -> Iterator[tuple[Place, Any, Any]]:
    """(place now, old number, new number) for every place that holds a number in both."""
    tokens, keys = prepared
    old = places(previous.data, tokens, keys)
    for identity, place in places(document.data, tokens, keys).items():
        before = old.get(identity)
        if before is not None and is_number(before.value) and is_number(place.value):
            yield place, before.value, place.value


def number(value: Any, unit: str | None = None) -> str:
    """``120000000000000`` -> ``120 TB`` (unit bytes), ``1,500 ms``, ``0.25``."""
    if unit == "bytes":
        size = abs(Fraction(value))
        for power, name in ((15, "PB"), (12, "TB"), (9, "GB"), (6, "MB"), (3, "kB")):
            if size >= 10**power:
                scaled = Fraction(value) / 10**power
                return f"{_short(scaled)} {name}"
        return f"{_short(Fraction(value))} B"
    text = f"{value:,}" if isinstance(value, int) else _short(Fraction(value))
    return f"{text} {unit}" if unit else text


def _short(value: Fraction) -> str:
    """Up to 3 significant digits (more before the point), no exponent for big values."""
    if value.denominator == 1:
        return f"{value.numerator:,}"
    try:
        as_float = float(value)
    except OverflowError:
        return f"{round(value):,}"
    text = f"{as_float:.3g}"
    if "e" in text:
        return f"{round(value):,}" if abs(as_float) >= 1 else f"{as_float:.3e}"
    return text


def change(old: Any, new: Any) -> Fraction | None:
    """(new - old) / old, exactly; None when old is not positive."""
    if old <= 0:
        return None
    return (Fraction(new) - Fraction(old)) / Fraction(old)


def percent(fraction: Fraction) -> str:
    """-0.9999 -> ``\u221299.99%`` (a true minus sign), at most two decimals."""
    value = fraction * 100
    try:
        text = f"{float(value):.2f}".rstrip("0").rstrip(".")
    except OverflowError:
        text = f"{round(value)}"
    if text in ("-0", "0"):
        text = "0"
    sign = "+" if value >= 0 else "\u2212"
    return f"{sign}{text.lstrip('-')}%"
