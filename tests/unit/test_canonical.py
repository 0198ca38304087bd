"""canonical.py: one form of a JSON value, shared by every kind that compares values."""

from __future__ import annotations

import json
import math
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from configguard.canonical import canonical, equal

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=5)
)
values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner, max_size=4)
    ),
    max_leaves=12,
)


def _reference(value: Any) -> Any:
    """A slow, obviously right model: numbers as exact fractions, bools apart, NaN a token."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return (type(value).__name__, value)
    if isinstance(value, (int, float)):
        if isinstance(value, float) and math.isnan(value):
            return ("nan",)
        if isinstance(value, float) and math.isinf(value):
            return ("inf", value > 0)
        return ("number", value if isinstance(value, int) else value.as_integer_ratio())
    if isinstance(value, list):
        return ("list", tuple(_reference(v) for v in value))
    return ("object", frozenset((k, _reference(v)) for k, v in value.items()))


def _normalized_number(ref: Any) -> Any:
    if ref[0] == "number" and isinstance(ref[1], tuple) and ref[1][1] == 1:
        return ("number", ref[1][0])
    if ref[0] == "list":
        return ("list", tuple(_normalized_number(r) for r in ref[1]))
    if ref[0] == "object":
        return ("object", frozenset((k, _normalized_number(r)) for k, r in ref[1]))
    return ref


@given(values, values)
def test_equal_exactly_when_equal_as_json(a: Any, b: Any) -> None:
    same = _normalized_number(_reference(a)) == _normalized_number(_reference(b))
    assert (canonical(a) == canonical(b)) == same


def test_the_cases_kinds_disagreed_on() -> None:
    assert equal(1, 1.0) and equal({"a": [1.0]}, {"a": [1]})
    assert not equal(True, 1) and not equal(None, float("nan"))
    assert equal(float("nan"), float("nan")) and equal({"b": 1, "a": 2}, {"a": 2, "b": 1})
    assert equal(2**70, 2**70) and not equal(2**70, 2**70 + 1)
    assert canonical("b") == json.dumps("b")  # messages show string keys as JSON text
