"""bytes on disk -> Documents with lazily built positions; failures become Problems, not crashes."""

from __future__ import annotations

import codecs
import contextlib
import errno
import gc
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from io import BufferedReader
from pathlib import Path
from typing import Any, Literal, NamedTuple

from .. import fastexit
from ..locate import LineIndex, Position, PositionIndex

Format = Literal["json", "yaml", "toml"]

_SUFFIXES: dict[str, Format] = {
    ".json": "json",
    ".geojson": "json",
    ".jsonld": "json",
    ".har": "json",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".toml": "toml",
}


def detect_format(path: str | Path) -> Format:
    """By suffix; anything unknown is read as YAML, which also reads JSON."""
    return _SUFFIXES.get(Path(path).suffix.lower(), "yaml")


class Problem(NamedTuple):
    """Something found while loading: the file does not parse, or repeats a key."""

    kind: Literal["parse-error", "no-duplicate-keys", "yaml-1.1-ambiguity"]
    message: str
    line: int
    column: int
    pointer: str = ""
    document: int | None = None


_COMPARE_BYTES = 1 << 20


@dataclass(eq=False)
class Source:
    """One file's text; positions are computed on first use (most files have no findings).

    A JSON file that parsed straight from its bytes keeps only the bytes (``_raw``, already
    known to be UTF-8) and decodes them the first time the text is wanted: a 27 MB file
    then never holds its bytes, its text and its data at once.
    """

    path: Path
    display: str
    format: Format
    size: int
    _text: str | None = field(default=None, repr=False)
    documents: int = 1
    _positions: list[PositionIndex] | None = field(default=None, repr=False)
    _lines: LineIndex | None = field(default=None, repr=False)
    _raw: bytes | None = field(default=None, repr=False)

    @property
    def text(self) -> str:
        if self._text is None:
            self._text = decode(self._raw or b"")
            self._raw = None
        return self._text

    def same_bytes(self, raw: bytes) -> bool:
        """Whether ``raw`` is this file's content, byte for byte."""
        if self.size != len(raw):
            return False
        if self._raw is not None:
            return self._raw == raw
        # encoding back is a copy for ASCII text, cheaper than decoding ``raw``; a file
        # with a BOM or in UTF-16 compares unequal, which only costs a parse
        return self.text.encode("utf-8") == raw

    def same_file(self, path: Path) -> bool:
        """Whether the file at ``path`` has this file's bytes, compared a megabyte at a time
        (a second whole copy of a big file costs more to read than to compare). False also
        when it cannot be told that way: only the text is held, or the file is unreadable."""
        if self._raw is None:
            return False
        view, at, chunk = memoryview(self._raw), 0, bytearray(_COMPARE_BYTES)
        try:
            with _open_regular(path) as (fh, info):
                if info.st_size != len(view):
                    return False
                while read := fh.readinto(chunk):
                    # bytearray == memoryview compares with memcmp
                    if (chunk if read == len(chunk) else chunk[:read]) != view[at : at + read]:
                        return False
                    at += read
        except OSError:
            return False
        return at == len(view)

    def positions(self, document: int) -> PositionIndex:
        if self._positions is None:
            self._positions = _build_positions(self)
        if 0 <= document < len(self._positions):
            return self._positions[document]
        return PositionIndex()

    def line_text(self, line: int) -> str | None:
        if self._lines is None:
            self._lines = LineIndex(self.text)
        return self._lines.line_text(line)


@dataclass(frozen=True, eq=False)
class Document:
    """One parsed document (a multi-document YAML file gives several)."""

    source: Source
    data: Any
    index: int | None = None
    """0-based position in a multi-document YAML file; None when the file holds one."""

    def locate(self, pointer: str) -> Position:
        """Line and column of the value at ``pointer``, else of its nearest ancestor."""
        return self.source.positions(self.index or 0).value(pointer)

    def locate_key(self, pointer: str) -> Position:
        """Where the key naming ``pointer`` is written (for unexpected-property findings)."""
        return self.source.positions(self.index or 0).key(pointer)


@dataclass
class Loaded:
    source: Source | None
    documents: list[Document]
    problems: list[Problem]


DEFAULT_MAX_BYTES = 100_000_000
"""Files larger than this are refused unless a max-bytes rule applies to them: parsing
takes up to 45 times a file's size in memory, so an unbounded read is an outage waiting
for one runaway generator. 100 MB is also the largest file GitHub accepts."""


