"""Orchestration: configuration + files -> Report; the CLI and the Python API both use it."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from .consumers import RunnerPool
from .discover import CONFIG_SUFFIXES, Claimed, claimed_files, display_path, expand
from .engine import load_findings, schema_findings
from .errors import ConfigurationError
from .findings import Finding, Report
from .load import load
from .schemas import SchemaRegistry
from .settings import Settings, Target, find_config, load_settings


def resolve_settings(
    config: str | Path | None = None,
    schema: str | Path | None = None,
    cwd: Path | None = None,
) -> Settings:
    """The run's settings: ``--schema`` alone needs no configuration file at all."""
    cwd = cwd or Path.cwd()
    if config is not None:
        settings = load_settings(Path(config), str(config))
    elif schema is not None:
        return Settings(path=None, root=cwd, targets=(Target("schema", ("*",), (), Path(schema)),))
    else:
        found = find_config(cwd.absolute())
        if found is None:
            raise ConfigurationError(
                f"no configguard.yaml, .configguard.yaml or [tool.configguard] in {cwd} or its "
                "parents; write one, or pass --config PATH or --schema FILE"
            )
        settings = load_settings(found, display_path(found, cwd))
    if schema is not None:  # --schema with --config: the schema replaces every target's
        settings = Settings(
            settings.path,
            settings.root,
            (Target("schema", ("*",), (), Path(schema)),),
            settings.schema_dirs,
            settings.allow_remote_refs,
        )
    return settings


def check(
    paths: Sequence[str | Path] = (),
    *,
    config: str | Path | None = None,
    schema: str | Path | None = None,
    schema_dirs: Sequence[str | Path] = (),
    allow_remote_refs: bool | None = None,
    cwd: str | Path | None = None,
    no_consumer: bool = False,
) -> Report:
    """Check config files and return every finding, sorted.

    ``paths``: files or folders (default: every file any target claims). ``schema``: check
    ``paths`` against this one schema with no configuration file (like
    ``check-jsonschema --schemafile``). Raises ConfigurationError when configguard cannot
    do its job (exit 2 on the command line). Each target's consumer is run on its files
    (a crash is a ``consumer-crash`` finding) unless ``no_consumer``.
    """
    here = Path(cwd) if cwd is not None else Path.cwd()
    settings = resolve_settings(config, schema, here)
    registry = SchemaRegistry(
        tuple(settings.schema_dirs) + tuple(Path(d) for d in schema_dirs),
        settings.allow_remote_refs if allow_remote_refs is None else allow_remote_refs,
    )
    if schema is not None and not paths:
        raise ConfigurationError(
            "--schema needs the files to check: configguard check --schema S FILE..."
        )
    given = [here / p if not os.path.isabs(p) else Path(p) for p in paths]
    if schema is not None and settings.path is None:
        files = [
            Claimed(p, display_path(p, here), settings.targets)
            for p in expand(given, CONFIG_SUFFIXES)
        ]
    else:
        files = claimed_files(settings, given, here)
    findings: list[Finding] = []
    with RunnerPool() as pool:
        for claimed in files:
            findings.extend(_check_file(claimed, registry, None if no_consumer else pool))
    return Report.build(findings, len(files))


def _check_file(
    claimed: Claimed, registry: SchemaRegistry, consumers: RunnerPool | None = None
) -> list[Finding]:
    formats = {t.format for t in claimed.targets}
    fmt = formats.pop() if len(formats) == 1 else None
    loaded = load(claimed.path, claimed.display, fmt)
    findings = load_findings(loaded, claimed.display)
    if any(f.kind == "parse-error" for f in findings):
        return findings
    for target in claimed.targets:
        if target.schema is None:
            continue
        compiled = registry.compiled(target.schema)
        for document in loaded.documents:
            findings.extend(schema_findings(document, compiled))
    if consumers is not None:
        from .smoke import smoke_findings

        findings.extend(smoke_findings(claimed, loaded, consumers))
    return findings
