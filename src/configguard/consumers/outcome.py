"""What one run of a consumer gives (:class:`Outcome`), and the interface of a runner.

Every run ends accepted, cleanly rejected (a declared exception or exit code) or as a
crash (any other exception, a signal, an undeclared exit code, a timeout, memory
exhaustion), with the exception type, message and the consumer's last frame, or the
tail of stderr. A crash's signature leaves the message out, so the same bug found on
two inputs is one failure.
"""

from __future__ import annotations

import abc
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from .spec import ConsumerSpec

Status = Literal["accepted", "rejected", "crash"]


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
    new_coverage: int = field(default=0, compare=False)
    """Arcs of the consumer's own code this run reached first (with coverage measured)."""
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


def timed(outcome: Outcome, started: float) -> Outcome:
    return Outcome(
        outcome.status,
        outcome.kind,
        outcome.type,
        outcome.message,
        outcome.where,
        outcome.tail,
        time.monotonic() - started,
    )


class Runner(abc.ABC):
    """Runs one consumer on one input at a time; ``close()`` ends every process it started."""

    def __init__(self, spec: ConsumerSpec, scratch: Path | None = None) -> None:
        self.spec = spec
        self.scratch = scratch
        """Folder for the temporary files a ``{file}`` command reads (under .configguard/)."""
        self.runs = 0

    @abc.abstractmethod
    def run(
        self,
        data: Any,
        raw: bytes | None = None,
        path: Path | None = None,
        suffix: str = ".json",
        timeout: float | None = None,
        measure: bool = True,
    ) -> Outcome:
        """One input: ``data`` for a Python consumer; ``raw`` (or ``path``) for a command.

        ``timeout`` overrides the spec's for this run (fuzz shortens it once a hang is known);
        ``measure``: trace coverage on this run (a runner that measures it; fuzz measures
        schema-valid inputs only, so its corpus stays valid).
        """

    def close(self) -> None:  # noqa: B027 - a command runner keeps nothing running
        """Stop everything this runner started."""

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
