"""Running a consumer (the real program that reads a config) in isolation, with limits.

A consumer is a Python callable (``module:function``, given the parsed data) or any
command (``{file}`` replaced by a file's path, or the content on stdin). It never runs
in configguard's own process: a Python consumer runs in a worker subprocess that is
reused across inputs (importing it once is what makes fuzzing fast); a command is one
process per input. Every run has a timeout and a memory limit (``RLIMIT_AS``), its own
process group (killed whole, so children it leaves behind die too), no core dumps, and
its output drained into a bounded tail (a consumer printing megabytes cannot block it or
fill configguard's memory).

The result is an :class:`Outcome`: accepted, cleanly rejected (a declared exception or
exit code), or a crash (any other exception, a signal, an undeclared exit code, a
timeout, memory exhaustion) with the exception type, message and the consumer's last
frame, or the tail of stderr.
"""

from __future__ import annotations

import abc
import collections
import contextlib
import json
import os
import re
import resource
import select
import signal
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .errors import ConfigurationError
from .units import parse_duration, parse_size

DEFAULT_TIMEOUT = 10.0
DEFAULT_MEMORY_LIMIT = 1 << 30
DEFAULT_FUZZ_MAX_ITEMS = 10_000
STARTUP_TIMEOUT = 60.0
TAIL_BYTES = 16 * 1024
TAIL_LINES = 12
DEFAULT_OUTPUT_LIMIT = 16 * 1024 * 1024
"""Largest output (``output:``) kept, as JSON bytes: a bigger one is a finding, not read."""
OUTPUT_MODES = ("return", "stdout", "{out}")
WORKER = Path(__file__).with_name("_consumer_worker.py")

Status = Literal["accepted", "rejected", "crash"]


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


@dataclass(frozen=True)
class Outcome:
    """What one run of the consumer did with one input."""

    status: Status
    kind: str = ""
    """For a crash: exception, memory, exit, signal, timeout or died."""
    type: str = ""
    message: str = ""
    where: str = ""
    """The consumer's innermost frame (``file:line in function``), when known."""
    tail: tuple[str, ...] = field(default=(), compare=False)
    """Traceback lines or the tail of stderr, for the report."""
    seconds: float = field(default=0.0, compare=False)
    output: Any = field(default=None, compare=False)
    """The consumer's output as JSON data, when its spec declares ``output:`` and it accepted."""
    output_error: str = field(default="", compare=False)
    """Why an accepted run has no output: its ``output_error_kind`` and a short reason."""
    output_error_kind: str = field(default="", compare=False)
    """``type`` (a return value with no JSON form), ``size`` (over the limit), ``parse``
    (stdout or the ``{out}`` file is not JSON or YAML) or ``missing`` (no ``{out}`` file)."""

    @property
    def crashed(self) -> bool:
        return self.status == "crash"

    def signature(self) -> str:
        """The same bug gives the same signature whatever the input (no message text)."""
        return f"{self.kind}:{self.type}:{self.where}"

    def summary(self) -> str:
        """``IndexError: too many features (at botloader.py:20 in load)``, on one line."""
        head = (
            f"{self.type}: {self.message}"
            if self.type and self.message
            else (self.type or self.message or self.status)
        )
        head = " ".join(head.split())
        return f"{head} (at {self.where})" if self.where else head


# -- option parsing --------------------------------------------------------------------


def parse_memory_limit(value: Any) -> int | None:
    """A consumer's ``memory_limit``: a size as ``units.parse_size`` reads it (``512MB`` is
    512 x 10^6 bytes, ``512MiB`` 512 x 2^20), or ``none``/null for no limit."""
    if value is None or (isinstance(value, str) and value.strip().lower() in ("none", "off")):
        return None
    size = parse_size(value)
    if size < 32_000_000:
        raise ValueError(f"a memory limit below 32MB cannot start a process: {value!r}")
    return size


