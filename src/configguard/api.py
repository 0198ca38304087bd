"""Orchestration: settings + files -> Report; the CLI and the Python API both use it.

It resolves the settings, reads every rules file, discovers the files, fans them out
(serially or to a process pool) to ``engine.check_file`` and builds the Report.
"""

from __future__ import annotations

import datetime
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import parallel
from .discover import CONFIG_SUFFIXES, Claimed, claimed_files, display_path, expand
from .engine import FileResult, Run, check_file, deletions, describe_kinds
from .errors import ConfigurationError
from .findings import FileChange, Finding, Report
from .pool import RunnerPool
from .rules import RuleBook, RulePlan
from .schemas import SchemaRegistry
from .schemas.registry import Options as SchemaOptions
from .settings import Settings, Target, find_config, load_settings
from .suppress import apply_config, wanted
from .suppress import select as filter_findings

if TYPE_CHECKING:  # the modules behind --base and --base-path load on use
    from .previous import Baseline


NO_CONFIG_HINT = (
    "run `configguard init` to propose a configguard.yaml for this repository, or check "
    "files against one schema: configguard check --schema FILE PATHS"
)


def resolve_settings(
    config: str | Path | None = None,
    schema: str | Path | None = None,
    cwd: Path | None = None,
    zero_config: bool = False,
) -> Settings:
    """The run's settings: ``--schema`` alone needs no configuration file at all, and with
    ``zero_config`` neither does the built-in catalog (settings with no targets).

    Relative paths given here are relative to ``cwd`` (the user's working folder).
    """
    cwd = cwd or Path.cwd()
    schema_path = cwd / schema if schema is not None else None
    if config is not None:
        settings = load_settings(cwd / config, str(config))
    elif schema_path is not None:
        return Settings(path=None, root=cwd, targets=(Target("schema", ("*",), (), schema_path),))
    else:
        found = find_config(cwd.absolute())
        if found is None and zero_config:
            return Settings(path=None, root=cwd)
        if found is None:
            raise ConfigurationError(
                f"no configguard.yaml, .configguard.yaml or [tool.configguard] in {cwd} or its "
                f"parents: {NO_CONFIG_HINT}, or pass --config PATH"
            )
        settings = load_settings(found, display_path(found, cwd))
    if schema_path is not None:  # --schema with --config: the schema replaces every target's
        settings = settings._replace(targets=(Target("schema", ("*",), (), schema_path),))
    return settings


