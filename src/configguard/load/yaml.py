"""YAML text -> plain JSON-like data (YAML 1.2 core schema), built from libyaml's events.

Why events and not ``yaml.safe_load``: one pass over the parser's events lets us
refuse object-constructing tags, bound nesting depth and alias expansion (billion
laughs), report duplicate keys, and, only when asked, record where every value
starts, without ever holding a node tree. Plain scalars resolve by the YAML 1.2 core
schema exactly (``on``/``yes`` stay strings, ``010`` is 10, ``0o17`` is 15, ``1_000`` and
``0xdead_beef`` are strings: no underscores in numbers, unlike ruamel.yaml's reading).
The plain scalars YAML 1.1 readers (PyYAML, Go's yaml.v2) read differently can be listed
on the way (``yaml11``), for the ``yaml-1.1-ambiguity`` kind.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import yaml
from yaml import events as ev

from ..locate import PositionIndex, escape

try:  # libyaml, bundled in PyYAML's wheels
    from yaml._yaml import CParser as _CParser

    def _parser(text: str) -> Any:
        return _CParser(text)

except ImportError:  # pragma: no cover - only on installs without libyaml
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    class _PyParser(Reader, Scanner, Parser):
        def __init__(self, text: str) -> None:
            Reader.__init__(self, text)
            Scanner.__init__(self)
            Parser.__init__(self)

    def _parser(text: str) -> Any:
        return _PyParser(text)


MAX_DEPTH = 1000
"""Nesting deeper than this is refused: consumers and validators recurse."""
MAX_EXPANDED = 5_000_000
"""Values reachable through aliases beyond this are refused (an alias bomb)."""

_YAML = "tag:yaml.org,2002:"
_NULL = re.compile(r"~|null|Null|NULL|")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_INT10 = re.compile(r"[-+]?[0-9]+")
_INT8 = re.compile(r"0o[0-7]+")
_INT16 = re.compile(r"0x[0-9a-fA-F]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_INF = re.compile(r"([-+]?)\.(?:inf|Inf|INF)")
_NAN = re.compile(r"\.(?:nan|NaN|NAN)")


# What YAML 1.1 readers (PyYAML's resolver, Go's yaml.v2, Ruby's Psych) make of plain
# scalars, where that differs from YAML 1.2 core. The regexes are PyYAML's.
_Y11_BOOL = {
    **dict.fromkeys(("yes", "Yes", "YES", "on", "On", "ON", "y", "Y"), True),
    **dict.fromkeys(("no", "No", "NO", "off", "Off", "OFF", "n", "N"), False),
}
_Y11_INT = re.compile(
    r"[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+"
    r"|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+"
)
_Y11_FLOAT = re.compile(
    r"[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?"
    r"|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)"
)
_Y11_DATE = re.compile(
    r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}"
    r"(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?"
)
_Y11_FIRST = frozenset("0123456789+-.")
"""First characters of the scalars whose number reading may differ (a cheap pre-check)."""


def _suspect(text: str, value: Any) -> bool:
    """A cheap test that ``text`` (starting with a digit, sign or dot) may read differently
    in YAML 1.1; most numbers and versions fail it without a regex."""
    cls = value.__class__
    if cls is str:
        return "_" in text or ":" in text or "b" in text[:3] or (len(text) >= 8 and text[4] == "-")
    if cls is int:  # a leading zero: octal in 1.1, or 0o (1.2 only)
        return len(text) > 1 and (text[0] == "0" or (text[0] in "+-" and text[1] == "0"))
    if cls is float:  # an exponent without a dot or sign, or -.5: strings to PyYAML
        return "e" in text or "E" in text or (text[0] in "+-" and text[1:2] == ".")
    return False


class _Date:
    """A YAML 1.1 timestamp: PyYAML constructs a date (no JSON counterpart), or fails on an
    impossible one (``2026-13-01``)."""

    def __init__(self, text: str) -> None:
        import datetime

        self.text = text
        year, month, day = text[:10].split("-")[:3]
        try:
            datetime.date(int(year), int(month), int(day[:2]))
            self.valid = True
        except ValueError:
            self.valid = False


def yaml11_value(text: str) -> Any:
    """A plain scalar as YAML 1.1 readers resolve and construct it (dates as :class:`_Date`)."""
    if _NULL.fullmatch(text):
        return None
    if text in _BOOL:
        return _BOOL[text]
    if text in _Y11_BOOL:
        return _Y11_BOOL[text]
    if _Y11_INT.fullmatch(text):
        return _y11_int(text)
    if _Y11_FLOAT.fullmatch(text):
        return _y11_float(text)
    if _Y11_DATE.fullmatch(text):
        return _Date(text)
    return text


def _y11_int(text: str) -> int:
    value = text.replace("_", "")
    sign = -1 if value[0] == "-" else 1
    value = value.lstrip("+-")
    if value == "0":
        return 0
    if value.startswith("0b"):
        return sign * int(value[2:], 2)
    if value.startswith("0x"):
        return sign * int(value[2:], 16)
    if value[0] == "0":
        return sign * int(value, 8)
    if ":" in value:
        total = 0
        for part in value.split(":"):
            total = total * 60 + int(part)
        return sign * total
    return sign * int(value)


def _y11_float(text: str) -> float:
    value = text.replace("_", "").lower()
    if value.endswith((".inf", ".nan")):
        return float(value.replace(".", ""))
    sign = -1.0 if value[0] == "-" else 1.0
    value = value.lstrip("+-")
    if ":" in value:
        total = 0.0
        for part in value.split(":"):
            total = total * 60 + float(part)
        return sign * total
    return sign * float(value)


def _reading(value: Any) -> str:
    if isinstance(value, _Date) and not value.valid:
        return "an error (PyYAML reads a timestamp and cannot build that date)"
    if isinstance(value, _Date):
        return "a date (PyYAML builds a datetime.date, which JSON has no type for)"
    if isinstance(value, str):
        return f"the string {_quoted(value)}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    return f"the number {value!r}"


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def ambiguity(text: str, value: Any) -> str | None:
    """The message for a plain scalar that YAML 1.1 and 1.2 readers read differently, else
    None. ``value`` is its YAML 1.2 reading (what configguard checks)."""
    old = yaml11_value(text)
    if type(old) is type(value) and old == value:
        return None
    if isinstance(value, float) and isinstance(old, float) and math.isnan(old):
        return None
    if isinstance(value, str):
        fix = f"write {_quoted(text)} (quoted) so that every reader sees the string"
        if isinstance(old, bool):
            fix += f", or {'true' if old else 'false'} for the boolean"
        elif isinstance(old, (int, float)):
            fix += f", or {old!r} for the number"
    else:
        fix = f"write {_quoted(text)} for the string, or {value!r} for the number"
    if text in ("y", "Y", "n", "N"):
        readers = "YAML 1.1 (its spec, Go's yaml.v2; PyYAML reads a string)"
    elif isinstance(old, str) or isinstance(value, float):
        readers = "PyYAML (its YAML 1.1 resolver)"
    else:
        readers = "YAML 1.1 (PyYAML, Go's yaml.v2, Ruby's Psych)"
    return (
        f"{text} is {_reading(value)} in YAML 1.2's core schema (as configguard reads it) but "
        f"{_reading(old)} in {readers}: {fix}"
    )


class Ambiguous(NamedTuple):
    pointer: str
    message: str
    line: int
    column: int
    document: int


class YamlProblem(Exception):
    """The text cannot be turned into data; carries a 1-based position."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