def spec_from_config(data: dict[str, Any], root: Path, where: str) -> ConsumerSpec:
    """The typed spec of a ``consumer:`` block already checked against configguard's schema."""
    python, command = data.get("python"), data.get("command")
    if (python is None) == (command is None):
        raise ConfigurationError(f"{where}: give exactly one of 'python' or 'command'")
    if python is not None and data.get("reject_exit_codes"):
        raise ConfigurationError(
            f"{where}: reject_exit_codes is for command consumers; a python consumer "
            "declares exceptions in 'rejects'"
        )
    if command is not None and data.get("rejects"):
        raise ConfigurationError(
            f"{where}: rejects names exceptions of a python consumer; a command declares "
            "'reject_exit_codes'"
        )
    try:
        timeout = parse_duration(data.get("timeout", DEFAULT_TIMEOUT))
    except ValueError as exc:
        raise ConfigurationError(f"{where}.timeout: {exc}") from None
    try:
        memory = parse_memory_limit(data.get("memory_limit", DEFAULT_MEMORY_LIMIT))
    except ValueError as exc:
        raise ConfigurationError(f"{where}.memory_limit: {exc}") from None
    output = data.get("output")
    if output is not None:
        _check_output(output, python is not None, command or (), where)
    try:
        output_limit = parse_size(data.get("output_limit", DEFAULT_OUTPUT_LIMIT))
    except ValueError as exc:
        raise ConfigurationError(f"{where}.output_limit: {exc}") from None
    return ConsumerSpec(
        root=root,
        python=python,
        command=tuple(command) if command is not None else None,
        rejects=tuple(data.get("rejects", ())),
        reject_exit_codes=tuple(data.get("reject_exit_codes", ())),
        timeout=timeout,
        memory_limit=memory,
        fuzz_max_items=int(data.get("fuzz_max_items", DEFAULT_FUZZ_MAX_ITEMS)),
        output=output,
        output_limit=output_limit,
    )


def _check_output(output: str, python: bool, command: Sequence[str], where: str) -> None:
    """``output: return`` is for python consumers; ``stdout`` and ``{out}`` for commands,
    and ``{out}`` must be somewhere in the command for it to know where to write."""
    if python and output != "return":
        raise ConfigurationError(
            f"{where}.output: a python consumer's output is its return value: 'output: return'"
        )
    if not python and output == "return":
        raise ConfigurationError(
            f"{where}.output: a command's output is 'stdout' or '{{out}}' (a file it writes)"
        )
    if output == "{out}" and not any("{out}" in arg for arg in command):
        raise ConfigurationError(
            f"{where}.output: '{{out}}' names the file the command writes: put {{out}} in "
            "its arguments"
        )


# -- process plumbing ------------------------------------------------------------------


def _limits(memory_limit: int | None) -> Callable[[], None]:
    """Runs in the child between fork and exec: no core files, bounded address space."""

    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        if memory_limit:
            resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))

    return apply


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the consumer's whole process group, then reap it (no zombie is left)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError):
        process.kill()
    process.wait()


class _Tail:
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


def _drain(fd: int, tail: _Tail) -> None:
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


class _Died(Exception):
    """The worker's pipe closed: the process is gone."""


class _TimedOut(Exception):
    pass


def _write_all(fd: int, data: bytes, deadline: float) -> None:
    view = memoryview(data)
    while view:
        left = deadline - time.monotonic()
        if left <= 0:
            raise _TimedOut
        _, writable, _ = select.select([], [fd], [], left)
        if writable:
            try:
                view = view[os.write(fd, view[: 1 << 16]) :]
            except (BrokenPipeError, OSError):
                raise _Died from None


def _read_exact(fd: int, n: int, deadline: float) -> bytes:
    chunks: list[bytes] = []
    while n:
        left = deadline - time.monotonic()
        if left <= 0:
            raise _TimedOut
        readable, _, _ = select.select([fd], [], [], left)
        if not readable:
            continue
        chunk = os.read(fd, min(n, 1 << 20))
        if not chunk:
            raise _Died
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def _frame(message: Any) -> bytes:
    body = json.dumps(message, allow_nan=True).encode("utf-8")
    return len(body).to_bytes(4, "big") + body


def _signal_name(number: int) -> str:
    try:
        return signal.Signals(number).name
    except ValueError:
        return f"signal {number}"


def _died_outcome(returncode: int | None, tail: tuple[str, ...], memory: int | None) -> Outcome:
    """A worker or command that ended without answering."""
    if returncode is not None and returncode < 0:
        name = _signal_name(-returncode)
        message = f"killed by {name}"
        if -returncode == signal.SIGKILL and memory:
            message += " (out of memory?)"
        return Outcome("crash", "signal", name, message, _traceback_where(tail), tail)
    kind, type_, where = _python_error(tail)
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


