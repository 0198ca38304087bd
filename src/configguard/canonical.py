"""The one canonical form of a JSON value, for hashing and comparing values.

Every kind that compares values (``unique``, ``forbidden``, ``immutable``, the keyed
change kinds) and the change summary use it, so they agree on what "equal" means: keys in
any order are equal, ``1`` equals ``1.0`` (JSON has one number type), ``true`` is not
``1``, ``NaN`` equals ``NaN`` (a TOML or YAML file can hold one) and ``null`` is not
``NaN``. Imports nothing of configguard.
"""

from __future__ import annotations

import json
import math
from typing import Any

import orjson


class _Exact(Exception):
    """The value needs the exact (slower) encoder: a non-finite float or a huge integer."""


def canonical(value: Any) -> str:
    """One string per JSON value: equal values give equal strings, different ones differ."""
    if isinstance(value, str):  # the common key: JSON text, which messages show as is
        return orjson.dumps(value).decode()
    if value is None or isinstance(value, bool):
        return "null" if value is None else "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float(value)
    try:
        return orjson.dumps(_normal(value), option=orjson.OPT_SORT_KEYS).decode()
    except (_Exact, TypeError):  # NaN, infinities, integers beyond 64 bits, odd keys
        return json.dumps(
            _normal(value, exact=True),
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
            default=str,
        )


def equal(a: Any, b: Any) -> bool:
    """Whether two JSON values are equal as JSON (``1 == 1.0``, ``true != 1``)."""
    return a is b or canonical(a) == canonical(b)


def _float(value: float) -> str:
    if math.isfinite(value):
        return str(int(value)) if value.is_integer() else repr(value)
    return "NaN" if math.isnan(value) else "Infinity" if value > 0 else "-Infinity"


def _normal(value: Any, exact: bool = False) -> Any:
    """``value`` with integral floats written as integers (1.0 -> 1)."""
    if isinstance(value, float):
        if math.isfinite(value):
            return int(value) if value.is_integer() else value
        if not exact:
            raise _Exact
        return value
    if isinstance(value, dict):
        return {str(k): _normal(v, exact) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_normal(v, exact) for v in value]
    return value
