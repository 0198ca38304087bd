"""The command line: options -> one API call -> a reporter -> an exit code. No logic lives here."""

from __future__ import annotations

import os
import sys
from typing import Any, TextIO

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


class _FormatOption(click.Option):
    """``--format``: the help lists the installed reporters (built-ins and plugins), read
    from the registry when help is shown, never at start-up."""

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        from .reporters import available

        record = super().get_help_record(ctx)
        if record is None:
            return None
        names = ", ".join(sorted(set(available()) - {"text"}))
        return record[0], record[1].replace("{formats}", names)


def _width(stream: TextIO) -> int:
    """The terminal's width; 100 columns when piped (COLUMNS wins), so logs are stable."""
    if os.environ.get("COLUMNS", "").isascii() and os.environ.get("COLUMNS", "").isdigit():
        return max(int(os.environ["COLUMNS"]), 40)
    try:
        tty = stream.isatty()
    except (AttributeError, ValueError):
        tty = False
    if tty:
        import shutil  # only on a terminal: it imports bz2 and lzma (~1.5 ms)

        return max(shutil.get_terminal_size((100, 24)).columns, 40)
    return 100


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="configguard")
def main() -> None:
    """Lint proposed configuration changes before rollout."""


@main.command(short_help="Check config files against their schemas and rules.")
@click.argument("paths", nargs=-1, type=click.Path(path_type=str))
@click.option("--config", "config", metavar="PATH", help="Use this configuration file.")
@click.option(
    "--schema",
    "schema",
    metavar="FILE",
    help="Check PATHS against this schema (a file, or a URL with --allow-remote-refs); no "
    "configuration file needed.",
)
@click.option(
    "--builtin-schema",
    "builtin_schema",
    metavar="NAME",
    help="Check PATHS against this built-in catalog schema (see `configguard schemas`).",
)
@click.option(
    "--no-catalog",
    is_flag=True,
    help="Do not check files that no target claims against the built-in SchemaStore catalog.",
)
@click.option(
    "--schema-dir",
    "schema_dirs",
    metavar="DIR",
    multiple=True,
    help="Also register the schemas in DIR for offline $refs (repeatable).",
)
@click.option(
    "--disable-formats",
    "disable_formats",
    metavar="NAMES",
    multiple=True,
    help="Do not check these formats (comma-separated, repeatable; `all`: no format is).",
)
@click.option(
    "--format-regex",
    type=click.Choice(["default", "python"]),
    default="default",
    show_default=True,
    help="The `regex` format: ECMA-262 (default), or whatever Python's re compiles.",
)
@click.option(
    "--base-uri",
    metavar="URI",
    help="Resolve the schema's relative $refs against URI (a schema_dirs url maps it offline).",
)
@click.option(
    "--allow-remote-refs",
    is_flag=True,
    default=None,
    help="Download $refs that no local schema provides.",
)
@click.option(
    "--check-metaschema",
    is_flag=True,
    help="PATHS are schemas: check each against the metaschema of the draft it declares.",
)
@click.option(
    "--add-ignores",
    "add_ignores",
    metavar="REASON",
    help="Write today's findings as ignore: entries (with REASON, until a quarter ahead) into "
    "the configuration file, keeping its comments; for adopting configguard.",
)
@click.option(
    "--data-transform",
    type=click.Choice(["azure-pipelines", "gitlab-ci"]),
    help="Reshape the data before schema validation, as check-jsonschema does.",
)
@click.option(
    "--no-cache",
    is_flag=True,
    help="With --schema URL: download it again instead of using .configguard/cache/.",
)
@click.option(
    "--base",
    metavar="REF",
    help="Compare with this git ref (no PATHS: only files changed since REF).",
)
@click.option(
    "--base-path",
    metavar="PATH",
    help="Compare with this last-known-good file, or the same relative path under this folder.",
)
@click.option(
    "--history",
    type=click.IntRange(1, 1000),
    default=None,
    metavar="N",
    help="novel-values rules compare with the last N versions (git, or a --base-path "
    "snapshots folder) unless they set history:.",
)
@click.option(
    "--format",
    "fmt",
    cls=_FormatOption,
    default=None,
    metavar="NAME",
    help="Report format: text (default), {formats}.",
)
@click.option(
    "-o",
    "--output",
    "outputs",
    multiple=True,
    metavar="[FORMAT:]FILE",
    help="Write the --format report to FILE (the terminal gets text), or a FORMAT report "
    "to FILE as well (repeatable).",
)
@click.option(
    "-q",
    "--quiet",
    is_flag=True,
    help="Text report: one line per finding, no summary; silent when all pass.",
)
@click.option("-v", "--verbose", count=True, help="Show every alternative of anyOf/oneOf failures.")
@click.option(
    "--color/--no-color", default=None, help="Colour the text report (default: on a terminal)."
)
@click.option(
    "--fail-on",
    "fail_on",
    default="error",
    show_default=True,
    type=click.Choice(["error", "warning", "info"], case_sensitive=False),
    help="Exit 1 when a finding at least this severe remains.",
)
@click.option(
    "--select",
    "select",
    metavar="IDS",
    multiple=True,
    help="Report only these rule ids or kinds (comma-separated, * wildcards).",
)
@click.option(
    "--ignore",
    "ignore",
    metavar="IDS",
    multiple=True,
    help="Do not report these rule ids or kinds (comma-separated, * wildcards).",
)
@click.option("--no-consumer", is_flag=True, help="Do not run the targets' consumers on the files.")
@click.option(
    "-j",
    "--jobs",
    type=click.IntRange(min=0),
    default=0,
    metavar="N",
    help="Worker processes for many files (default 0: one per core; 1: serial).",
)
def check(
    paths: tuple[str, ...],
    config: str | None,
    schema: str | None,
    builtin_schema: str | None,
    no_catalog: bool,
    schema_dirs: tuple[str, ...],
    disable_formats: tuple[str, ...],
    format_regex: str,
    base_uri: str | None,
    allow_remote_refs: bool | None,
    add_ignores: str | None,
    check_metaschema: bool,
    data_transform: str | None,
    no_cache: bool,
    base: str | None,
    base_path: str | None,
    history: int | None,
    fmt: str | None,
    outputs: tuple[str, ...],
    quiet: bool,
    verbose: int,
    color: bool | None,
    fail_on: str,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    no_consumer: bool,
    jobs: int,
) -> None:
    """Check config files against their schemas and rules.

    With no PATHS, every file that a target of configguard.yaml claims is checked; with
    PATHS (as pre-commit passes them) only those. A file that no target claims is checked
    against the built-in SchemaStore catalog's schema for its name, if any (with no
    configguard.yaml at all, the catalog alone decides; -v names each schema used).
    Exit 0: no error; 1: at least one error finding; 2: configguard could not do its job.
    """
    from . import api
    from .errors import ConfigurationError
    from .findings import Severity
    from .reporters import ReportOptions
    from .reporters import outputs as report_outputs
    from .suppress import split_patterns

    try:
        destinations = report_outputs.plan(fmt, outputs)

        def run() -> Any:
            return api.check(
                paths,
                config=config,
                schema=schema,
                builtin_schema=builtin_schema,
                catalog=False if no_catalog else None,
                disable_formats=split_patterns(disable_formats),
                format_regex=format_regex,
                base_uri=base_uri,
                no_cache=no_cache,
                data_transform=data_transform,
                check_metaschema=check_metaschema,
                schema_dirs=schema_dirs,
                allow_remote_refs=allow_remote_refs,
                base=base,
                base_path=base_path,
                history=history,
                no_consumer=no_consumer,
                jobs=jobs or None,
                summarize=bool(base or base_path)
                and (verbose > 0 or any(d.format != "text" for d in destinations)),
                select=split_patterns(select),
                ignore=split_patterns(ignore),
            )

        if add_ignores is not None:
            _add_ignores(run, config, add_ignores)
            return
        report = run()
        stdout = sys.stdout
        options = ReportOptions(
            color=_use_color(color, stdout), verbose=verbose, width=_width(stdout), quiet=quiet
        )
        report_outputs.write(report, destinations, stdout, options)
    except ConfigurationError as exc:
        _fail(str(exc))
        return
    sys.exit(report.exit_code(Severity.parse(fail_on)))