def _python_error(tail: Sequence[str]) -> tuple[str, str, str]:
    """A Python traceback at the end of a command's stderr: its type and last frame."""
    for line in reversed(tail):
        match = _TRACE_ERROR.match(line.strip())
        if match:
            type_ = match.group(1)
            kind = "memory" if type_ == "MemoryError" else "exception"
            return kind, type_, _traceback_where(tail)
    return "", "", ""


# -- the two kinds of runner -------------------------------------------------------------


class Runner(abc.ABC):
    """Runs one consumer on one input at a time; ``close()`` ends every process it started."""

    def __init__(self, spec: ConsumerSpec, scratch: Path | None = None) -> None:
        self.spec = spec
        self.scratch = scratch
        """Folder for the temporary files a ``{file}`` command reads (under .configguard/)."""
        self.runs = 0

    @abc.abstractmethod
    def run(
        self, data: Any, raw: bytes | None = None, path: Path | None = None, suffix: str = ".json"
    ) -> Outcome:
        """One input: ``data`` for a Python consumer; ``raw`` (or ``path``) for a command."""

    def close(self) -> None:  # noqa: B027 - a command runner keeps nothing running
        """Stop everything this runner started."""

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class PythonRunner(Runner):
    """A reused worker process; restarted after a crash, a timeout or its death."""

    def __init__(self, spec: ConsumerSpec, scratch: Path | None = None) -> None:
        super().__init__(spec, scratch)
        self._process: subprocess.Popen[bytes] | None = None
        self._request = -1
        self._response = -1
        self._stdout = _Tail()
        self._stderr = _Tail()
        self._threads: list[threading.Thread] = []

    def _start(self) -> None:
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
        self._process, self._request, self._response = process, request_w, response_r
        self._stdout, self._stderr = _Tail(), _Tail()
        self._threads = [
            threading.Thread(target=_drain, args=(out_r, self._stdout), daemon=True),
            threading.Thread(target=_drain, args=(err_r, self._stderr), daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        hello = {
            "root": str(self.spec.root.absolute()),
            "python": self.spec.python,
            "rejects": list(self.spec.rejects),
            "memory_limit": self.spec.memory_limit,
            "output_limit": self.spec.output_limit if self.spec.output else None,
        }
        deadline = time.monotonic() + max(STARTUP_TIMEOUT, self.spec.timeout)
        try:
            _write_all(self._request, _frame(hello), deadline)
            answer = self._receive(deadline)
        except (_Died, _TimedOut) as exc:
            self._stop()
            what = "timed out" if isinstance(exc, _TimedOut) else "died"
            tail = " | ".join(self._stderr.lines(3))
            raise ConfigurationError(
                f"consumer {self.spec.name}: the worker {what} while importing it"
                + (f": {tail}" if tail else "")
            ) from None
        if not answer.get("ok"):
            self._stop()
            raise ConfigurationError(f"consumer {self.spec.name}: {answer.get('error')}")

    def _receive(self, deadline: float) -> dict[str, Any]:
        size = int.from_bytes(_read_exact(self._response, 4, deadline), "big")
        message: dict[str, Any] = json.loads(_read_exact(self._response, size, deadline))
        return message

    def _stop(self) -> None:
        process, self._process = self._process, None
        for fd in (self._request, self._response):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._request = self._response = -1
        if process is not None:
            _kill_group(process)
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads = []

    def run(
        self, data: Any, raw: bytes | None = None, path: Path | None = None, suffix: str = ".json"
    ) -> Outcome:
        if self._process is None:
            self._start()
        assert self._process is not None
        self.runs += 1
        self._stdout.clear()
        self._stderr.clear()
        started = time.monotonic()
        deadline = started + self.spec.timeout
        try:
            message = _frame({"data": data})
        except (ValueError, TypeError) as exc:  # not JSON data: configguard's own mistake
            raise ConfigurationError(f"cannot pass this input to the consumer: {exc}") from None
        try:
            # writing a large input is not the consumer's time; give it its own allowance
            _write_all(self._request, message, started + max(self.spec.timeout, 30.0))
            answer = self._receive(deadline)
        except _TimedOut:
            self._stop()
            return Outcome(
                "crash",
                "timeout",
                "Timeout",
                f"no answer within {self.spec.timeout:g}s",
                "",
                self._stderr.lines(),
                time.monotonic() - started,
            )
        except _Died:
            process = self._process
            returncode = process.wait() if process is not None else None
            self._stop()
            # the drain threads have now read everything the worker wrote
            outcome = _died_outcome(returncode, self._stderr.lines(), self.spec.memory_limit)
            return _timed(outcome, started)
        seconds = time.monotonic() - started
        if answer["status"] == "accepted":
            return Outcome(
                "accepted",
                seconds=seconds,
                output=answer.get("output"),
                output_error=answer.get("output_error", ""),
                output_error_kind=answer.get("output_error_kind", ""),
            )
        if answer["status"] == "rejected":
            return Outcome("rejected", "", answer["type"], answer["message"], seconds=seconds)
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
        )

    def close(self) -> None:
        self._stop()


def _timed(outcome: Outcome, started: float) -> Outcome:
    return Outcome(
        outcome.status,
        outcome.kind,
        outcome.type,
        outcome.message,
        outcome.where,
        outcome.tail,
        time.monotonic() - started,
    )


class CommandRunner(Runner):
    """One process per input, ``{file}`` or stdin."""

    def run(
        self, data: Any, raw: bytes | None = None, path: Path | None = None, suffix: str = ".json"
    ) -> Outcome:
        self.runs += 1
        if raw is None and path is None:
            raw = serialize(data, suffix)
        temporary: Path | None = None
        stdin_data: bytes | None = None
        if self.spec.uses_file:
            if path is None:
                assert raw is not None
                temporary = path = self._scratch_file(raw, suffix)
            argv = [arg.replace("{file}", str(path)) for arg in self.spec.command or ()]
        else:
            argv = list(self.spec.command or ())
            stdin_data = raw if raw is not None else Path(path).read_bytes()  # type: ignore[arg-type]
        out_dir: str | None = None
        if self.spec.output == "{out}":  # a private folder, never next to the config
            import tempfile

            out_dir = tempfile.mkdtemp(prefix="configguard-out-")
            argv = [arg.replace("{out}", os.path.join(out_dir, "output")) for arg in argv]
        try:
            outcome = self._spawn(argv, stdin_data)
            if out_dir is not None and outcome.status == "accepted":
                outcome = _with_output(outcome, _read_out(Path(out_dir) / "output", self.spec))
            return outcome
        finally:
            if temporary is not None:
                with contextlib.suppress(OSError):
                    temporary.unlink()
            if out_dir is not None:
                import shutil

                shutil.rmtree(out_dir, ignore_errors=True)

    def _scratch_file(self, raw: bytes, suffix: str) -> Path:
        import tempfile

        folder = self.scratch
        if folder is None:
            raise ConfigurationError("a {file} command consumer needs a scratch folder")
        folder.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix="input-", suffix=suffix, dir=folder)
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
        return Path(name)

    def _spawn(self, argv: list[str], stdin_data: bytes | None) -> Outcome:
        started = time.monotonic()
        deadline = started + self.spec.timeout
        try:
            process = subprocess.Popen(
                argv,
                cwd=self.spec.root,
                stdin=subprocess.PIPE if stdin_data is not None else subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
                # only setrlimit runs between fork and exec: safe beside our threads
                preexec_fn=_limits(self.spec.memory_limit),  # noqa: PLW1509
            )
        except OSError as exc:
            raise ConfigurationError(
                f"consumer command {argv[0]!r} cannot be started: {exc.strerror or exc}"
            ) from None
        assert process.stdout is not None and process.stderr is not None
        stdout, stderr = _Tail(), _Tail()
        captured = _Capture(self.spec.output_limit) if self.spec.output == "stdout" else None
        streams = {process.stdout.fileno(): stdout, process.stderr.fileno(): stderr}
        pending = memoryview(stdin_data) if stdin_data is not None else None
        stdin_fd = process.stdin.fileno() if process.stdin is not None else -1
        if pending is not None:
            os.set_blocking(stdin_fd, False)
        timed_out = False
        exited_at: float | None = None
        while streams or pending is not None:
            now = time.monotonic()
            if now >= deadline:
                timed_out = process.poll() is None
                break
            if exited_at is None and process.poll() is not None:
                exited_at = now
            if exited_at is not None and now - exited_at > 0.2:
                break  # a child it left behind holds the pipes open; it dies with the group
            writers = [stdin_fd] if pending is not None else []
            readable, writable, _ = select.select(
                list(streams), writers, [], min(0.1, deadline - now)
            )
            for fd in readable:
                chunk = os.read(fd, 65536)
                if chunk:
                    streams[fd].add(chunk)
                    if captured is not None and fd == process.stdout.fileno():
                        captured.add(chunk)
                else:
                    del streams[fd]
            if writable and pending is not None:
                try:
                    pending = pending[os.write(stdin_fd, pending[: 1 << 16]) :]
                except (BrokenPipeError, BlockingIOError, OSError) as exc:
                    if not isinstance(exc, BlockingIOError):
                        pending = memoryview(b"")
                if not pending:
                    pending = None
                    assert process.stdin is not None
                    with contextlib.suppress(OSError):
                        process.stdin.close()
        returncode = process.poll()
        if returncode is None and not timed_out:
            try:
                returncode = process.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                timed_out = True
        _kill_group(process)  # also whatever it left running
        for pipe in (process.stdin, process.stdout, process.stderr):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()
        seconds = time.monotonic() - started
        tail = stderr.lines() or (stdout.lines(4) if captured is None else ())
        if timed_out:
            return Outcome(
                "crash",
                "timeout",
                "Timeout",
                f"no exit within {self.spec.timeout:g}s",
                "",
                tail,
                seconds,
            )
        returncode = process.returncode if returncode is None else returncode
        if returncode == 0:
            accepted = Outcome("accepted", seconds=seconds)
            return accepted if captured is None else _with_output(accepted, captured.parsed())
        if returncode in self.spec.reject_exit_codes:
            return Outcome(
                "rejected", "exit", f"exit code {returncode}", " ".join(tail[-1:]), seconds=seconds
            )
        if returncode < 0:
            return _timed(_died_outcome(returncode, tail, self.spec.memory_limit), started)
        kind, type_, where = _python_error(tail)
        return Outcome(
            "crash",
            kind or "exit",
            type_ or f"exit code {returncode}",
            f"exit code {returncode}" if type_ else " ".join(tail[-1:]),
            where,
            tail,
            seconds,
        )