def check(
    paths: Sequence[str | Path] = (),
    *,
    config: str | Path | None = None,
    schema: str | Path | None = None,
    schema_dirs: Sequence[str | Path] = (),
    allow_remote_refs: bool | None = None,
    base: str | None = None,
    base_path: str | Path | None = None,
    summarize: bool = False,
    cwd: str | Path | None = None,
    select: Sequence[str] = (),
    ignore: Sequence[str] = (),
    today: datetime.date | None = None,
    no_consumer: bool = False,
    jobs: int | None = None,
    history: int | None = None,
    builtin_schema: str | None = None,
    catalog: bool | None = None,
    disable_formats: Sequence[str] = (),
    format_regex: str = "default",
    base_uri: str | None = None,
    no_cache: bool = False,
    data_transform: str | None = None,
    check_metaschema: bool = False,
) -> Report:
    """Check config files and return every finding, sorted.

    ``paths``: files or folders (default: every file any target claims). ``schema``: check
    ``paths`` against this one schema with no configuration file (like
    ``check-jsonschema --schemafile``). ``base``: a git ref to compare with (with no
    ``paths``, only files changed since it are checked); ``base_path``: a last-known-good
    file or folder to compare with. ``summarize``: add per-file change summaries to the
    report. ``select``/``ignore``: keep only / drop findings whose rule id or kind
    matches (``*`` wildcards); ``today`` decides which ``ignore: until:`` dates have
    passed. Each target's consumer is run on its files (a crash is a ``consumer-crash``
    finding) unless ``no_consumer``. Raises ConfigurationError when configguard cannot do
    its job (exit 2 on the command line). ``jobs``: worker processes for many files (default
    one per core; 1 checks serially); the report is the same either way. ``history``: how
    many versions ``novel-values`` rules compare with when they do not say (``--history``).
    ``builtin_schema``: like ``schema``, one of the built-in catalog's schemas (by id or
    name). ``catalog``: False checks no file against the built-in catalog (default: the
    configuration's ``catalog:``, on); with no configuration file at all, the catalog
    alone decides which files are checked. ``disable_formats`` (names, or ``all``),
    ``format_regex`` (``default``: ECMA-262, ``python``: Python's ``re``) and ``base_uri``
    mean what check-jsonschema's options of those names mean. ``schema`` may be an
    http(s) URL when remote references are allowed: it is downloaded once and kept under
    ``.configguard/cache/`` (``no_cache``: downloaded again, refreshing that copy).
    ``data_transform`` (``azure-pipelines``, ``gitlab-ci``) reshapes the data the schema
    sees, as check-jsonschema's option does. ``check_metaschema``: ``paths`` are schemas,
    each checked against the metaschema of the draft it declares (offline).
    """
    here = Path(cwd) if cwd is not None else Path.cwd()
    if builtin_schema is not None:
        schema = _builtin_schema(builtin_schema, schema)
    if isinstance(schema, str) and schema.startswith(("http://", "https://")):
        if not allow_remote_refs:
            raise ConfigurationError(
                f"--schema {schema} is on the network: configguard downloads only with "
                "--allow-remote-refs (or give a local copy: --schema FILE)"
            )
        from .remote import fetch_schema

        base_uri = base_uri or schema
        schema = fetch_schema(schema, here / ".configguard" / "cache", use_cache=not no_cache)
    settings = resolve_settings(config, schema, here, zero_config=catalog is not False)
    if catalog is False:
        settings = settings._replace(catalog=settings.catalog._replace(enabled=False))
    registry = SchemaRegistry(
        tuple(settings.schema_dirs) + tuple(here / d for d in schema_dirs),
        settings.allow_remote_refs if allow_remote_refs is None else allow_remote_refs,
        _schema_options(settings, disable_formats, format_regex, base_uri, data_transform),
    )
    if check_metaschema and (schema is not None or not paths):
        raise ConfigurationError(
            "--check-metaschema checks the schema files given: configguard check "
            "--check-metaschema SCHEMA..."
        )
    if schema is not None and not paths:
        raise ConfigurationError(
            "--schema needs the files to check: configguard check --schema SCHEMA FILE..."
        )
    chosen, dropped = tuple(select), tuple(ignore)
    notes: list[str] = []
    used: list[tuple[str, str]] = []

    def screen(found: list[Finding]) -> list[Finding]:
        """Suppressions of the configuration, then --select/--ignore."""
        if settings.ignores and settings.path is not None:
            found = apply_config(
                found,
                settings.ignores,
                display_path(settings.path, here),
                lambda f: display_path(here / f.file, settings.root),
                today,
            )
        return filter_findings(found, chosen, dropped)

    book = RuleBook()  # every rules file is read and validated first: a bad one is exit 2
    rules = RulePlan(
        {
            t.name: tuple(
                r
                for r in book.rules(t.rules, lambda p: display_path(p, here))
                if wanted(r.id, r.kind, chosen, dropped)
            )
            for t in settings.targets
        },
        screen,
    )
    _check_output_rules(settings, rules)
    baseline = _baseline(base, base_path, here, settings)
    from . import history as run_context  # older versions, other files

    run_context.begin(settings.root, baseline, history, here / base_path if base_path else None)
    given = [here / p if not os.path.isabs(p) else Path(p) for p in paths]
    if not given and baseline is not None:
        given = baseline.changed_paths() or []
        if not given and base is not None:
            deleted = screen(deletions(baseline, settings, here, rules))
            return Report.build(deleted, 0, [] if summarize else None)
    if check_metaschema:
        files = _metaschema_claims(expand(given, CONFIG_SUFFIXES), here)
    elif schema is not None and settings.path is None:
        files = [
            Claimed(p, display_path(p, here), settings.targets)
            for p in expand(given, CONFIG_SUFFIXES)
        ]
    else:
        unclaimed: list[Path] = []
        files = claimed_files(settings, given, here, unclaimed)
        if unclaimed and settings.catalog.enabled:
            from .catalog_claims import claim

            claims = claim(settings, unclaimed, here)
            files += claims.files
            notes, used = claims.notes, claims.schemas
    findings: list[Finding] = []
    summarizing = summarize and baseline is not None
    changes: list[FileChange] | None = [] if summarizing else None
    with RunnerPool() as pool:
        run = Run(registry, rules, baseline, None if no_consumer else pool, summarizing)

        def smoked(claimed: Claimed) -> bool:  # consumer runners live in this process
            return run.consumers is not None and any(t.consumer for t in claimed.targets)

        result: FileResult
        for result in parallel.map_files(files, lambda c: check_file(c, run), jobs, local=smoked):
            findings.extend(result.findings)
            if changes is not None:
                changes.extend(result.changes)
    if baseline is not None and not paths:
        findings.extend(deletions(baseline, settings, here, rules, changes))
    findings = screen(findings)
    hint = None
    if not files and settings.path is None and schema is None:
        hint = f"No configguard.yaml, and no file matches the built-in catalog: {NO_CONFIG_HINT}."
    return Report.build(
        findings,
        len(files),
        changes,
        checked=[c.display for c in files],
        descriptions=describe_kinds(findings),
        notes=notes,
        schemas=used,
        hint=hint,
    )