def _add_ignores(run: Any, config: str | None, reason: str) -> None:
    """``check --add-ignores REASON``: today's findings written as ``ignore:`` entries."""
    from pathlib import Path

    from . import api
    from .adopt import add_ignores, entries_text

    here = Path.cwd()
    settings = api.resolve_settings(config, None, here, zero_config=True)
    added = add_ignores(run, settings.path, settings.root, here, reason)
    where = os.path.relpath(added.path)
    if not added.entries:
        click.echo(f"Nothing to add to {where}: no finding that an ignore entry would cover.")
        return
    click.echo(
        f"Added {len(added.entries)} ignore entries to {where} (until {added.until}):\n"
        + entries_text(added.entries)
    )


@main.command("rules", short_help="List every rule kind with its arguments.")
def rules_command() -> None:
    """List every rule kind (built-in and plugin) with its arguments."""
    from .errors import ConfigurationError
    from .explain import kinds_table

    try:
        text = kinds_table()
    except ConfigurationError as exc:
        _fail(str(exc))
        return
    click.echo(text)


@main.command("schemas", short_help="List the built-in SchemaStore catalog.")
@click.option("--all", "show_all", is_flag=True, help="Also list entries that are not vendored.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def schemas_command(show_all: bool, fmt: str) -> None:
    """List the built-in SchemaStore catalog: id, name, file globs, vendored or not.

    Files that no target claims are checked against the entry that matches their path;
    `check --builtin-schema ID PATHS` checks PATHS against one entry's schema.
    """
    from .catalog import catalog
    from .errors import ConfigurationError

    try:
        entries = [e for e in catalog() if show_all or e.file]
    except ConfigurationError as exc:
        _fail(str(exc))
        return
    if fmt == "json":
        import json

        rows = [
            {
                "id": e.id,
                "name": e.name,
                "fileMatch": list(e.file_match),
                "vendored": e.file is not None,
                "url": e.url,
            }
            for e in entries
        ]
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    for e in entries:
        where = "vendored" if e.file else f"not vendored ({e.url})"
        globs = ", ".join(e.file_match) or "(no fileMatch: --builtin-schema only)"
        click.echo(f"{e.id}  {e.name}  [{where}]\n    {globs}")
    vendored = sum(1 for e in entries if e.file)
    click.echo(f"{len(entries)} entries, {vendored} vendored (SchemaStore catalog, Apache-2.0).")


@main.command(short_help="Explain a rule of the project, or a rule kind.")
@click.argument("name")
@click.option("--config", "config", metavar="PATH", help="Use this configuration file.")
def explain(name: str, config: str | None) -> None:
    """Explain a rule of the project (kind, arguments, why, examples) or a rule kind."""
    from .errors import ConfigurationError

    try:
        from .explain import explain_in_project

        text = explain_in_project(name, config=config)
    except ConfigurationError as exc:
        _fail(str(exc))
        return
    from .reporters.rst import render

    stdout = sys.stdout
    click.echo(render(text, color=_use_color(None, stdout), width=_width(stdout)), nl=False)


@main.command(short_help="Propose a configguard.yaml and starter rules.")
@click.argument("root", default=".", type=click.Path(file_okay=False, path_type=str))
@click.option("--dry-run", is_flag=True, help="Print the proposed files; write nothing.")
def init(root: str, dry_run: bool) -> None:
    """Propose a configguard.yaml and starter rules from the config files in ROOT.

    Targets group JSON/YAML/TOML files by folder and shape; limits are today's sizes with
    headroom, each with a comment saying where it came from. Never overwrites a file.
    """
    from pathlib import Path

    from . import init as init_
    from .errors import ConfigurationError

    try:
        plan = init_.propose(Path(root))
        if dry_run:
            for path, content in plan.files.items():
                click.echo(f"# ---- {os.path.relpath(path)} ----")
                click.echo(content)
            return
        written = init_.write(plan)
    except ConfigurationError as exc:
        _fail(str(exc))
        return
    claimed = sum(len(t.files) for t in plan.targets)
    click.echo(
        f"Wrote {os.path.relpath(written[0])}: {len(plan.targets)} targets, {claimed} files."
    )
    for path in written[1:]:
        click.echo(f"Wrote {os.path.relpath(path)}.")
    for rel, reason in plan.skipped:
        click.echo(f"Left out {rel}: {reason}")
    click.echo("Review them, then run: configguard check")


@main.command(short_help="Fuzz the programs that read the config files.")
@click.argument("targets", nargs=-1)
@click.option("--config", "config", metavar="PATH", help="Use this configuration file.")
@click.option(
    "--max-examples",
    default=5000,
    show_default=True,
    metavar="N",
    type=click.IntRange(min=1),
    help="Inputs to try per target.",
)
@click.option(
    "--max-time",
    default="60s",
    show_default=True,
    metavar="DURATION",
    help="Time for the whole run (e.g. 30s, 5m); a late failure still gets shrunk.",
)
@click.option(
    "--seed",
    type=int,
    default=None,
    metavar="N",
    help="Make the run reproducible (the seed of each run is printed).",
)
@click.option("--replay", metavar="DIR", help="Rerun saved reproducers instead of searching.")
@click.option("--no-headroom", is_flag=True, help="Skip measuring how far arrays can grow.")
@click.option(
    "--database",
    metavar="DIR|URL",
    help="Corpus and failures: a folder or redis://host:port/N, shared by runners "
    "(default: fuzz_database, else .configguard/hypothesis).",
)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    metavar="N",
    type=click.IntRange(min=1),
    help="Search processes on this machine, sharing the database.",
)
@click.option(
    "--no-guidance",
    is_flag=True,
    help="Do not measure the Python consumer's coverage to steer the search.",
)
@click.option(
    "--export-corpus",
    metavar="DIR",
    help="Write every schema-valid input generated here (a seed corpus for native fuzzers).",
)
@click.option(
    "--fail-on",
    "fail_on",
    default="error",
    show_default=True,
    type=click.Choice(["error", "warning", "info"], case_sensitive=False),
    help="Exit 1 when a finding at least this severe is found (hardening is a warning).",
)
@click.option(
    "--format",
    "fmt",
    default="text",
    show_default=True,
    metavar="NAME",
    help="text, or any check reporter (json, ...) for the findings alone.",
)
@click.option(
    "--color/--no-color", default=None, help="Colour the report (default: on a terminal)."
)
def fuzz(
    targets: tuple[str, ...],
    config: str | None,
    max_examples: int,
    max_time: str,
    seed: int | None,
    replay: str | None,
    no_headroom: bool,
    database: str | None,
    workers: int,
    no_guidance: bool,
    export_corpus: str | None,
    fail_on: str,
    fmt: str,
    color: bool | None,
) -> None:
    """Fuzz the targets' consumers (default: every target with a consumer).

    Inputs come from the schema, from arrays at boundary sizes and from mutations of the
    real files. Exit 0: nothing at --fail-on; 1: a latent bug (or, with --fail-on
    warning, a hardening finding; reproducers are saved under .configguard/crashes/);
    2: configguard could not do its job.
    """
    from .errors import ConfigurationError
    from .findings import Severity
    from .reporters import ReportOptions, get_reporter
    from .units import parse_duration

    try:
        seconds = parse_duration(max_time)
    except ValueError as exc:
        _fail(f"--max-time: {exc}")
        return
    stderr = sys.stderr
    try:
        reporter = get_reporter(fmt) if fmt != "text" else None
        with _FuzzProgress(stderr, reporter is not None, max_examples, seconds) as progress:
            from . import fuzzing as fuzz_api

            result = fuzz_api.fuzz(
                targets,
                config=config,
                max_examples=max_examples,
                max_time=seconds,
                seed=seed,
                replay=replay,
                headroom=not no_headroom,
                progress=progress,
                database=database,
                workers=workers,
                guided=not no_guidance,
                export_corpus=export_corpus,
                fail_on=Severity.parse(fail_on),
            )
    except ConfigurationError as exc:
        _fail(str(exc))
        return
    stdout = sys.stdout
    options = ReportOptions(color=_use_color(color, stdout), width=_width(stdout))
    if reporter is not None:
        reporter.emit(result.report, stdout, options)
    else:
        from .reporters.fuzz import emit

        emit(result, stdout, options)
    sys.exit(result.exit_code())


