"""A target's ``consumer:`` block, validated into a typed :class:`ConsumerSpec`.

Called by settings.py while it validates the configuration file, with that file's
Document, so every mistake here reads ``configguard.yaml:LINE:COL: key: message`` like
any other configuration mistake. Imports no process machinery: a check reads specs
without running anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ConfigurationError
from ..locate import escape
from ..units import parse_duration, parse_size

if TYPE_CHECKING:
    from ..load import Document

DEFAULT_TIMEOUT = 10.0
DEFAULT_MEMORY_LIMIT = 1 << 30
DEFAULT_FUZZ_MAX_ITEMS = 10_000
DEFAULT_OUTPUT_LIMIT = 16 * 1024 * 1024
"""Largest output (``output:``) kept, as JSON bytes: a bigger one is a finding, not read."""
OUTPUT_MODES = ("return", "stdout", "{out}")
MIN_MEMORY_LIMIT = 32_000_000
"""Below this a Python interpreter cannot even start."""


@dataclass(frozen=True)
class ConsumerSpec:
    """A target's ``consumer:`` block, validated and typed."""

    root: Path
    """The configuration file's folder: the Python import path's head and a command's cwd."""
    python: str | None = None
    command: tuple[str, ...] | None = None
    rejects: tuple[str, ...] = ()
    reject_exit_codes: tuple[int, ...] = ()
    timeout: float = DEFAULT_TIMEOUT
    memory_limit: int | None = DEFAULT_MEMORY_LIMIT
    fuzz_max_items: int = DEFAULT_FUZZ_MAX_ITEMS
    dictionary: Path | None = None
    """A command consumer's fuzzing dictionary (AFL/libFuzzer format), if it names one."""
    output: str | None = None
    """What the consumer makes of a file, for ``on: output`` rules: ``return`` (a python
    consumer's return value), ``stdout`` or ``{out}`` (a file a command writes)."""
    output_limit: int = DEFAULT_OUTPUT_LIMIT

    @property
    def name(self) -> str:
        if self.python is not None:
            return self.python
        return " ".join(self.command or ())

    @property
    def uses_file(self) -> bool:
        return self.command is not None and any("{file}" in arg for arg in self.command)


def parse_memory_limit(value: Any) -> int | None:
    """A consumer's ``memory_limit``: a size as ``units.parse_size`` reads it (``512MB`` is
    512 x 10^6 bytes, ``512MiB`` 512 x 2^20), or ``none``/null for no limit."""
    if value is None or (isinstance(value, str) and value.strip().lower() in ("none", "off")):
        return None
    size = parse_size(value)
    if size < MIN_MEMORY_LIMIT:
        raise ValueError(f"a memory limit below 32MB cannot start a process: {value!r}")
    return size


def spec_from_config(
    data: dict[str, Any],
    root: Path,
    where: str,
    *,
    document: Document | None = None,
    display: str | None = None,
    pointer: str = "",
) -> ConsumerSpec:
    """The typed spec of a ``consumer:`` block already checked against configguard's schema.

    ``where`` names the block in messages (``targets.bot.consumer``); with ``document``
    (and the block's JSON ``pointer`` in it) errors carry the file, line and column.
    """

    def fail(message: str, key: str | None = None) -> ConfigurationError:
        line = column = 0
        if document is not None:
            line, column = document.locate(pointer + (f"/{escape(key)}" if key else ""))
        return ConfigurationError(message, display, line, column)

    python, command = data.get("python"), data.get("command")
    if (python is None) == (command is None):
        raise fail(f"{where}: give exactly one of 'python' or 'command'")
    if python is not None and data.get("reject_exit_codes"):
        raise fail(
            f"{where}: reject_exit_codes is for command consumers; a python consumer "
            "declares exceptions in 'rejects'",
            "reject_exit_codes",
        )
    if command is not None and data.get("rejects"):
        raise fail(
            f"{where}: rejects names exceptions of a python consumer; a command declares "
            "'reject_exit_codes'",
            "rejects",
        )
    if python is not None and data.get("dictionary"):
        raise fail(
            f"{where}: a python consumer's dictionary is read from its own code; "
            "'dictionary' is for command consumers",
            "dictionary",
        )
    dictionary = data.get("dictionary")
    if dictionary and not (root / dictionary).is_file():
        raise fail(f"{where}.dictionary: no such file: {dictionary}", "dictionary")
    try:
        timeout = parse_duration(data.get("timeout", DEFAULT_TIMEOUT))
    except ValueError as exc:
        raise fail(f"{where}.timeout: {exc}", "timeout") from None
    try:
        memory = parse_memory_limit(data.get("memory_limit", DEFAULT_MEMORY_LIMIT))
    except ValueError as exc:
        raise fail(f"{where}.memory_limit: {exc}", "memory_limit") from None
    output = data.get("output")
    if output is not None:
        problem = _output_problem(output, python is not None, command or ())
        if problem:
            raise fail(f"{where}.output: {problem}", "output")
    try:
        output_limit = parse_size(data.get("output_limit", DEFAULT_OUTPUT_LIMIT))
    except ValueError as exc:
        raise fail(f"{where}.output_limit: {exc}", "output_limit") from None
    return ConsumerSpec(
        root=root,
        python=python,
        command=tuple(command) if command is not None else None,
        rejects=tuple(data.get("rejects", ())),
        reject_exit_codes=tuple(data.get("reject_exit_codes", ())),
        timeout=timeout,
        memory_limit=memory,
        fuzz_max_items=int(data.get("fuzz_max_items", DEFAULT_FUZZ_MAX_ITEMS)),
        dictionary=(root / dictionary) if dictionary else None,
        output=output,
        output_limit=output_limit,
    )


def _output_problem(output: str, python: bool, command: Any) -> str | None:
    """``output: return`` is for python consumers; ``stdout`` and ``{out}`` for commands,
    and ``{out}`` must be somewhere in the command for it to know where to write."""
    if python and output != "return":
        return "a python consumer's output is its return value: 'output: return'"
    if not python and output == "return":
        return "a command's output is 'stdout' or '{out}' (a file it writes)"
    if output == "{out}" and not any("{out}" in arg for arg in command):
        return "'{out}' names the file the command writes: put {out} in its arguments"
    return None
