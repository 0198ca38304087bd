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
from .settings import Settings, Target, find_config, load_settings
from .suppress import apply_config, wanted
from .suppress import select as filter_findings

if TYPE_CHECKING:  # the modules behind --base and --base-path load on use
    from .previous import Baseline


def resolve_settings(
    config: str | Path | None = None,
    schema: str | Path | None = None,
    cwd: Path | None = None,
) -> Settings:
    """The run's settings: ``--schema`` alone needs no configuration file at all.

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
        if found is None:
            raise ConfigurationError(
                f"no configguard.yaml, .configguard.yaml or [tool.configguard] in {cwd} or its "
                "parents; write one, or pass --config PATH or --schema FILE"
            )
        settings = load_settings(found, display_path(found, cwd))
    if schema_path is not None:  # --schema with --config: the schema replaces every target's
        settings = Settings(
            settings.path,
            settings.root,
            (Target("schema", ("*",), (), schema_path),),
            settings.schema_dirs,
            settings.allow_remote_refs,
            settings.ignores,
        )
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
    """
    here = Path(cwd) if cwd is not None else Path.cwd()
    settings = resolve_settings(config, schema, here)
    registry = SchemaRegistry(
        tuple(settings.schema_dirs) + tuple(here / d for d in schema_dirs),
        settings.allow_remote_refs if allow_remote_refs is None else allow_remote_refs,
    )
    if schema is not None and not paths:
        raise ConfigurationError(
            "--schema needs the files to check: configguard check --schema SCHEMA FILE..."
        )
    chosen, dropped = tuple(select), tuple(ignore)

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
    if schema is not None and settings.path is None:
        files = [
            Claimed(p, display_path(p, here), settings.targets)
            for p in expand(given, CONFIG_SUFFIXES)
        ]
    else:
        files = claimed_files(settings, given, here)
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
    return Report.build(
        findings,
        len(files),
        changes,
        checked=[c.display for c in files],
        descriptions=describe_kinds(findings),
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