def _check_output_rules(settings: Settings, rules: RulePlan) -> None:
    """A rule ``on: output`` needs its target's consumer to declare what its output is."""
    for target in settings.targets:
        for rule in rules.by_target.get(target.name, ()):
            if rule.on == "output" and (target.consumer is None or not target.consumer.output):
                raise ConfigurationError(
                    f"rule '{rule.id}': on: output reads the output of the consumer of target "
                    f"'{target.name}', which declares none (add output: to its consumer)",
                    rule.file,
                    rule.line,
                )


def _metaschema_claims(paths: list[Path], here: Path) -> list[Claimed]:
    """Each schema file claimed by the metaschema of its declared draft."""
    from .catalog import metaschema_for
    from .schemas import read_schema

    out = []
    for path in paths:
        try:
            declared = read_schema(path)
        except ConfigurationError:
            declared = None  # checking it reports the parse error where it is
        target = Target("metaschema", ("*",), schema=metaschema_for(declared))
        out.append(Claimed(path, display_path(path, here), (target,)))
    return out


def _schema_options(
    settings: Settings,
    disable_formats: Sequence[str],
    format_regex: str,
    base_uri: str | None,
    data_transform: str | None,
) -> SchemaOptions:
    if format_regex not in ("default", "python"):
        raise ConfigurationError(f"--format-regex {format_regex}: use default or python")
    if data_transform is not None:
        from .transforms import get

        get(data_transform)  # an unknown name is exit 2 before any file is read
    return SchemaOptions(
        data_transform=data_transform,
        disable_formats=frozenset(disable_formats),
        format_regex=format_regex,
        base_uri=base_uri,
        url_dirs=settings.schema_urls,
    )


def _builtin_schema(name: str, schema: str | Path | None) -> Path:
    """``--builtin-schema NAME``: the vendored schema's (virtual) path."""
    if schema is not None:
        raise ConfigurationError("use --schema or --builtin-schema, not both")
    from .catalog import catalog

    return catalog().find(name).path


def _baseline(
    base: str | None, base_path: str | Path | None, here: Path, settings: Settings
) -> Baseline | None:
    if base is not None and base_path is not None:
        raise ConfigurationError("use --base or --base-path, not both")
    if base is not None:
        from .previous import GitBaseline

        return GitBaseline(base, here)
    if base_path is not None:
        from .history import newest_snapshot  # a snapshots folder
        from .previous import PathBaseline

        return PathBaseline(newest_snapshot(here / base_path), settings.root, here)
    return None
