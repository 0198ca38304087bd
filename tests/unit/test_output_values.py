"""``output: return``: the worker's conversion of a return value to JSON types."""

from __future__ import annotations

import dataclasses
import enum
import importlib.util
from typing import Any, NamedTuple

import pytest

from configguard.consumers import WORKER, parse_output

_spec = importlib.util.spec_from_file_location("_worker_for_tests", WORKER)
assert _spec is not None and _spec.loader is not None
worker: Any = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(worker)


class Color(enum.Enum):
    RED = "red"


class Point(NamedTuple):
    x: int
    y: int


@dataclasses.dataclass
class Route:
    id: str
    via: Point
    tags: frozenset[str]


def test_supported_values_become_json() -> None:
    value = {
        "routes": (Route("a", Point(1, 2), frozenset({"b", "a"})),),
        Color.RED: {3, 1, 2},
        7: None,
        "mixed": {1, "x"},
    }
    assert worker._to_json(value) == {
        "routes": [{"id": "a", "via": {"x": 1, "y": 2}, "tags": ["a", "b"]}],
        "red": [1, 2, 3],
        "7": None,
        "mixed": ["x", 1],  # sorted by their JSON text: deterministic across runs
    }


@pytest.mark.parametrize(
    ("value", "answer"),
    [
        ({"a/b": [1, object()]}, "object at /a~1b/1"),
        ({"x": {(1, 2): 3}}, "tuple at /x/(1, 2) (a key)"),
        (b"raw", "bytes at /"),
    ],
)
def test_other_values_name_their_type_and_place(value: Any, answer: str) -> None:
    assert worker._output(value, 1 << 20) == {"output_error": answer, "output_error_kind": "type"}


def test_output_over_the_limit_is_not_sent() -> None:
    assert worker._output({"a": "x" * 100}, 50) == {
        "output_error": "108 bytes",
        "output_error_kind": "size",
    }


def test_command_output_is_json_else_yaml() -> None:
    assert parse_output(b'{"a": 1}') == ({"a": 1}, "", "")
    assert parse_output(b"a: [1, 2]\n") == ({"a": [1, 2]}, "", "")
    assert parse_output(b"  \n") == (None, "empty", "parse")
    assert parse_output(b"a: [unclosed")[2] == "parse"
