"""Process plumbing shared by the runners: limits, process groups, bounded output tails.

A consumer runs in its own process group with no core files and a bounded address
space; the group is killed whole at the end, so children it leaves behind die too, and
every process is reaped. Its output is drained continuously into a bounded tail, so a
consumer printing megabytes can neither block on a full pipe nor fill configguard's
memory. Messages to a Python worker are a 4-byte big-endian length and a JSON body.
"""

from __future__ import annotations

import collections
import contextlib
import json
import os
import re
import resource
import select
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from .outcome import Outcome

TAIL_BYTES = 16 * 1024
TAIL_LINES = 12


def limits(memory_limit: int | None) -> Callable[[], None]:
    """Runs in the child between fork and exec: no core files, bounded address space."""

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if memory_limit:
            resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))

    return apply


def kill_group(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the consumer's whole process group, then reap it (no zombie is left)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError):
        process.kill()
    process.wait()


class Tail:
    """The last bytes a stream produced; the rest is counted and dropped."""

    def __init__(self, limit: int = TAIL_BYTES) -> None:
        self._chunks: collections.deque[bytes] = collections.deque()
        self._size = 0
        self._limit = limit
        self.total = 0
        self._lock = threading.Lock()

    def add(self, chunk: bytes) -> None:
        with self._lock:
            self.total += len(chunk)
            self._chunks.append(chunk)
            self._size += len(chunk)
            while self._size - len(self._chunks[0]) >= self._limit:
                self._size -= len(self._chunks.popleft())

    def clear(self) -> None:
        with self._lock:
            self._chunks.clear()
            self._size = 0
            self.total = 0

    def lines(self, count: int = TAIL_LINES) -> tuple[str, ...]:
        with self._lock:
            data = b"".join(self._chunks)[-self._limit :]
            total = self.total
        text = data.decode("utf-8", "replace")
        lines = [line.rstrip() for line in text.splitlines() if line.strip()][-count:]
        lines = [line if len(line) <= 300 else line[:299] + "\u2026" for line in lines]
        if total > len(data):
            lines.insert(0, f"[{total:,} bytes of output, last lines:]")
        return tuple(lines)


def drain(fd: int, tail: Tail) -> None:
    """Read until EOF (a thread per stream of a long-lived worker)."""
    try:
        while True:
            chunk = os.read(fd, 65536)
            if not chunk:
                return
            tail.add(chunk)
    except OSError:
        return
    finally:
        with contextlib.suppress(OSError):
            os.close(fd)


class Died(Exception):
    """The worker's pipe closed: the process is gone."""


class TimedOut(Exception):
    pass


def write_all(fd: int, data: bytes, deadline: float) -> None:
    view = memoryview(data)
    while view:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimedOut
        _, writable, _ = select.select([], [fd], [], left)
        if writable:
            try:
                view = view[os.write(fd, view[: 1 << 16]) :]
            except (BrokenPipeError, OSError):
                raise Died from None


def read_exact(fd: int, n: int, deadline: float) -> bytes:
    chunks: list[bytes] = []
    while n:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimedOut
        readable, _, _ = select.select([fd], [], [], left)
        if not readable:
            continue
        chunk = os.read(fd, min(n, 1 << 20))
        if not chunk:
            raise Died
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def frame(message: Any) -> bytes:
    """A length-prefixed JSON message. orjson writes it 5-10x faster (a fuzz input can be
    megabytes); integers past 64 bits, which it refuses, go through the standard library."""
    import orjson

    try:
        body = orjson.dumps(message)
    except TypeError:
        body = json.dumps(message, allow_nan=True).encode("utf-8")
    return len(body).to_bytes(4, "big") + body


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def died_outcome(returncode: int | None, tail: tuple[str, ...], memory: int | None) -> Outcome:
    """A worker or command that ended without answering."""
    if returncode is not None and returncode < 0:
        name = _signal_name(-returncode)
        message = f"killed by {name}"
        if -returncode == signal.SIGKILL and memory:
            message += " (out of memory?)"
        return Outcome("crash", "signal", name, message, _traceback_where(tail), tail)
    kind, type_, where = python_error(tail)
    if kind:
        return Outcome("crash", kind, type_, f"exit code {returncode}", where, tail)
    return Outcome(
        "crash", "died", f"exit code {returncode}", "the process ended without an answer", "", tail
    )


_TRACE_FRAME = re.compile(r'^\s*File "([^"]+)", line (\d+), in (\S+)')
_TRACE_ERROR = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Warning)\b)")


def _traceback_where(tail: Sequence[str]) -> str:
    frames = [m for m in (_TRACE_FRAME.match(line) for line in tail) if m]
    if not frames:
        return ""
    last = frames[-1]
    return f"{os.path.basename(last.group(1))}:{last.group(2)} in {last.group(3)}"


def python_error(tail: Sequence[str]) -> tuple[str, str, str]:
    """A Python traceback at the end of a command's stderr: its type and last frame."""
    for line in reversed(tail):
        match = _TRACE_ERROR.match(line.strip())
        if match:
            type_ = match.group(1)
            kind = "memory" if type_ == "MemoryError" else "exception"
            return kind, type_, _traceback_where(tail)
    return "", "", ""
