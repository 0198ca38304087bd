"""The runner of a ``python:`` consumer: one worker process, reused across inputs.

Importing the consumer once is what makes fuzzing fast, so the worker (``_worker.py``,
run by path so that it imports nothing from configguard) stays up between inputs and
is restarted after a timeout or its death. A crash the worker survives keeps it.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ConfigurationError
from .outcome import Outcome, Runner, timed
from .process import (
    Died,
    Tail,
    TimedOut,
    died_outcome,
    drain,
    frame,
    kill_group,
    read_exact,
    write_all,
)
from .spec import ConsumerSpec

STARTUP_TIMEOUT = 60.0
WORKER = Path(__file__).with_name("_worker.py")


@dataclass
class _Worker:
    """One worker process and its pipes, before or after it is adopted by the runner."""

    process: subprocess.Popen[bytes]
    request: int
    response: int
    stdout: Tail
    stderr: Tail
    threads: list[threading.Thread] = field(default_factory=list)
    hello: bytes = b""
    """The hello still to send (empty once sent)."""

    def stop(self) -> None:
        for fd in (self.request, self.response):
            with contextlib.suppress(OSError):
                os.close(fd)
        kill_group(self.process)
        for thread in self.threads:
            thread.join(timeout=5)


class PythonRunner(Runner):
    """A reused worker process; restarted after a crash, a timeout or its death."""

    def __init__(
        self, spec: ConsumerSpec, scratch: Path | None = None, coverage: tuple[str, ...] = ()
    ) -> None:
        super().__init__(spec, scratch)
        self.coverage = coverage
        """The consumer's own files, whose arcs the worker measures (fuzz guidance); or none."""
        self._process: subprocess.Popen[bytes] | None = None
        self._request = -1
        self._response = -1
        self._stdout = Tail()
        self._stderr = Tail()
        self._threads: list[threading.Thread] = []
        self._spare: _Worker | None = None
        self._restarts = 0

    def _launch(self) -> _Worker:
        """Start a worker process and send it its hello; its answer is read on adoption."""
        request_r, request_w = os.pipe()
        response_r, response_w = os.pipe()
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        env = dict(os.environ)
        env["PYTHONDONTWRITEBYTECODE"] = "1"  # no __pycache__ beside the user's consumer
        env.setdefault("PYTHONIOENCODING", "utf-8")
        try:
            process = subprocess.Popen(
                [sys.executable, "-u", str(WORKER), str(request_r), str(response_w)],
                stdin=subprocess.DEVNULL,
                stdout=out_w,
                stderr=err_w,
                cwd=self.spec.root,
                env=env,
                pass_fds=(request_r, response_w),
                start_new_session=True,  # the worker sets its own limits
            )
        finally:
            for fd in (request_r, response_w, out_w, err_w):
                os.close(fd)
        worker = _Worker(process, request_w, response_r, Tail(), Tail())
        worker.threads = [
            threading.Thread(target=drain, args=(out_r, worker.stdout), daemon=True),
            threading.Thread(target=drain, args=(err_r, worker.stderr), daemon=True),
        ]
        for thread in worker.threads:
            thread.start()
        hello = {
            "root": str(self.spec.root.absolute()),
            "python": self.spec.python,
            "rejects": list(self.spec.rejects),
            "memory_limit": self.spec.memory_limit,
            "output_limit": self.spec.output_limit if self.spec.output else None,
            "coverage": list(self.coverage),
        }
        worker.hello = frame(hello)
        return worker

    def _start(self) -> None:
        worker, self._spare = self._spare or self._launch(), None
        self._process, self._request, self._response = (
            worker.process,
            worker.request,
            worker.response,
        )
        self._stdout, self._stderr, self._threads = worker.stdout, worker.stderr, worker.threads
        deadline = time.monotonic() + max(STARTUP_TIMEOUT, self.spec.timeout)
        try:
            write_all(self._request, worker.hello, deadline)
            answer = self._receive(deadline)
        except (Died, TimedOut) as exc:
            self._stop()
            what = "timed out" if isinstance(exc, TimedOut) else "died"
            tail = " | ".join(self._stderr.lines(3))
            raise ConfigurationError(
                f"consumer {self.spec.name}: the worker {what} while importing it"
                + (f": {tail}" if tail else "")
            ) from None
        if not answer.get("ok"):
            self._stop()
            raise ConfigurationError(f"consumer {self.spec.name}: {answer.get('error')}")
        if self._restarts:
            # a consumer that hangs or dies once will again: a spare worker imports it
            # meanwhile, so the next restart costs a pipe write, not an interpreter start
            self._spare = self._launch()
            write_all(self._spare.request, self._spare.hello, deadline)
            self._spare.hello = b""

    def _receive(self, deadline: float) -> dict[str, Any]:
        size = int.from_bytes(read_exact(self._response, 4, deadline), "big")
        message: dict[str, Any] = json.loads(read_exact(self._response, size, deadline))
        return message

    def _stop(self) -> None:
        process, self._process = self._process, None
        for fd in (self._request, self._response):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._request = self._response = -1
        if process is not None:
            kill_group(process)
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads = []

    def run(
        self,
        data: Any,
        raw: bytes | None = None,
        path: Path | None = None,
        suffix: str = ".json",
        timeout: float | None = None,
        measure: bool = True,
    ) -> Outcome:
        if self._process is None:
            self._start()
        assert self._process is not None
        self.runs += 1
        self._stdout.clear()
        self._stderr.clear()
        started = time.monotonic()
        limit = timeout or self.spec.timeout
        deadline = started + limit
        try:
            message = frame({"data": data, "measure": measure})
        except (ValueError, TypeError) as exc:  # not JSON data: configguard's own mistake
            raise ConfigurationError(f"cannot pass this input to the consumer: {exc}") from None
        try:
            # writing a large input is not the consumer's time; give it its own allowance
            write_all(self._request, message, started + max(self.spec.timeout, 30.0))
            answer = self._receive(deadline)
        except TimedOut:
            self._stop()
            self._restarts += 1
            return Outcome(
                "crash",
                "timeout",
                "Timeout",
                f"no answer within {limit:g}s",
                "",
                self._stderr.lines(),
                time.monotonic() - started,
            )
        except Died:
            process = self._process
            returncode = process.wait() if process is not None else None
            self._stop()
            self._restarts += 1
            # the drain threads have now read everything the worker wrote
            outcome = died_outcome(returncode, self._stderr.lines(), self.spec.memory_limit)
            return timed(outcome, started)
        seconds = time.monotonic() - started
        new = int(answer.get("new", 0))
        if answer["status"] == "accepted":
            return Outcome(
                "accepted",
                seconds=seconds,
                new_coverage=new,
                output=answer.get("output"),
                output_error=answer.get("output_error", ""),
                output_error_kind=answer.get("output_error_kind", ""),
            )
        if answer["status"] == "rejected":
            return Outcome(
                "rejected", "", answer["type"], answer["message"], seconds=seconds, new_coverage=new
            )
        tail = tuple(answer.get("tail", ())) + self._stderr.lines(4)
        # The worker survived the exception; it is kept (restarting costs ~30 ms a crash,
        # and a fuzz run crashes the same way thousands of times).
        return Outcome(
            "crash",
            answer.get("kind", "exception"),
            answer["type"],
            answer["message"],
            answer.get("where", ""),
            tail,
            seconds,
            new,
        )

    def close(self) -> None:
        self._stop()
        spare, self._spare = self._spare, None
        if spare is not None:
            spare.stop()
