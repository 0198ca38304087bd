"""JSON text -> data, plus a scanner that finds where each value starts (only when needed).

The fast path is the standard library's C decoder with a pairs hook: it notices a
repeated key for about 1.4x the cost of orjson (which silently keeps the last copy).
The scanner is pure Python and runs only for files that have findings to locate.
"""

from __future__ import annotations

import contextlib
import json
import math
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from ..locate import LineIndex, PositionIndex, escape
from ..sidecar import Sidecar

try:
    import orjson as _orjson
except ImportError:  # pragma: no cover - orjson is a dependency; keep working without it
    _orjson = None  # type: ignore[assignment]

MAX_DEPTH = 1000


class JsonProblem(Exception):
    """The text is not JSON configguard accepts; carries a 1-based position."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


@dataclass
class JsonScan:
    positions: PositionIndex = field(default_factory=PositionIndex)
    duplicates: list[tuple[str, str, int, int]] = field(default_factory=list)
    """(pointer, key, line, column) of each repeated key, second copy onwards."""
    problem: JsonProblem | None = None


class _Duplicates:
    """Pairs hook that builds the dict and remembers whether any object repeated a key."""

    def __init__(self) -> None:
        self.found = False

    def __call__(self, pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result = dict(pairs)
        if len(result) != len(pairs):
            self.found = True
        return result


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (math.inf, -math.inf):
        raise ValueError(f"number {text} overflows a 64-bit float")
    return value


def load_json(text: str, raw: bytes | None = None, duplicates: bool = True) -> tuple[Any, bool]:
    """(data, whether some object repeats a key); raises JsonProblem with a position.

    Fast path: orjson (about 2x faster than the standard library with a pairs hook; it
    refuses NaN and overflowing numbers itself), then a sound check for repeated keys:
    in a text without backslashes no string holds a quote, so the text has exactly two
    quotes per string it spells, and the parsed data re-serialized has two per string it
    kept; they differ exactly when a repeated key was dropped. Texts with escapes, and
    any parse error, take the exact standard-library path. ``duplicates=False``: the
    caller does not want to know (the answer is then always False).
    """
    if raw is not None:
        fast = load_json_bytes(raw, duplicates)
        if fast is not None:
            return fast
    data, found = _load_exact(text)
    return data, found and duplicates


def load_json_bytes(raw: bytes, duplicates: bool = True) -> tuple[Any, bool] | None:
    """The fast path of :func:`load_json` on the file's bytes (orjson also checks that they
    are UTF-8); None when it does not apply (escapes, long integers) or the bytes do not
    parse. The facts about the bytes the answer needs are counted on the other core while
    a big file parses."""
    if _orjson is None or b"\\" in raw:
        return None
    facts = _raw_facts(raw, duplicates)
    if len(raw) >= _SIDECAR_BYTES:
        beside = Sidecar(facts)
        try:
            data = _orjson_or_unparsed(raw)
        finally:
            long_run, raw_quotes = beside.result()
    else:
        long_run, raw_quotes = facts()
        data = _UNPARSED if long_run else _orjson_or_unparsed(raw)
    if long_run or data is _UNPARSED:
        return None  # the exact path keeps every digit, or words the problem
    if not duplicates:
        return data, False
    try:
        quotes = _quotes(data)
    except TypeError:  # orjson writes at most 254 levels; it reads up to 1024
        return data, bool(scan_json(raw.decode("utf-8")).duplicates)
    return data, raw_quotes != quotes


_UNPARSED = object()


def _orjson_or_unparsed(raw: bytes) -> Any:
    try:
        return _orjson.loads(raw)
    except _orjson.JSONDecodeError:
        return _UNPARSED


_SIDECAR_BYTES = 4 << 20
"""From this size the facts about the bytes are counted on the other core during the parse
(a fork costs about a millisecond; counting, about a millisecond per megabyte)."""


def _raw_facts(raw: bytes, quotes: bool) -> Callable[[], tuple[int, int]]:
    """(whether 19 digits stand in a row, how many quotes; 0 when not wanted)."""
    return lambda: (int(_long_digit_run(raw)), raw.count(b'"') if quotes else 0)


_CHUNK = 4096
_DIGITS = bytes(48 if 48 <= i <= 57 else 32 for i in range(256))  # digits -> "0", rest -> " "
_RUN = 19
"""Digits in a row that may spell an integer orjson cannot hold: it reads integers outside
64 bits as floats, and -9223372036854775809 has 19 digits."""
_STRIDE = 6
"""Every sixth byte: 19 digits in a row cover at least 3 consecutive sampled bytes."""
_SLICE = 8 << 20
_LOOKS = 256
"""Sampled hits looked at one by one before the rest of the text is scanned whole."""


def _long_digit_run(raw: bytes) -> bool:
    """Whether 19 digits stand in a row somewhere: orjson reads integers beyond 64 bits as
    floats (losing digits a Python consumer would keep), so such texts take the exact path.

    A sample of every sixth byte rules most of a text out in a few milliseconds: only
    where the sample has 3 digits in a row can a run of 19 stand, and only there is the
    text looked at. A text with many such places is scanned whole from the first one, in
    slices so that no file-sized copy is made."""
    sample = raw[::_STRIDE].translate(_DIGITS)
    run = b"0" * _RUN
    at = sample.find(b"000")
    for _ in range(_LOOKS):
        if at < 0:
            return False
        middle = at * _STRIDE  # a run through the sampled 3 lies within a run's length of it
        if run in raw[max(0, middle - _RUN) : middle + 2 * _STRIDE + _RUN].translate(_DIGITS):
            return True
        at = sample.find(b"000", at + 1)
    first = max(0, at * _STRIDE - _RUN)
    for start in range(first, len(raw), _SLICE):
        if run in raw[max(first, start - _RUN + 1) : start + _SLICE].translate(_DIGITS):
            return True
    return False


def _quotes(data: Any) -> int:
    """Quotes in ``data`` serialised by orjson, a slice at a time for a big list or object
    (a whole 27 MB file serialised at once would add its size to the peak memory)."""
    dumps = _orjson.dumps
    if isinstance(data, list) and len(data) > _CHUNK:
        return sum(dumps(data[i : i + _CHUNK]).count(b'"') for i in range(0, len(data), _CHUNK))
    if isinstance(data, dict) and len(data) > _CHUNK:
        items = list(data.items())
        return sum(
            dumps(dict(items[i : i + _CHUNK])).count(b'"') for i in range(0, len(items), _CHUNK)
        )
    return int(dumps(data).count(b'"'))


def _load_exact(text: str, headroom: bool = False) -> tuple[Any, bool]:
    hook = _Duplicates()
    try:
        with _recursion_headroom(headroom):
            data = json.loads(
                text,
                object_pairs_hook=hook,
                parse_constant=_refuse_constant,
                parse_float=_finite_float,
            )
    except json.JSONDecodeError as exc:
        raise JsonProblem(exc.msg, exc.lineno, exc.colno) from None
    except (ValueError, RecursionError) as exc:
        problem = scan_json(text, stop_at_problem=True).problem
        if problem is not None:
            raise problem from None
        if isinstance(exc, RecursionError) and not headroom:
            # within MAX_DEPTH, yet deeper than the stack left to the C parser: room, retry
            return _load_exact(text, headroom=True)
        raise JsonProblem(str(exc) or "not valid JSON", 1, 1) from None
    return data, hook.found


@contextlib.contextmanager
def _recursion_headroom(wanted: bool) -> Iterator[None]:
    """Enough recursion for MAX_DEPTH levels above the current stack, for one parse."""
    if not wanted:
        yield
        return
    previous = sys.getrecursionlimit()
    sys.setrecursionlimit(max(previous, MAX_DEPTH + 500))
    try:
        yield
    finally:
        sys.setrecursionlimit(previous)


_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]:,]|[^\s{}\[\]:,"]+', re.S)
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?")
_MAX_DIGITS = 4300  # Python's default int conversion limit


def _key_of(token: str) -> str:
    return token[1:-1] if "\\" not in token else str(json.loads(token))


def scan_json(text: str, stop_at_problem: bool = False) -> JsonScan:
    """Positions of every value and key, repeated keys, and the first token Python refuses.

    Assumes the text already parsed (or failed for a reason other than syntax), so the
    tokenizer can stay simple: it never has to recover from broken structure.
    """
    scan = JsonScan()
    values, keys = scan.positions.values, scan.positions.keys
    lines = LineIndex(text)
    # frame: [pointer, is_object, next_index, seen_keys, pending_pointer]
    stack: list[list[Any]] = []
    expect_key = False
    for m in _TOKEN.finditer(text):
        if stop_at_problem and scan.problem is not None:
            break
        tok = m.group()
        c = tok[0]
        if c == ",":
            expect_key = bool(stack) and stack[-1][1]
            continue
        if c == ":":
            continue
        if c in "}]":
            if stack:
                stack.pop()
            expect_key = False
            continue
        if expect_key:
            frame = stack[-1]
            key = _key_of(tok)
            pointer = frame[0] + "/" + escape(key)
            if key in frame[3]:
                line, column = lines.position(m.start())
                scan.duplicates.append((pointer, key, line, column))
            else:
                frame[3].add(key)
                keys[pointer] = lines.position(m.start())
            frame[4] = pointer
            expect_key = False
            continue
        if stack:
            frame = stack[-1]
            if frame[1]:
                pointer = frame[4]
            else:
                pointer = frame[0] + "/" + str(frame[2])
                frame[2] += 1
        else:
            pointer = ""
        values[pointer] = lines.position(m.start())
        if c in "{[":
            if len(stack) >= MAX_DEPTH:
                if scan.problem is None:
                    message = f"nesting deeper than {MAX_DEPTH} levels"
                    scan.problem = JsonProblem(message, *lines.position(m.start()))
                continue  # deeper pointers would only cost quadratic memory
            stack.append([pointer, c == "{", 0, set(), ""])
            expect_key = c == "{"
        elif scan.problem is None and c != '"' and tok not in ("true", "false", "null"):
            if not _NUMBER.fullmatch(tok):
                scan.problem = JsonProblem(f"{tok} is not valid JSON", *lines.position(m.start()))
            elif not tok.lstrip("-").isdigit() and not math.isfinite(float(tok)):
                message = f"number {tok} overflows a 64-bit float"
                scan.problem = JsonProblem(message, *lines.position(m.start()))
            elif len(tok) > _MAX_DIGITS and _NUMBER.fullmatch(tok) and tok.lstrip("-").isdigit():
                scan.problem = JsonProblem(
                    f"integer with {len(tok)} digits is too long to read",
                    *lines.position(m.start()),
                )
    return scan
