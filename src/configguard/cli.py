"""The command line: options -> one API call -> a reporter -> an exit code. No logic lives here."""

from __future__ import annotations

import os
import sys
from typing import TextIO

import click

from ._version import __version__

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _fail(message: str) -> None:
    click.echo(f"configguard: error: {message}", err=True)
    sys.exit(EXIT_ERROR)


def _use_color(choice: bool | None, stream: TextIO) -> bool:
    """--color/--no-color, else NO_COLOR / FORCE_COLOR, else colour only on a terminal."""
    if choice is not None:
        return choice
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="configguard")
def main() -> None:
    """Lint proposed configuration changes before rollout."""


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--config", "config", metavar="PATH", help="Use this configuration file.")
@click.option(
    "--schema",
    "schema",
    metavar="FILE",
    help="Check PATHS against this schema; no configuration file needed.",
)
@click.option(
    "--schema-dir",
    "schema_dirs",
    metavar="DIR",
    multiple=True,
    help="Also register the schemas in DIR for offline $refs (repeatable).",
)
@click.option(
    "--allow-remote-refs",
    is_flag=True,
    default=None,
    help="Download $refs that no local schema provides.",
)
@click.option(
    "--format",
    "fmt",
    default="text",
    show_default=True,
    metavar="NAME",
    help="Report format: text or json (and any plugin reporter).",
)
@click.option("-v", "--verbose", count=True, help="Show every alternative of anyOf/oneOf failures.")
@click.option(
    "--color/--no-color", default=None, help="Colour the text report (default: on a terminal)."
)
@click.option("--no-consumer", is_flag=True, help="Do not run the targets' consumers on the files.")
def check(
    paths: tuple[str, ...],
    config: str | None,
    schema: str | None,
    schema_dirs: tuple[str, ...],
    allow_remote_refs: bool | None,
    fmt: str,
    verbose: int,
    color: bool | None,
    no_consumer: bool,
) -> None:
    """Check config files against their schemas.

    With no PATHS, every file that a target of configguard.yaml claims is checked; with
    PATHS (as pre-commit passes them) only those, skipping files no target claims.
    Exit 0: no error; 1: at least one error finding; 2: configguard could not do its job.
    """
    from . import api
    from .errors import ConfigurationError
    from .reporters import ReportOptions, get_reporter

    try:
        reporter = get_reporter(fmt)
        report = api.check(
            paths,
            config=config,
            schema=schema,
            schema_dirs=schema_dirs,
            allow_remote_refs=allow_remote_refs,
            no_consumer=no_consumer,
        )
    except ConfigurationError as exc:
        _fail(str(exc))
        return
    stdout = sys.stdout
    options = ReportOptions(color=_use_color(color, stdout), verbose=verbose)
    reporter.emit(report, stdout, options)
    sys.exit(report.exit_code())


def run() -> None:
    """Entry point: no traceback reaches the user unless CONFIGGUARD_DEBUG is set."""
    try:
        main(standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("configguard: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug in configguard: one line, exit 2
        if os.environ.get("CONFIGGUARD_DEBUG"):
            raise
        click.echo(
            f"configguard: internal error: {type(exc).__name__}: {exc} "
            "(set CONFIGGUARD_DEBUG=1 for the traceback, and please report it)",
            err=True,
        )
        sys.exit(EXIT_ERROR)