class _Capture:
    """A command's whole stdout up to a limit (``output: stdout``); past it, only counted."""

    def __init__(self, limit: int) -> None:
        self._chunks: list[bytes] = []
        self.limit = limit
        self.total = 0

    def add(self, chunk: bytes) -> None:
        if self.total + len(chunk) <= self.limit:
            self._chunks.append(chunk)
        else:
            self._chunks.clear()
        self.total += len(chunk)

    def parsed(self) -> tuple[Any, str, str]:
        if self.total > self.limit:
            return None, f"{self.total:,} bytes", "size"
        return parse_output(b"".join(self._chunks))


def parse_output(raw: bytes) -> tuple[Any, str, str]:
    """A command's output as data: JSON, else YAML; (data, error, error kind)."""
    if not raw.strip():
        return None, "empty", "parse"
    try:
        return json.loads(raw), "", ""
    except ValueError:
        pass
    import yaml

    try:
        return yaml.safe_load(raw.decode("utf-8")), "", ""
    except (ValueError, yaml.YAMLError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return None, f"not JSON or YAML ({first})", "parse"


def _read_out(path: Path, spec: ConsumerSpec) -> tuple[Any, str, str]:
    """The ``{out}`` file a command wrote, read up to the output limit."""
    try:
        with path.open("rb") as fh:
            raw = fh.read(spec.output_limit + 1)
    except FileNotFoundError:
        return None, "the command wrote no {out} file", "missing"
    except OSError as exc:
        return None, f"the {{out}} file cannot be read: {exc.strerror or exc}", "missing"
    if len(raw) > spec.output_limit:
        return None, f"over {spec.output_limit:,} bytes", "size"
    return parse_output(raw)


def _with_output(outcome: Outcome, parsed: tuple[Any, str, str]) -> Outcome:
    import dataclasses

    data, error, kind = parsed
    return dataclasses.replace(outcome, output=data, output_error=error, output_error_kind=kind)


_Signature = tuple[int, int, bool]
"""mtime (ns), size, is a folder."""


def _signature(path: str) -> _Signature | None:
    try:
        info = os.stat(path, follow_symlinks=False)
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_size, stat.S_ISDIR(info.st_mode))


