"""Counting on the other core while this one parses.

A big file's bytes are held before they are parsed; a few facts about them (how many
quotes, whether 19 digits stand in a row) are pure functions of those bytes. A forked
child, which shares the bytes copy-on-write (nothing is copied), works them out while
this process parses, and sends back a handful of integers through a pipe.

Only on Linux, in a process with one thread (fork is not safe otherwise); anywhere else,
or when the child fails in any way, the work is simply done here.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable


class Sidecar:
    """``work()`` started in a forked child; :meth:`result` waits for its integers."""

    def __init__(self, work: Callable[[], tuple[int, ...]]) -> None:
        self._work = work
        self._child: tuple[int, int] | None = None  # (pid, read end of the pipe)
        if not _may_fork():
            return
        read, write = os.pipe()
        try:
            pid = os.fork()
        except OSError:  # no memory or process left: do it here
            os.close(read)
            os.close(write)
            return
        if pid == 0:  # the child: answer, then leave without running any clean-up
            try:
                os.close(read)
                os.write(write, ",".join(map(str, work())).encode("ascii"))
            finally:
                os._exit(0)
        os.close(write)
        self._child = (pid, read)

    def result(self) -> tuple[int, ...]:
        if self._child is None:
            return self._work()
        pid, read = self._child
        self._child = None
        chunks = []
        try:
            while chunk := os.read(read, 4096):
                chunks.append(chunk)
        finally:
            os.close(read)
            os.waitpid(pid, 0)
        text = b"".join(chunks).decode("ascii")
        if not text:  # the child died before answering
            return self._work()
        return tuple(int(part) for part in text.split(","))


def _may_fork() -> bool:
    if not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return False
    threading = sys.modules.get("threading")  # not imported: this process has one thread
    return threading is None or threading.active_count() == 1
