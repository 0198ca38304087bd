"""Checking many files on every core: forked helper processes share chunks of files with us.

A config repository is thousands of small files, each parsed and validated on its own,
so the work splits cleanly by file. Helpers are *forked*: they inherit the run's
settings, rule plan (compiled regexes, CEL programs, the report's screen closure, none
of which need to pickle), schema registry and baseline. Only chunk numbers are shared
(one counter in shared memory); each file's Findings and FileChanges (plain dataclasses)
come back through a pipe and are put back in file order, so a parallel run reports
exactly what a serial one does.

This process is one of the workers: with N cores it forks N-1 helpers and takes chunks
from the same counter, so nothing sits idle, and on a machine whose other cores are busy
the run degrades to about the serial time instead of paying for processes that cannot
run. Files that must stay in this process (consumer smoke runs, whose runner pool keeps
subprocesses alive across files) are checked here first. Small runs, ``jobs=1`` and
platforms without ``fork`` check every file serially.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from .errors import ConfigurationError

MIN_FILES = 300
"""Fewer files than this are checked serially (a fork and its first pages cost ~10-20 ms)."""
CHUNK = 32
"""Files per chunk: large enough to keep pickling rare, small enough to balance cores."""

T = TypeVar("T")
R = TypeVar("R")

Outcome = tuple[bool, Any]
"""(True, result) or (False, the arguments of a ConfigurationError)."""

# The work of the current run, inherited by forked helpers (never pickled):
# items, work, chunk bounds, and the shared counter of the next chunk to take.
_WORK: tuple[Sequence[Any], Callable[[Any], Any], list[tuple[int, int]], Any] | None = None


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
    """How many processes (this one included) check ``count`` files; 0: check serially."""
    wanted = cores() if jobs is None or jobs <= 0 else jobs
    if wanted < 2 or count < max(MIN_FILES, 2) or not can_fork():
        return 0
    return min(wanted, -(-count // CHUNK))


def _chunks(indices: list[int]) -> list[tuple[int, int]]:
    """Contiguous runs of ``indices``, cut every CHUNK items, as (start, stop) bounds."""
    out: list[tuple[int, int]] = []
    start = prev = -2
    for i in indices:
        if i != prev + 1 or i - start >= CHUNK:
            if start >= 0:
                out.append((start, prev + 1))
            start = i
        prev = i
    if start >= 0:
        out.append((start, prev + 1))
    return out


def _run_chunk(bounds: tuple[int, int]) -> list[Outcome]:
    """Check items[start:stop]; a ConfigurationError is returned, not raised, so that it
    crosses the process boundary intact and stops the run at the same file."""
    assert _WORK is not None
    items, work = _WORK[0], _WORK[1]
    out: list[Outcome] = []
    for index in range(*bounds):
        try:
            out.append((True, work(items[index])))
        except ConfigurationError as exc:
            out.append((False, (exc.message, exc.file, exc.line, exc.column)))
            break  # a serial run would have stopped here
    return out


def _take_chunks() -> list[tuple[int, list[Outcome]]]:
    """Take chunks from the shared counter until none is left; (chunk number, outcomes)."""
    assert _WORK is not None
    chunks, counter = _WORK[2], _WORK[3]
    done: list[tuple[int, list[Outcome]]] = []
    while True:
        with counter.get_lock():
            number = counter.value
            counter.value += 1
        if number >= len(chunks):
            return done
        done.append((number, _run_chunk(chunks[number])))


def _helper(sender: Any) -> None:
    """A forked helper: its share of the chunks, sent back in one message."""
    try:
        sender.send((True, _take_chunks()))
    except BaseException as exc:  # a bug in a check: the main process re-raises it
        import traceback

        sender.send((False, "".join(traceback.format_exception(exc)).strip()))
    finally:
        sender.close()


def map_files(
    items: Sequence[T],
    work: Callable[[T], R],
    jobs: int | None = None,
    local: Callable[[T], bool] | None = None,
) -> list[R]:
    """``[work(item) for item in items]``, spread over forked processes when it pays.

    ``local(item)`` true: the item is worked on in this process, never in a helper.
    The first ConfigurationError in item order is raised, as a serial loop would.
    """
    global _WORK
    processes = workers_for(len(items), jobs)
    here = [i for i, item in enumerate(items) if processes and local is not None and local(item)]
    kept = set(here)
    chunks = _chunks([i for i in range(len(items)) if i not in kept]) if processes else []
    if len(chunks) < 2:  # nothing to share
        return [work(item) for item in items]
    import multiprocessing

    context = multiprocessing.get_context("fork")
    for stream in (sys.stdout, sys.stderr):  # a helper flushes what it inherits on exit
        stream.flush()
    results: dict[int, Outcome] = {}
    helpers: list[tuple[Any, Any]] = []
    _WORK = (items, work, chunks, context.Value("q", 0))
    finished = False
    try:
        for _ in range(min(processes, len(chunks)) - 1):
            receiver, sender = context.Pipe(duplex=False)
            process = context.Process(target=_helper, args=(sender,), daemon=True)
            process.start()
            sender.close()
            helpers.append((process, receiver))
        for i in here:
            try:
                results[i] = (True, work(items[i]))
            except ConfigurationError as exc:
                results[i] = (False, (exc.message, exc.file, exc.line, exc.column))
                break
        shares = [_take_chunks()]
        for process, receiver in helpers:
            try:
                ok, payload = receiver.recv()
            except EOFError:
                raise RuntimeError(
                    f"a worker process died (exit code {process.exitcode}); "
                    "run with --jobs 1 to check the files one by one"
                ) from None
            if not ok:
                raise RuntimeError(f"a worker process failed:\n{payload}")
            shares.append(payload)
        for share in shares:
            for number, outcomes in share:
                begin = chunks[number][0]
                for offset, outcome in enumerate(outcomes):
                    results[begin + offset] = outcome
        finished = True
    finally:
        _WORK = None
        for process, receiver in helpers:
            if not finished:
                process.terminate()
            process.join()
            receiver.close()
    out: list[R] = []
    for i in range(len(items)):  # only indices after an error can lack a result
        ok, value = results[i]
        if not ok:
            raise ConfigurationError(*value)
        out.append(value)
    return out
