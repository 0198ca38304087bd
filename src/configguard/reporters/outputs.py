"""Where reports go: ``--format`` and ``--output`` turned into destinations, then written.

``--output FILE`` sends the ``--format`` report to FILE and leaves the terminal the
text report (what a person at a terminal or in a CI log wants to read). ``--output
FORMAT:FILE`` adds one more report of FORMAT without changing what the terminal gets,
so one run can print GitHub annotations and also write a Markdown summary, a SARIF
file and a JUnit file. With no ``--format``, a bare FILE's format comes from its suffix.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import NamedTuple, TextIO

from ..errors import ConfigurationError
from ..findings import Report
from . import ReportOptions, available, get_reporter

SUFFIX_FORMATS = {
    ".sarif": "sarif",
    ".xml": "junit",
    ".md": "markdown",
    ".markdown": "markdown",
    ".json": "json",
    ".txt": "text",
    ".log": "text",
}


class Destination(NamedTuple):
    format: str
    path: Path | None
    """None: standard output."""


def _suffix_format(path: str) -> str | None:
    name = path.lower()
    if name.endswith(".sarif.json"):
        return "sarif"
    return SUFFIX_FORMATS.get(Path(name).suffix)


def plan(fmt: str | None, outputs: Sequence[str]) -> list[Destination]:
    """Standard output first, then each file; every format is checked to exist now."""
    files: list[Destination] = []
    bare = False
    for value in outputs:
        prefix, sep, rest = value.partition(":")
        if sep and rest and prefix in available():  # entry points are scanned only here
            files.append(Destination(prefix, Path(rest)))
            continue
        bare = True
        chosen = fmt or _suffix_format(value)
        if chosen is None:
            raise ConfigurationError(
                f"--output {value}: cannot tell the format from the name; add --format NAME "
                "or write FORMAT:FILE (e.g. sarif:results.sarif)"
            )
        files.append(Destination(chosen, Path(value)))
    stdout = Destination("text" if bare else (fmt or "text"), None)
    for destination in (stdout, *files):
        get_reporter(destination.format)  # unknown names fail before any work is done
    return [stdout, *files]


def write(
    report: Report, destinations: Sequence[Destination], stdout: TextIO, options: ReportOptions
) -> None:
    """Files first (never coloured), then standard output; an unwritable file is exit 2.

    A report file is written whole or not at all (a temporary file beside it, then a
    rename): a reader never sees half a report, and a failed run leaves the last one.
    Its folder must exist: a mistyped path is exit 2, not a new folder somewhere.
    """
    for destination in destinations:
        if destination.path is None:
            continue
        import tempfile  # only for report files (it imports shutil and random)

        reporter = get_reporter(destination.format)
        path = destination.path
        try:
            fd, temporary = tempfile.mkstemp(
                prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
            )
            try:
                os.fchmod(fd, 0o644)  # mkstemp's 0600 would hide the report from CI uploaders
                with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as stream:
                    reporter.emit(report, stream, replace(options, color=False, quiet=False))
                os.replace(temporary, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
                raise
        except OSError as exc:
            raise ConfigurationError(
                f"cannot write the {destination.format} report: {exc.strerror or exc}",
                str(destination.path),
            ) from None
    for destination in destinations:
        if destination.path is None:
            get_reporter(destination.format).emit(report, stdout, options)
