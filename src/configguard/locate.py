"""JSON Pointers and the pointer -> (line, column) index that locates findings in source text."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


def escape(token: str | int) -> str:
    """One RFC 6901 reference token."""
    return str(token).replace("~", "~0").replace("/", "~1")


def unescape(token: str) -> str:
    return token.replace("~1", "/").replace("~0", "~")


def join(parts: Iterable[str | int]) -> str:
    """A pointer from path parts: ``["a", 0]`` -> ``/a/0``."""
    return "".join("/" + escape(p) for p in parts)


def split(pointer: str) -> list[str]:
    """The unescaped tokens of a pointer; raises ValueError when it is not one."""
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise ValueError(f"JSON Pointer {pointer!r} must be empty or start with '/'")
    return [unescape(t) for t in pointer[1:].split("/")]


def parent(pointer: str) -> str:
    return pointer[: pointer.rfind("/")] if pointer else ""


Position = tuple[int, int]
"""1-based (line, column)."""


@dataclass
class PositionIndex:
    """Where each value (and each mapping key) starts, by JSON Pointer.

    Built once per document, only when a finding needs locating.
    """

    values: dict[str, Position] = field(default_factory=dict)
    keys: dict[str, Position] = field(default_factory=dict)

    def value(self, pointer: str) -> Position:
        """The value's position, else its nearest located ancestor's (a missing key)."""
        while True:
            pos = self.values.get(pointer)
            if pos is not None:
                return pos
            if not pointer:
                return (1, 1)
            pointer = parent(pointer)

    def key(self, pointer: str) -> Position:
        """The position of the key that names ``pointer``, else of the value."""
        return self.keys.get(pointer) or self.value(pointer)


class LineIndex:
    """Offset -> (line, column) for one text, by bisecting line starts."""

    def __init__(self, text: str) -> None:
        starts = [0]
        find = text.find
        i = find("\n")
        while i != -1:
            starts.append(i + 1)
            i = find("\n", i + 1)
        self._starts: Sequence[int] = starts
        self._text = text

    def position(self, offset: int) -> Position:
        from bisect import bisect_right

        line = bisect_right(self._starts, offset)
        return (line, offset - self._starts[line - 1] + 1)

    def line_text(self, line: int) -> str | None:
        if line < 1 or line > len(self._starts):
            return None
        start = self._starts[line - 1]
        end = self._text.find("\n", start)
        return self._text[start : end if end != -1 else len(self._text)].rstrip("\r")


def is_index(token: str) -> bool:
    """Whether a pointer token names an array index: ASCII digits without a leading zero
    (``"¹"`` and ``"٣"`` are digits to ``str.isdigit`` but not indexes)."""
    return token.isascii() and token.isdigit() and (token == "0" or not token.startswith("0"))
