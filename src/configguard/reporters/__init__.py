"""Reporters: a finished Report -> text on a stream. One registry by name, open to plugins.

Built-in reporters are registered through the same entry-point group as plugins
(``configguard.reporters``), as flake8 does for its own checks; each lives in the module
named after its format (``sarif`` in ``sarif.py``), so running one needs no entry-point scan.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, TextIO

from ..errors import ConfigurationError
from ..findings import Report

GROUP = "configguard.reporters"


@dataclass(frozen=True)
class ReportOptions:
    color: bool = False
    verbose: int = 0
    width: int = 100
    quiet: bool = False
    """Findings only: no source lines, no summary, nothing when all pass (text report)."""


class Reporter(Protocol):
    name: str

    def emit(self, report: Report, stream: TextIO, options: ReportOptions) -> None: ...


def available() -> dict[str, str]:
    """Reporter name -> "module:attribute", built-ins and plugins."""
    from importlib.metadata import entry_points

    return {ep.name: ep.value for ep in entry_points(group=GROUP)}


def get_reporter(name: str) -> Reporter:
    """The reporter for ``--format name``; ConfigurationError naming the known ones."""
    import importlib

    factory = _builtin(name)
    if factory is None:
        target = available().get(name)
        if target is None:
            names = ", ".join(sorted(available()))
            raise ConfigurationError(f"unknown format {name!r} (choose from {names})")
        module, _, attribute = target.partition(":")
        factory = getattr(importlib.import_module(module), attribute)
    reporter: Reporter = factory()
    return reporter


def _builtin(name: str) -> Any:
    """The class of built-in reporter ``name`` (in the module of that name), or None."""
    import importlib
    import importlib.util

    module_name = f"{__name__}.{name}"
    if not name.isidentifier() or importlib.util.find_spec(module_name) is None:
        return None
    module = importlib.import_module(module_name)
    for value in vars(module).values():
        if (
            isinstance(value, type)
            and value.__module__ == module_name
            and getattr(value, "name", None) == name
            and callable(getattr(value, "emit", None))
        ):
            return value
    return None