class DuplicateKey(NamedTuple):
    pointer: str
    key: str
    line: int
    column: int
    document: int


@dataclass
class YamlResult:
    documents: list[Any] = field(default_factory=list)
    duplicates: list[DuplicateKey] = field(default_factory=list)
    positions: list[PositionIndex] = field(default_factory=list)
    ambiguous: list[Ambiguous] = field(default_factory=list)
    """Plain scalars that YAML 1.1 readers read differently (with ``yaml11=True``)."""


def resolve_plain(value: str) -> Any:
    """A plain (unquoted, untagged) scalar under the YAML 1.2 core schema."""
    if _NULL.fullmatch(value):
        return None
    if value in _BOOL:
        return _BOOL[value]
    if _INT10.fullmatch(value):
        return _int(value, 10)
    if _INT8.fullmatch(value):
        return int(value[2:], 8)
    if _INT16.fullmatch(value):
        return int(value[2:], 16)
    if _FLOAT.fullmatch(value):
        number = float(value)
        if not math.isfinite(number):
            raise ValueError(f"number {value} overflows a 64-bit float")
        return number
    if _INF.fullmatch(value) or _NAN.fullmatch(value):
        raise ValueError(
            f"{value} has no JSON equivalent: JSON Schema cannot check it and JSON consumers "
            "reject it; quote it if a string is meant"
        )
    return value