class _FuzzProgress:
    """Progress of each target's search, on stderr: on a terminal a rich bar (examples done
    of the maximum, elapsed and remaining time, failures so far); otherwise a plain line
    when a target starts and about every ``PLAIN_EVERY`` seconds."""

    PLAIN_EVERY = 10.0

    def __init__(self, stream: Any, quiet: bool, max_examples: int, max_time: float) -> None:
        self.stream = stream
        self.quiet = quiet
        self.max_examples = max_examples
        self.max_time = max_time
        self.live = not quiet and bool(getattr(stream, "isatty", lambda: False)())
        self._progress: Any = None
        self._tasks: dict[str, Any] = {}
        self._printed: dict[str, float] = {}

    def __enter__(self) -> _FuzzProgress:
        if self.live:
            from rich.console import Console
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            self._progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                TextColumn("{task.fields[counts]}"),
                TimeElapsedColumn(),
                TextColumn("{task.fields[left]}"),
                console=Console(file=self.stream),
                transient=True,
            )
            self._progress.start()
        return self

    def _left(self, examples: int, seconds: float) -> float:
        """Seconds until the search stops: at --max-examples or --max-time, first come."""
        by_time = max(self.max_time - seconds, 0.0)
        if examples <= 0 or seconds <= 0:
            return by_time
        by_examples = (self.max_examples - examples) * seconds / examples
        return max(min(by_time, by_examples), 0.0)

    def line(self, target: str, examples: int, failures: int, seconds: float) -> str:
        """The plain progress line (also what the bar shows, in columns)."""
        from .units import format_duration, plural

        left = format_duration(self._left(examples, seconds)) if seconds > 0 else "?"
        return (
            f"configguard: fuzzing {target}: {examples:,}/{self.max_examples:,} examples, "
            f"{plural(failures, 'failure')}, {format_duration(max(seconds, 0.001))} elapsed, "
            f"about {left} left"
        )

    def __call__(self, target: str, examples: int, failures: int, seconds: float) -> None:
        if self.quiet:
            return
        if self._progress is not None:
            from .units import format_duration, plural

            done = max(examples / self.max_examples, seconds / self.max_time)
            fields = {
                "counts": f"{examples:,}/{self.max_examples:,} · {plural(failures, 'failure')}",
                "left": f"~{format_duration(self._left(examples, seconds))} left",
            }
            task = self._tasks.get(target)
            if task is None:
                task = self._tasks[target] = self._progress.add_task(
                    f"fuzzing {target}", total=1.0, **fields
                )
            self._progress.update(task, completed=min(done, 1.0), **fields)
            return
        last = self._printed.get(target)
        if last is None or seconds - last >= self.PLAIN_EVERY:
            self._printed[target] = seconds
            click.echo(self.line(target, examples, failures, seconds), file=self.stream)

    def __exit__(self, *exc: object) -> None:
        if self._progress is not None:
            self._progress.stop()


def run() -> None:
    """Entry point: no traceback reaches the user unless CONFIGGUARD_DEBUG is set."""
    from . import fastexit

    fastexit.enable()
    try:
        main(standalone_mode=True)
    except SystemExit as done:  # click ends every command this way
        if fastexit.holding() and isinstance(done.code, int | None):
            fastexit.exit_now(done.code or 0)
        raise
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
