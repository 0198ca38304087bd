"""Work done in a forked child comes back intact; any failure there is redone here."""

from __future__ import annotations

import os
import threading

from configguard import sidecar
from configguard.sidecar import Sidecar


def test_the_child_answers_with_the_work_of_this_process() -> None:
    data = b'"a"' * 100_000
    beside = Sidecar(lambda: (data.count(b'"'), len(data), os.getpid()))
    assert beside._child is not None  # really forked (Linux, one thread)
    quotes, size, pid = beside.result()
    assert (quotes, size) == (200_000, 300_000)
    assert pid != os.getpid()


def test_a_child_that_dies_is_redone_here() -> None:
    parent = os.getpid()

    def work() -> tuple[int, ...]:
        if os.getpid() != parent:
            os._exit(9)  # the child dies without answering
        return (1, 2)

    assert Sidecar(work).result() == (1, 2)


def test_no_fork_while_other_threads_run() -> None:
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not sidecar._may_fork()
        beside = Sidecar(lambda: (os.getpid(),))
        assert beside._child is None and beside.result() == (os.getpid(),)
    finally:
        stop.set()
        other.join()


def test_no_child_is_left_behind() -> None:
    for _ in range(20):
        Sidecar(lambda: (1,)).result()
    try:
        zombie, _ = os.waitpid(-1, os.WNOHANG)  # 0: children live, none has ended unreaped
    except ChildProcessError:
        return  # no child at all: every one was reaped
    assert zombie == 0
