"""Reporters: a finished Report -> text on a stream. One registry by name, open to plugins.

Built-in reporters are registered through the same entry-point group as plugins
(``configguard.reporters``), as flake8 does for its own checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, TextIO

from ..errors import ConfigurationError
from ..findings import Report

GROUP = "configguard.reporters"
BUILTIN = {
    "text": "configguard.reporters.text:TextReporter",
    "json": "configguard.reporters.json:JsonReporter",
    "sarif": "configguard.reporters.sarif:SarifReporter",
    "junit": "configguard.reporters.junit:JunitReporter",
    "github": "configguard.reporters.github:GithubReporter",
    "markdown": "configguard.reporters.markdown:MarkdownReporter",
    "gitlab": "configguard.reporters.gitlab:GitlabReporter",
}


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
    """Reporter name -> "module:attribute", plugins included."""
    from importlib.metadata import entry_points

    found = dict(BUILTIN)
    for ep in entry_points(group=GROUP):
        found.setdefault(ep.name, ep.value)
    return found


def get_reporter(name: str) -> Reporter:
    import importlib

    # a built-in wins over a plugin anyway: no entry-point scan (~10 ms) for it
    target = BUILTIN.get(name) or available().get(name)
    if target is None:
        names = ", ".join(sorted(available()))
        raise ConfigurationError(f"unknown format {name!r} (choose from {names})")
    module, _, attribute = target.partition(":")
    factory = getattr(importlib.import_module(module), attribute)
    reporter: Reporter = factory()
    return reporter
