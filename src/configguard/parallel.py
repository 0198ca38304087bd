"""Checking many files on every core: a fork-started process pool over chunks of files.

A config repository is thousands of small files, each parsed and validated on its own,
so the work splits cleanly by file. Workers are *forked*: they inherit the run's
settings, rule plan (compiled regexes, CEL programs, the report's screen closure, none
of which need to pickle), schema registry and baseline. Only chunk bounds go out; each
file's Findings and FileChanges (plain dataclasses) come back and are put back in file
order, so a parallel run reports exactly what a serial one does.

Files that must stay in this process (consumer smoke runs, whose runner pool keeps
worker subprocesses alive across files) are checked here while the workers run. Small
runs, ``jobs=1`` and platforms without ``fork`` check every file serially: starting
workers costs more than it saves below a few hundred files.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from .errors import ConfigurationError

MIN_FILES = 300
"""Fewer files than this are checked serially (forking 2 workers costs ~20-40 ms)."""
CHUNK = 32
"""Files per task: large enough to keep pickling rare, small enough to balance cores."""

T = TypeVar("T")
R = TypeVar("R")

# The work of the current run, inherited by forked workers (never pickled).
_WORK: tuple[Sequence[Any], Callable[[Any], Any]] | None = None


def cores() -> int:
    """The cores this process may run on (not the machine's count in a container)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # pragma: no cover - non-Linux
        return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    """Fork is safe on Linux; macOS's system libraries are not fork-safe."""
    if not sys.platform.startswith("linux"):
        return False
    import multiprocessing  # only for many files: it costs ~10 ms of start-up

    return "fork" in multiprocessing.get_all_start_methods()


def workers_for(count: int, jobs: int | None) -> int:
    """How many worker processes to start for ``count`` files (0: check serially)."""
    wanted = cores() if jobs is None or jobs <= 0 else jobs
    if wanted < 2 or count < max(MIN_FILES, 2) or not can_fork():
        return 0
    return min(wanted, -(-count // CHUNK))


def _run_chunk(bounds: tuple[int, int]) -> list[tuple[bool, Any]]:
    """In a worker: check files[start:stop]; a ConfigurationError is returned, not raised,
    so that it crosses the process boundary intact and stops the run at the same file."""
    assert _WORK is not None
    items, work = _WORK
    out: list[tuple[bool, Any]] = []
    for index in range(*bounds):
        try:
            out.append((True, work(items[index])))
        except ConfigurationError as exc:
            out.append((False, (exc.message, exc.file, exc.line, exc.column)))
            break  # a serial run would have stopped here
    return out


def map_files(
    items: Sequence[T],
    work: Callable[[T], R],
    jobs: int | None = None,
    local: Callable[[T], bool] | None = None,
) -> list[R]:
    """``[work(item) for item in items]``, spread over worker processes when it pays.

    ``local(item)`` true: the item is worked on in this process (while workers run).
    The first ConfigurationError in item order is raised, as a serial loop would.
    """
    global _WORK
    workers = workers_for(len(items), jobs)
    if workers == 0:
        return [work(item) for item in items]
    here = [i for i, item in enumerate(items) if local is not None and local(item)]
    kept = set(here)
    remote = [i for i in range(len(items)) if i not in kept]
    # contiguous runs of remote indices, cut into chunks
    chunks: list[tuple[int, int]] = []
    start = prev = -2
    for i in remote:
        if i != prev + 1 or i - start >= CHUNK:
            if start >= 0:
                chunks.append((start, prev + 1))
            start = i
        prev = i
    if start >= 0:
        chunks.append((start, prev + 1))
    if not chunks:  # every file stays here
        return [work(item) for item in items]
    import multiprocessing

    results: dict[int, tuple[bool, Any]] = {}
    _WORK = (items, work)
    try:
        context = multiprocessing.get_context("fork")
        with context.Pool(min(workers, len(chunks))) as pool:
            pending = pool.imap(_run_chunk, chunks)
            for i in here:
                try:
                    results[i] = (True, work(items[i]))
                except ConfigurationError as exc:
                    results[i] = (False, (exc.message, exc.file, exc.line, exc.column))
                    break
            for (begin, _end), chunk in zip(chunks, pending, strict=True):
                for offset, outcome in enumerate(chunk):
                    results[begin + offset] = outcome
    finally:
        _WORK = None
    out: list[R] = []
    for i in range(len(items)):  # only indices after an error can lack a result
        ok, value = results[i]
        if not ok:
            raise ConfigurationError(*value)
        out.append(value)
    return out
