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
from .spec import ConsumerSpec


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
        out_dir: str | None = None
        if self.spec.output == "{out}":  # a private folder, never next to the config
            import tempfile

            out_dir = tempfile.mkdtemp(prefix="configguard-out-")
            argv = [arg.replace("{out}", os.path.join(out_dir, "output")) for arg in argv]
        try:
            outcome = self._spawn(argv, stdin_data, timeout or self.spec.timeout)
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
        kill_group(process)  # also whatever it left running
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
                f"no exit within {limit:g}s",
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