def _int(text: str, base: int) -> int:
    try:
        return int(text, base)
    except ValueError as exc:  # more digits than Python converts (sys.int_info)
        raise ValueError(f"integer with {len(text)} digits is too long to read") from exc


_TAGGED_SCALARS: dict[str, Callable[[str], Any]] = {
    _YAML + "str": str,
    _YAML + "null": lambda v: None,
    _YAML + "bool": lambda v: _BOOL.get(v, v),
    _YAML + "int": lambda v: resolve_plain(v) if isinstance(resolve_plain(v), int) else int(v),
    _YAML + "float": lambda v: float(resolve_plain(v)),
    # No JSON counterpart: kept as the text the author wrote.
    _YAML + "timestamp": str,
    _YAML + "binary": str,
}


class _Frame:
    __slots__ = (
        "anchor",
        "container",
        "is_map",
        "key",
        "key_mark",
        "merges",
        "pointer",
        "token",
        "weight",
    )

    def __init__(self, container: Any, token: str | None, pointer: str, anchor: str | None) -> None:
        self.container = container
        self.is_map = isinstance(container, dict)
        self.token = token
        self.pointer = pointer
        self.anchor = anchor
        self.key: Any = _NO_KEY
        self.key_mark: Any = None
        self.merges: list[Any] | None = None
        self.weight = 1


_NO_KEY = object()
_MERGE = object()


def _mark(event: Any) -> tuple[int, int]:
    m = event.start_mark
    return (m.line + 1, m.column + 1)


def _refuse_tag(tag: str, event: Any) -> None:
    if tag.startswith(_YAML + "python/") or tag.startswith("!!python/"):
        short = "!!" + tag[len(_YAML) :] if tag.startswith(_YAML) else tag
        raise YamlProblem(
            f"YAML tag {short} would construct a Python object; configguard never does",
            *_mark(event),
        )
    collection = tag[len(_YAML) :] in ("map", "seq", "omap", "set", "pairs")
    if tag.startswith(_YAML) and not collection and tag not in _TAGGED_SCALARS:
        raise YamlProblem(f"unknown YAML tag !!{tag[len(_YAML) :]}", *_mark(event))


_NON_BREAKS = "\x85\u2028\u2029"
"""NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR: line breaks in YAML 1.1 (and to libyaml), but
ordinary content characters in YAML 1.2 (spec 5.4, for JSON compatibility): ``"a<NEL>b"``
is three characters, not ``"a b"``."""


def _hide_non_breaks(text: str) -> tuple[str, dict[int, int] | None]:
    """``text`` with each YAML 1.2 non-break that libyaml would break on replaced by a
    private-use character absent from the text (one for one: offsets, lines and columns
    stay), and the table that restores them in scalars; None when there is none."""
    present = [c for c in _NON_BREAKS if c in text]
    if not present:
        return text, None
    spare = (chr(c) for c in range(0xE000, 0xF900) if chr(c) not in text)
    hide = {ord(c): next(spare) for c in present}
    return text.translate(hide), {ord(v): k for k, v in hide.items()}


def load_yaml(text: str, track_positions: bool = False, yaml11: bool = False) -> YamlResult:
    """Every document of ``text``; raises YamlProblem (1-based position) when it is not YAML.

    ``yaml11``: also list the plain scalars that YAML 1.1 readers read differently.
    """
    text, restore = _hide_non_breaks(text)
    try:
        return _Builder(track_positions, restore, yaml11).run(_parser(text))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = exc.problem or str(exc)
        if exc.context:
            start = exc.context_mark
            opened = (
                f" (opened at line {start.line + 1}, column {start.column + 1})" if start else ""
            )
            message = f"{exc.context}{opened}: {message}"
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        raise YamlProblem(message, line, column) from None
    except yaml.reader.ReaderError as exc:
        # a character YAML forbids (NUL, other control characters); position is an offset
        from ..locate import LineIndex

        line, column = LineIndex(text).position(exc.position)
        char = chr(exc.character) if isinstance(exc.character, int) else exc.character
        raise YamlProblem(f"character {char!r} is not allowed in YAML", line, column) from None
    except yaml.YAMLError as exc:
        message = str(exc).splitlines()[0] if str(exc) else "not valid YAML"
        raise YamlProblem(message, 1, 1) from None


