"""The runner of a ``command:`` consumer: one process per input, ``{file}`` or stdin.

The command runs in the configuration file's folder, in its own process group, with the
input as a temporary file under ``.configguard/`` (``{file}``) or on stdin. An exit code
it declares is a clean refusal; any other, a signal or a timeout is a crash, with the
exception type when stderr ends with a Python traceback.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import subprocess
import time
from pathlib import Path
from typing import Any

from ..errors import ConfigurationError
from .outcome import Outcome, Runner, timed
from .process import Tail, died_outcome, kill_group, limits, python_error


class CommandRunner(Runner):
    """One process per input, ``{file}`` or stdin."""

    def run(
        self,
        data: Any,
        raw: bytes | None = None,
        path: Path | None = None,
        suffix: str = ".json",
        timeout: float | None = None,
        measure: bool = True,
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
        try:
            return self._spawn(argv, stdin_data, timeout or self.spec.timeout)
        finally:
            if temporary is not None:
                with contextlib.suppress(OSError):
                    temporary.unlink()

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

    def _spawn(self, argv: list[str], stdin_data: bytes | None, limit: float) -> Outcome:
        started = time.monotonic()
        deadline = started + limit
        try:
            process = subprocess.Popen(
                argv,
                cwd=self.spec.root,
                stdin=subprocess.PIPE if stdin_data is not None else subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
                # only setrlimit runs between fork and exec: safe beside our threads
                preexec_fn=limits(self.spec.memory_limit),  # noqa: PLW1509
            )
        except OSError as exc:
            raise ConfigurationError(
                f"consumer command {argv[0]!r} cannot be started: {exc.strerror or exc}"
            ) from None
        assert process.stdout is not None and process.stderr is not None
        stdout, stderr = Tail(), Tail()
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
        kill_group(process)  # also whatever it left running
        for pipe in (process.stdin, process.stdout, process.stderr):
            if pipe is not None:
                with contextlib.suppress(OSError):
                    pipe.close()
        seconds = time.monotonic() - started
        tail = stderr.lines() or stdout.lines(4)
        if timed_out:
            return Outcome(
                "crash",
                "timeout",
                "Timeout",
                f"no exit within {limit:g}s",
                "",
                tail,
                seconds,
            )
        returncode = process.returncode if returncode is None else returncode
        if returncode == 0:
            return Outcome("accepted", seconds=seconds)
        if returncode in self.spec.reject_exit_codes:
            return Outcome(
                "rejected", "exit", f"exit code {returncode}", " ".join(tail[-1:]), seconds=seconds
            )
        if returncode < 0:
            return timed(died_outcome(returncode, tail, self.spec.memory_limit), started)
        kind, type_, where = python_error(tail)
        return Outcome(
            "crash",
            kind or "exit",
            type_ or f"exit code {returncode}",
            f"exit code {returncode}" if type_ else " ".join(tail[-1:]),
            where,
            tail,
            seconds,
        )


def serialize(data: Any, suffix: str) -> bytes:
    """An input as a command reads it: YAML for YAML targets, JSON otherwise.

    TOML targets get JSON too (no TOML writer is a dependency); say so in the docs.
    """
    if suffix in (".yaml", ".yml"):
        import yaml

        text: str = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
        return text.encode("utf-8")
    return json.dumps(data, indent=2, allow_nan=True, ensure_ascii=False).encode("utf-8")
