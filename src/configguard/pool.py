"""The consumer runners of one ``check``: one per consumer, opened on first use.

Kept apart from :mod:`configguard.consumers` so that a check whose targets have no
consumer never imports the process plumbing (subprocess, signals, resource limits).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .consumers import ConsumerSpec, Footprint, Runner


class RunnerPool:
    """One runner per consumer, opened on first use (``check`` smokes many files)."""

    def __init__(self, scratch: Path | None = None) -> None:
        self._runners: dict[ConsumerSpec, Runner] = {}
        self.scratch = scratch
        self._footprint: Footprint | None = None

    @property
    def footprint(self) -> Footprint:
        """What the consumers wrote next to the files they were given (see Footprint)."""
        if self._footprint is None:
            from .consumers import Footprint

            self._footprint = Footprint()
        return self._footprint

    def get(self, spec: ConsumerSpec) -> Runner:
        runner = self._runners.get(spec)
        if runner is None:
            from .consumers import open_runner

            runner = self._runners[spec] = open_runner(spec, self.scratch)
        return runner

    def close(self) -> None:
        for runner in self._runners.values():
            runner.close()
        self._runners.clear()

    def __enter__(self) -> RunnerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
