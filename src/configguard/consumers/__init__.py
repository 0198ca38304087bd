"""Running a consumer (the real program that reads a config) in isolation, with limits.

A consumer is a Python callable (``module:function``, given the parsed data) or any
command (``{file}`` replaced by a file's path, or the content on stdin); it never runs
in configguard's own process. One module each: :mod:`.spec` (the ``consumer:`` block),
:mod:`.outcome` (what a run gives), :mod:`.process` (limits, process groups, output
tails), :mod:`.python` and its worker, :mod:`.command`, :mod:`.footprint` (writes).
This package is imported only when a target has a consumer.
"""

from __future__ import annotations

from pathlib import Path

from .command import CommandRunner, parse_output, serialize
from .footprint import Footprint, describe_writes
from .outcome import Outcome, Runner, Status
from .python import WORKER, PythonRunner
from .spec import (
    DEFAULT_FUZZ_MAX_ITEMS,
    DEFAULT_MEMORY_LIMIT,
    DEFAULT_OUTPUT_LIMIT,
    DEFAULT_TIMEOUT,
    OUTPUT_MODES,
    ConsumerSpec,
    parse_memory_limit,
    spec_from_config,
)

__all__ = [
    "DEFAULT_FUZZ_MAX_ITEMS",
    "DEFAULT_MEMORY_LIMIT",
    "DEFAULT_OUTPUT_LIMIT",
    "DEFAULT_TIMEOUT",
    "OUTPUT_MODES",
    "WORKER",
    "CommandRunner",
    "ConsumerSpec",
    "Footprint",
    "Outcome",
    "PythonRunner",
    "Runner",
    "Status",
    "describe_writes",
    "open_runner",
    "parse_memory_limit",
    "parse_output",
    "serialize",
    "spec_from_config",
]


def open_runner(
    spec: ConsumerSpec, scratch: Path | None = None, coverage: tuple[str, ...] = ()
) -> Runner:
    """The runner for ``spec``; use it as a context manager so its processes end.

    ``coverage``: files of a Python consumer whose arcs are measured (fuzz guidance).
    """
    if spec.python is not None:
        return PythonRunner(spec, scratch, coverage)
    return CommandRunner(spec, scratch)
