"""TOML text -> data (tomllib), and a line scanner that finds where keys and tables are.

tomllib keeps no positions, so the scanner reads headers (``[a.b]``, ``[[a]]``) and
``key = value`` lines; values inside inline tables and multi-line arrays fall back to
their key's line, which is what "at least the line" promises.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import tomllib
from typing import Any

from ..locate import PositionIndex, escape

_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")
_HEADER = re.compile(r"\s*(\[\[?)\s*(.+?)\s*\]\]?\s*(?:#.*)?$")
_KEY = re.compile(
    r"""\s*((?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')"""
    r"""(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*'))*)\s*=\s*"""
)
_LONG_NUMBER = re.compile(r"[0-9_]{4000,}")
_PART = re.compile(r"""[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*'""")


def _plain(value: Any) -> Any:
    """TOML dates and times as ISO 8601 strings: documents hold JSON data only (a schema
    sees ``2030-01-01`` as the string it would be in YAML or JSON)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (dt.date, dt.time)):  # datetime is a date
        return value.isoformat()
    return value


class TomlProblem(Exception):
    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


def load_toml(text: str) -> Any:
    try:
        data = tomllib.loads(text)
        _refuse_non_finite(data, text)
        return _plain(data)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        m = _POSITION.search(message)
        if m:
            line, column = int(m.group(1)), int(m.group(2))
        elif "(at end of document)" in message:
            line = text.count("\n") + 1
            column = len(text) - text.rfind("\n")
        else:
            line, column = 1, 1
        message = _POSITION.sub("", message).replace("(at end of document)", "at end of file")
        raise TomlProblem(message.strip(), line, column) from None
    except ValueError as exc:  # e.g. an integer beyond Python's digit limit
        m = _LONG_NUMBER.search(text)
        line, column = (text.count("\n", 0, m.start()) + 1, 1) if m else (1, 1)
        if m:
            column = m.start() - text.rfind("\n", 0, m.start())
        raise TomlProblem(str(exc).split(";")[0], line, column) from None


def _refuse_non_finite(data: Any, text: str) -> None:
    """TOML's inf and nan have no JSON equivalent (validators would see null).

    The first one in document order is reported, at its own line: its key's line from
    the scanner, then the first token of the same spelling from there (a value in a
    multi-line array is on a later line)."""
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        pointer, value = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            line, column = _non_finite_at(text, data, pointer, value)
            raise TomlProblem(
                f"{value} at {pointer} has no JSON equivalent: JSON Schema cannot check it",
                line,
                column,
            )
        if isinstance(value, dict):
            stack.extend((f"{pointer}/{escape(k)}", v) for k, v in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend((f"{pointer}/{i}", v) for i, v in reversed(list(enumerate(value))))


def _non_finite_at(text: str, data: Any, pointer: str, value: float) -> tuple[int, int]:
    from ..locate import LineIndex

    line, column = scan_toml(text, data).value(pointer)
    starts = [0, *(m.end() for m in re.finditer("\n", text))]
    offset = starts[line - 1] + column - 1 if line <= len(starts) else 0
    spelling = "nan" if math.isnan(value) else ("-inf" if value < 0 else r"\+?inf")
    sign = "[-+]?" if math.isnan(value) else ""
    m = re.compile(rf"(?<![\w.]){sign}{spelling}\b").search(text, offset)
    return LineIndex(text).position(m.start()) if m else (line, column)


def _parts(dotted: str) -> list[str]:
    out = []
    for p in _PART.findall(dotted):
        if p[0] == '"':
            out.append(tomllib.loads(f"k = {p}")["k"])
        elif p[0] == "'":
            out.append(p[1:-1])
        else:
            out.append(p)
    return out


def scan_toml(text: str, data: Any) -> PositionIndex:
    """Line (and value column) of every table header and ``key =`` line."""
    index = PositionIndex()
    index.values[""] = (1, 1)
    table: list[str] = []
    array_counts: dict[tuple[str, ...], int] = {}
    in_multiline: str | None = None
    for lineno, line in enumerate(text.splitlines(), start=1):
        if in_multiline:
            if line.count(in_multiline) % 2 == 1:
                in_multiline = None
            continue
        header = _HEADER.match(line)
        if header and not _KEY.match(line):
            parts = _parts(header.group(2))
            if header.group(1) == "[[":
                n = array_counts.get(tuple(parts), -1) + 1
                array_counts[tuple(parts)] = n
                table = [*parts, str(n)]
                # nested arrays of tables restart inside a new parent element
                for k in [
                    k
                    for k in array_counts
                    if len(k) > len(parts) and k[: len(parts)] == tuple(parts)
                ]:
                    del array_counts[k]
            else:
                table = _with_indices(parts, array_counts)
            pointer = "".join("/" + escape(p) for p in table)
            index.values.setdefault(pointer, (lineno, line.index("[") + 1))
            continue
        key = _KEY.match(line)
        if key:
            parts = [*table, *_parts(key.group(1))]
            pointer = "".join("/" + escape(p) for p in parts)
            index.keys.setdefault(pointer, (lineno, len(line) - len(line.lstrip()) + 1))
            index.values.setdefault(pointer, (lineno, key.end() + 1))
            rest = line[key.end() :]
            for quote in ('"""', "'''"):
                if rest.startswith(quote) and rest.count(quote) == 1:
                    in_multiline = quote
    return index


def _with_indices(parts: list[str], array_counts: dict[tuple[str, ...], int]) -> list[str]:
    """``[a.b]`` under ``[[a]]`` means the current element of a."""
    out: list[str] = []
    for i, p in enumerate(parts):
        out.append(p)
        n = array_counts.get(tuple(parts[: i + 1]))
        if n is not None and i + 1 < len(parts):
            out.append(str(n))
    return out
