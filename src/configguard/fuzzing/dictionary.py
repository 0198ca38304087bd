"""The fuzzing dictionary: values the consumer's own code and the real files care about.

A latent bug that needs one specific value (a reserved name the consumer special-cases,
a threshold it compares with) is out of reach of generic moves. Its literals are in the
consumer's code: a ``python:`` consumer's module and the package around it are read
statically (``ast``; never imported, never run), a ``command:`` consumer may name a
dictionary file in AFL/libFuzzer format. The real files add their keys and values.
"""

from __future__ import annotations

import ast
import contextlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MAX_STRING = 200
MAX_WORDS = 400
MAX_FILES = 60
MAX_FILE_BYTES = 2_000_000


@dataclass
class Dictionary:
    """Strings and numbers to draw from, code literals first (they are the rarer ones)."""

    strings: list[str] = field(default_factory=list)
    numbers: list[int | float] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    """Mapping keys of the real files (a key another entry uses is a collision candidate)."""
    sources: list[str] = field(default_factory=list)
    """Where the words came from, for the report."""

    def add_string(self, text: str) -> None:
        if len(text) <= MAX_STRING and text not in self._seen and len(self.strings) < MAX_WORDS:
            self._seen.add(text)
            self.strings.append(text)

    def add_number(self, number: int | float) -> None:
        if isinstance(number, bool) or number in self.numbers or len(self.numbers) >= MAX_WORDS:
            return
        self.numbers.append(number)

    def __post_init__(self) -> None:
        self._seen: set[str] = set(self.strings)

    @property
    def empty(self) -> bool:
        return not (self.strings or self.numbers)


def module_files(root: Path, python: str) -> list[Path]:
    """The consumer's module and its package's modules (or its own folder's, top level).

    Found on disk the way the worker's import path would (the configuration folder
    first); nothing is imported, so no consumer code runs here.
    """
    module = python.partition(":")[0]
    parts = module.split(".")
    base = root.joinpath(*parts)
    candidates = [base.with_suffix(".py"), base / "__init__.py"]
    found = next((c for c in candidates if c.is_file()), None)
    if found is None:
        return []
    files = [found]
    package = found.parent if len(parts) > 1 or found.name == "__init__.py" else None
    if package is not None:
        top = root / parts[0]
        if top.is_dir():
            files += sorted(p for p in top.rglob("*.py") if p != found)
    else:
        files += _local_imports(found, root)
    return files[:MAX_FILES]


def _local_imports(path: Path, root: Path) -> list[Path]:
    """Modules of the configuration folder that a top-level consumer module imports."""
    tree = _parse(path)
    if tree is None:
        return []
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    out: list[Path] = []
    for name in sorted(names):
        single = root / f"{name}.py"
        if single.is_file() and single != path:
            out.append(single)
        elif (root / name / "__init__.py").is_file():
            out += sorted((root / name).rglob("*.py"))
    return out


def _parse(path: Path) -> ast.Module | None:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            return None
        return ast.parse(path.read_bytes(), str(path))
    except (OSError, SyntaxError, ValueError):
        return None


def literals_of(path: Path, into: Dictionary) -> None:
    """String and number constants of one module (docstrings left out), and their
    neighbours for numbers: ``len(x) > 200`` fails at 201."""
    tree = _parse(path)
    if tree is None:
        return
    docstrings: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Constant) or id(node) in docstrings:
            continue
        value = node.value
        if isinstance(value, str):
            into.add_string(value)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            for number in _neighbours(value):
                into.add_number(number)


def _neighbours(value: int | float) -> list[int | float]:
    if isinstance(value, int) and abs(value) < 2**70:
        return [value, value + 1, value - 1]
    return [value]


_AFL_LINE = re.compile(r'^\s*(?:[A-Za-z0-9_]+(?:@\d+)?\s*=\s*)?"(.*)"\s*$')


def read_afl(path: Path, into: Dictionary) -> None:
    """An AFL/libFuzzer dictionary: ``name="value"`` or ``"value"`` lines, ``\\xNN``
    escapes, ``#`` comments. Values that read as numbers are numbers too."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = _AFL_LINE.match(line)
        if match is None:
            continue
        value = _unescape(match.group(1))
        into.add_string(value)
        try:
            into.add_number(int(value))
        except ValueError:
            with contextlib.suppress(ValueError):
                into.add_number(float(value))


def _unescape(text: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            if nxt == "x" and i + 3 < len(text) + 1:
                try:
                    out.append(chr(int(text[i + 2 : i + 4], 16)))
                    i += 4
                    continue
                except ValueError:
                    pass
            out.append(nxt)
            i += 2
            continue
        out.append(char)
        i += 1
    return "".join(out)


def of_documents(documents: list[Any], into: Dictionary) -> None:
    """Keys, short strings and numbers of the real files (a bounded walk)."""
    stack = list(documents)
    seen = 0
    while stack and seen < 50_000:
        value = stack.pop()
        seen += 1
        if isinstance(value, dict):
            for key, item in value.items():
                if key not in into.keys and len(into.keys) < MAX_WORDS:
                    into.keys.append(key)
                stack.append(item)
        elif isinstance(value, list):
            stack.extend(value[:200])
        elif isinstance(value, str) and len(value) <= 64:
            into.add_string(value)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            into.add_number(value)


def build(root: Path, python: str | None, afl: Path | None, documents: list[Any]) -> Dictionary:
    """The target's dictionary: the consumer's literals, then the real files' values."""
    words = Dictionary()
    if python is not None:
        for path in module_files(root, python):
            literals_of(path, words)
            shown = path.relative_to(root) if path.is_relative_to(root) else path
            words.sources.append(str(shown))
    if afl is not None:
        read_afl(afl, words)
        words.sources.append(afl.name)
    of_documents(documents, words)
    return words