class TooLarge(OSError):
    """The file is larger than the limit it was read under (reported, never parsed)."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(errno.EFBIG, f"{size:,} bytes, more than the {limit:,} read")
        self.size = size
        self.limit = limit


def read_bytes(path: Path, limit: int | None = None) -> bytes:
    """The file's bytes, reading at most ``limit`` (+1 to tell it is over).

    Only regular files are read: a FIFO would block the run forever and ``/dev/zero``
    never ends. The size is taken from the open file, then the read itself is bounded,
    so a file that grows while it is read cannot get past the limit either. OSError
    propagates for the caller to turn into a finding.
    """
    with _open_regular(path) as (fh, info):
        if limit is not None and info.st_size > limit:
            raise TooLarge(info.st_size, limit)
        # asking for the size it has (+1 to see growth) reads it in one go; asking for
        # the limit would read it piecewise into a limit-sized buffer (6x slower)
        expected = info.st_size if limit is None else min(info.st_size, limit)
        data = fh.read(expected + 1)
        if len(data) > expected:  # it grew while being read (or stat did not know its size)
            data += fh.read() if limit is None else fh.read(limit + 1 - len(data))
        if limit is not None and len(data) > limit:
            raise TooLarge(len(data), limit)
        return data


@contextlib.contextmanager
def _open_regular(path: Path) -> Iterator[tuple[BufferedReader, os.stat_result]]:
    """The open file and its status; OSError unless it is a regular file. Opened without
    blocking, so that a FIFO cannot hang the run before it is told apart."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    with open(fd, "rb", closefd=True) as fh:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            if stat.S_ISDIR(info.st_mode):
                raise IsADirectoryError(21, "is a directory")
            raise OSError(0, f"not a regular file ({_file_type(info.st_mode)})")
        yield fh, info


def _file_type(mode: int) -> str:
    for test, name in (
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    ):
        if test(mode):
            return name
    return "not a file"


def too_large_message(exc: TooLarge) -> str:
    """One line that says what happened and how to let the file through."""
    from ..units import format_size as human

    return (
        f"{human(exc.size)} ({exc.size:,} bytes), larger than the {human(exc.limit)} configguard "
        "reads without a max-bytes rule; not parsed. Add a max-bytes rule with a larger max "
        "for this target to check it"
    )


def decode(raw: bytes) -> str:
    """UTF-8 (BOM optional), or UTF-16/32 with a BOM; UnicodeDecodeError says where it failed."""
    for bom, codec in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if raw.startswith(bom):
            return raw.decode(codec)
    return raw.decode("utf-8")


def _decode_problem(raw: bytes, exc: UnicodeDecodeError) -> Problem:
    before = raw[: exc.start]
    line = before.count(b"\n") + 1
    column = len(before[before.rfind(b"\n") + 1 :].decode("utf-8", "replace")) + 1
    return Problem(
        "parse-error",
        f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8",
        line,
        column,
    )