def _entries(folder: str) -> dict[str, _Signature]:
    found: dict[str, _Signature] = {}
    try:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name == ".configguard":
                    continue
                with contextlib.suppress(OSError):
                    info = entry.stat(follow_symlinks=False)
                    found[entry.path] = (info.st_mtime_ns, info.st_size, entry.is_dir())
    except OSError:
        pass
    return found


class Footprint:
    """What consumers changed in the folders they reach by relative path.

    Consumers are trusted code and may write files, but a gate that runs them must say
    when they do: a consumer writing next to the config (a cache, a converted copy, the
    config itself) would otherwise change the repository unnoticed. Each watched folder
    is listed once (its entries by mtime and size, ``.configguard`` aside); after a run,
    only the folder itself and the checked files are stat'ed, and a folder is listed
    again only when its mtime moved (an entry was created, deleted or renamed). So a
    check of 10,000 files in one folder costs one listing, not 10,000. What this misses:
    an existing file other than the checked one rewritten in place (``full`` rescans
    catch that too, as ``fuzz`` does once at the end).
    """

    def __init__(self) -> None:
        self._folders: dict[str, tuple[_Signature | None, dict[str, _Signature]]] = {}

    def watch(self, folders: Sequence[Path]) -> None:
        """Start watching ``folders`` (those already watched keep their state)."""
        for folder in folders:
            key = os.path.abspath(folder)
            if key not in self._folders:
                self._folders[key] = (_signature(key), _entries(key))

    def changes(
        self, relative_to: Path, files: Sequence[Path] = (), full: bool = False
    ) -> list[str]:
        """``created x``, ``changed y``, ``deleted z`` since the last call (or ``watch``)."""
        base = os.path.abspath(relative_to)
        out: list[str] = []
        for key, (signature, before) in list(self._folders.items()):
            now = _signature(key)
            if not full and now == signature:
                continue
            after = _entries(key)
            self._folders[key] = (now, after)
            out += _differences(before, after, base)
        for file in files:
            path = os.path.abspath(file)
            record = self._folders.get(os.path.dirname(path))
            old, new = (record[1].get(path) if record else None), _signature(path)
            if record is not None and old is not None and new is not None and old != new:
                record[1][path] = new
                out.append(f"changed {_shown(path, base, new)}")
        return out