class _Builder:
    def __init__(
        self, track: bool, restore: dict[int, int] | None = None, yaml11: bool = False
    ) -> None:
        self.track = track
        self.restore = restore
        """Private-use stand-ins -> the YAML 1.2 non-break characters they hid."""
        self.yaml11 = yaml11
        self.result = YamlResult()
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.open_anchors: set[str] = set()
        self.expanded = 0
        self.positions: PositionIndex | None = None

    def run(self, parser: Any) -> YamlResult:
        stack: list[_Frame] = []
        root: list[Any] = []
        positions: PositionIndex | None = None
        doc_index = -1
        scalar, mstart, sstart, alias = (
            ev.ScalarEvent,
            ev.MappingStartEvent,
            ev.SequenceStartEvent,
            ev.AliasEvent,
        )
        while True:
            event = parser.get_event()
            cls = type(event)
            if cls is scalar:
                if stack and stack[-1].is_map and stack[-1].key is _NO_KEY:
                    self._key(stack[-1], event, doc_index)
                    continue
                tag = event.tag
                text = event.value if self.restore is None else event.value.translate(self.restore)
                if tag is None and event.implicit[0]:
                    try:
                        value = resolve_plain(text)
                    except ValueError as exc:
                        raise YamlProblem(str(exc), *_mark(event)) from None
                    if (
                        self.yaml11
                        and text
                        and (text in _Y11_BOOL or (text[0] in _Y11_FIRST and _suspect(text, value)))
                    ):
                        self._ambiguous(stack, text, value, event, doc_index)
                elif tag is None or tag == "!" or not tag.startswith(_YAML):
                    value = text
                else:
                    _refuse_tag(tag, event)
                    try:
                        value = _TAGGED_SCALARS.get(tag, str)(text)
                    except ValueError as exc:
                        short = "!!" + tag[len(_YAML) :]
                        raise YamlProblem(f"{short} {text!r}: {exc}", *_mark(event)) from None
                self._place(stack, root, value, 1, event, positions)
                if event.anchor:
                    self.anchors[event.anchor] = (value, 1)
            elif cls is mstart or cls is sstart:
                if stack and stack[-1].is_map and stack[-1].key is _NO_KEY:
                    raise YamlProblem(
                        "a mapping key must be a scalar, not a collection", *_mark(event)
                    )
                if len(stack) >= MAX_DEPTH:
                    raise YamlProblem(f"nesting deeper than {MAX_DEPTH} levels", *_mark(event))
                if event.tag:
                    _refuse_tag(event.tag, event)
                container: Any = {} if cls is mstart else []
                token, pointer = self._slot(stack, True)
                if positions is not None:
                    positions.values[pointer] = _mark(event)
                stack.append(_Frame(container, token, pointer, event.anchor))
                if event.anchor:
                    self.open_anchors.add(event.anchor)
            elif cls is ev.MappingEndEvent or cls is ev.SequenceEndEvent:
                frame = stack.pop()
                if frame.merges:
                    self._merge(frame)
                if frame.anchor:
                    self.open_anchors.discard(frame.anchor)
                    self.anchors[frame.anchor] = (frame.container, frame.weight)
                self._attach(stack, root, frame.container, frame.weight)
            elif cls is alias:
                name = event.anchor
                if name in self.open_anchors:
                    raise YamlProblem(
                        f"alias *{name} refers to a node that contains it", *_mark(event)
                    )
                if name not in self.anchors:
                    raise YamlProblem(
                        f"alias *{name} has no anchor &{name} before it", *_mark(event)
                    )
                value, weight = self.anchors[name]
                if stack and stack[-1].is_map and stack[-1].key is _NO_KEY:
                    self._key_value(stack[-1], value, event, doc_index)
                    continue
                self.expanded += weight
                if self.expanded > MAX_EXPANDED:
                    raise YamlProblem(
                        f"aliases expand to more than {MAX_EXPANDED:,} values (a YAML alias bomb?)",
                        *_mark(event),
                    )
                self._place(stack, root, value, weight, event, positions)
            elif cls is ev.DocumentStartEvent:
                doc_index += 1
                root = []
                self.anchors.clear()
                if self.track:
                    positions = self.positions = PositionIndex()
            elif cls is ev.DocumentEndEvent:
                self.result.documents.append(root[0] if root else None)
                if positions is not None:
                    self.result.positions.append(positions)
            elif cls is ev.StreamEndEvent:
                return self.result

    # -- helpers -------------------------------------------------------------------------
    def _ambiguous(
        self, stack: list[_Frame], text: str, value: Any, event: Any, doc_index: int
    ) -> None:
        message = ambiguity(text, value)
        if message is not None:
            pointer = self._slot(stack, True)[1]
            line, column = _mark(event)
            self.result.ambiguous.append(Ambiguous(pointer, message, line, column, doc_index))

    def _slot(self, stack: list[_Frame], need_pointer: bool) -> tuple[str | None, str]:
        """The token and pointer of the value about to be placed.

        Collections always know their pointer (duplicate keys need it); scalars only
        when positions are tracked, which keeps the fast path free of string work.
        """
        if not stack:
            return None, ""
        top = stack[-1]
        token = top.key if top.is_map else str(len(top.container))
        if top.is_map and token is _MERGE:
            token = "<<"
        pointer = top.pointer + "/" + escape(token) if need_pointer else ""
        return token, pointer

    def _place(
        self,
        stack: list[_Frame],
        root: list[Any],
        value: Any,
        weight: int,
        event: Any,
        positions: PositionIndex | None,
    ) -> None:
        if positions is not None:
            positions.values[self._slot(stack, True)[1]] = _mark(event)
        self._attach(stack, root, value, weight)

    def _attach(self, stack: list[_Frame], root: list[Any], value: Any, weight: int) -> None:
        if not stack:
            root.append(value)
            return
        top = stack[-1]
        top.weight += weight
        if not top.is_map:
            top.container.append(value)
            return
        key = top.key
        top.key = _NO_KEY
        if key is _MERGE:
            if top.merges is None:
                top.merges = []
            top.merges.append((value, top.key_mark))
        else:
            top.container[key] = value

    def _key(self, frame: _Frame, event: Any, doc_index: int) -> None:
        value = event.value if self.restore is None else event.value.translate(self.restore)
        if event.anchor:
            self.anchors[event.anchor] = (value, 1)
        if event.tag is None and event.implicit[0] and value == "<<":
            frame.key, frame.key_mark = _MERGE, event.start_mark
            return
        self._key_value(frame, value, event, doc_index)

    def _key_value(self, frame: _Frame, key: Any, event: Any, doc_index: int) -> None:
        if isinstance(key, (dict, list)):
            raise YamlProblem("a mapping key must be a scalar, not a collection", *_mark(event))
        key = key if isinstance(key, str) else _key_text(key)
        if key in frame.container:
            line, column = _mark(event)
            pointer = frame.pointer + "/" + escape(key)
            self.result.duplicates.append(DuplicateKey(pointer, key, line, column, doc_index))
        elif self.positions is not None:
            self.positions.keys[frame.pointer + "/" + escape(key)] = _mark(event)
        frame.key, frame.key_mark = key, event.start_mark

    def _merge(self, frame: _Frame) -> None:
        explicit = frame.container
        merged: dict[str, Any] = {}
        for value, mark in frame.merges or ():
            sources = value if isinstance(value, list) else [value]
            for source in sources:
                if not isinstance(source, dict):
                    raise YamlProblem(
                        "a merge key << takes a mapping or a list of mappings",
                        mark.line + 1,
                        mark.column + 1,
                    )
                for k, v in source.items():
                    merged.setdefault(k, v)
        for k, v in merged.items():
            explicit.setdefault(k, v)


def _key_text(key: Any) -> str:
    """Non-string keys (``1:``, ``true:``) as JSON would spell them."""
    if key is None:
        return "null"
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key)