def load(
    path: Path,
    display: str,
    fmt: Format | None = None,
    raw: bytes | None = None,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    duplicates: bool = True,
    yaml11: bool = False,
) -> Loaded:
    """Read and parse one file. Never raises for bad content: problems describe it.

    ``max_bytes``: the built-in ceiling; None when a max-bytes rule has judged the size.
    ``duplicates=False`` skips reporting repeated keys (a previous version, whose problems
    nobody reads): locating them can cost more than parsing. ``yaml11``: report plain YAML
    scalars that YAML 1.1 readers read differently (for the files being checked, not for
    configguard's own configuration and rules, which configguard alone reads).
    """
    with _collector_paused():
        return _load(path, display, fmt or detect_format(path), raw, max_bytes, duplicates, yaml11)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a file is parsed: a parse creates objects but no
    cycles, and a 200,000-entry file would otherwise be traversed again and again as it
    grows (about 15 ms of a 27 MB JSON file's 0.1 s parse)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        fastexit.settle()
        gc.enable()


def _load(
    path: Path,
    display: str,
    fmt: Format,
    raw: bytes | None,
    max_bytes: int | None,
    duplicates: bool,
    yaml11: bool = False,
) -> Loaded:
    if raw is None:
        try:
            raw = read_bytes(path, max_bytes)
        except TooLarge as exc:
            return Loaded(None, [], [Problem("parse-error", too_large_message(exc), 1, 1)])
        except OSError as exc:
            reason = exc.strerror or str(exc)
            if isinstance(exc, IsADirectoryError):
                reason = "is a directory"
            return Loaded(None, [], [Problem("parse-error", f"cannot read file: {reason}", 0, 0)])
    tried = False
    if fmt == "json" and not raw.startswith(_BOMS):
        from . import json as json_loader

        fast = json_loader.load_json_bytes(raw, duplicates)
        if fast is not None:
            source = Source(path, display, fmt, len(raw), None, _raw=raw)
            return _json_loaded(source, *fast)
        tried = True  # the exact path words the problem; no second fast attempt
    try:
        text = decode(raw)
    except UnicodeDecodeError as exc:
        return Loaded(None, [], [_decode_problem(raw, exc)])
    source = Source(path, display, fmt, len(raw), text)
    return _parse(source, None if tried else raw, duplicates, yaml11)


_BOMS = (
    codecs.BOM_UTF8,
    codecs.BOM_UTF16_LE,
    codecs.BOM_UTF16_BE,
)


def _json_loaded(source: Source, data: Any, has_duplicates: bool) -> Loaded:
    from . import json as json_loader

    problems: list[Problem] = []
    if has_duplicates:
        scan = json_loader.scan_json(source.text)
        source._positions = [scan.positions]
        for pointer, key, line, column in scan.duplicates:
            problems.append(_duplicate(source, 0, pointer, key, line, column, None))
    return Loaded(source, [Document(source, data)], problems)


def _parse(
    source: Source, raw: bytes | None = None, duplicates: bool = True, yaml11: bool = False
) -> Loaded:
    if source.format == "toml":  # tomllib is imported only for TOML files
        return _parse_toml(source)
    from . import json as json_loader
    from . import yaml as yaml_loader

    problems: list[Problem] = []
    try:
        if source.format == "json":
            if not source.text or source.text.isspace():  # strip() would copy the text
                raise json_loader.JsonProblem("the file is empty; JSON needs a value", 1, 1)
            data, has_duplicates = json_loader.load_json(source.text, raw, duplicates)
            return _json_loaded(source, data, has_duplicates)
        result = yaml_loader.load_yaml(source.text, yaml11=yaml11)
    except (json_loader.JsonProblem, yaml_loader.YamlProblem) as exc:
        return Loaded(source, [], [Problem("parse-error", exc.message, exc.line, exc.column)])
    docs = result.documents or [None]  # an empty file (or only comments) is one null document
    multi = len(docs) > 1
    source.documents = len(docs)
    documents = [Document(source, data, i if multi else None) for i, data in enumerate(docs)]
    for dup in result.duplicates if duplicates else ():
        index = dup.document if multi else None
        problems.append(
            _duplicate(source, dup.document, dup.pointer, dup.key, dup.line, dup.column, index)
        )
    for amb in result.ambiguous:
        index = amb.document if multi else None
        problems.append(
            Problem("yaml-1.1-ambiguity", amb.message, amb.line, amb.column, amb.pointer, index)
        )
    return Loaded(source, documents, problems)


def _parse_toml(source: Source) -> Loaded:
    from . import toml as toml_loader

    try:
        data = toml_loader.load_toml(source.text)
    except toml_loader.TomlProblem as exc:
        return Loaded(source, [], [Problem("parse-error", exc.message, exc.line, exc.column)])
    return Loaded(source, [Document(source, data)], [])


def _duplicate(
    source: Source, doc: int, pointer: str, key: str, line: int, column: int, index: int | None
) -> Problem:
    first = source.positions(doc).keys.get(pointer)
    where = f" (first at line {first[0]}, column {first[1]})" if first else ""
    return Problem(
        "no-duplicate-keys",
        f"duplicate key {key!r}{where}: consumers disagree on which copy wins",
        line,
        column,
        pointer,
        index,
    )


def _build_positions(source: Source) -> list[PositionIndex]:
    if source.format == "json":
        from . import json as json_loader

        try:
            return [json_loader.scan_json(source.text).positions]
        except json_loader.JsonProblem:
            return []
    if source.format == "toml":
        from . import toml as toml_loader

        try:
            return [toml_loader.scan_toml(source.text, None)]
        except toml_loader.TomlProblem:
            return []
    from . import yaml as yaml_loader

    try:
        return yaml_loader.load_yaml(source.text, track_positions=True).positions
    except yaml_loader.YamlProblem:
        return []