def _shown(path: str, base: str, signature: _Signature) -> str:
    shown = os.path.relpath(path, base)
    return shown + "/" if signature[2] else shown


def _differences(
    before: dict[str, _Signature], after: dict[str, _Signature], base: str
) -> list[str]:
    out = [f"created {_shown(p, base, after[p])}" for p in sorted(after.keys() - before.keys())]
    out += [f"deleted {_shown(p, base, before[p])}" for p in sorted(before.keys() - after.keys())]
    out += [
        f"changed {_shown(p, base, after[p])}"
        for p in sorted(before.keys() & after.keys())
        if before[p] != after[p]
    ]
    return out


def describe_writes(changes: Sequence[str], limit: int = 5) -> str:
    """``created out.txt, changed cache/`` (and N more)."""
    shown = ", ".join(changes[:limit])
    return shown + (f" and {len(changes) - limit} more" if len(changes) > limit else "")


def serialize(data: Any, suffix: str) -> bytes:
    """An input as a command reads it: YAML for YAML targets, JSON otherwise.

    TOML targets get JSON too (no TOML writer is a dependency); say so in the docs.
    """
    if suffix in (".yaml", ".yml"):
        import yaml

        text: str = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
        return text.encode("utf-8")
    return json.dumps(data, indent=2, allow_nan=True, ensure_ascii=False).encode("utf-8")


def open_runner(spec: ConsumerSpec, scratch: Path | None = None) -> Runner:
    """The runner for ``spec``; use it as a context manager so its processes end."""
    if spec.python is not None:
        return PythonRunner(spec, scratch)
    return CommandRunner(spec, scratch)
