"""Orchestration: configuration + files -> Report; the CLI and the Python API both use it."""

from __future__ import annotations

import dataclasses
import datetime
import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import fastexit, parallel
from .discover import CONFIG_SUFFIXES, Claimed, Matcher, claimed_files, display_path, expand
from .engine import load_findings, schema_findings
from .errors import ConfigurationError
from .findings import Finding, Hit, Report, Severity
from .kinds import Rule
from .load import DEFAULT_MAX_BYTES, Format, Loaded, detect_format, load
from .pool import RunnerPool
from .rules import (
    RuleBook,
    RulePlan,
    loader_severity,
    previous_summaries,
    rule_findings,
    size_findings,
    summarizable,
    unparsed_finding,
)
from .schemas import SchemaRegistry
from .schemas.registry import Options as SchemaOptions
from .settings import Settings, Target, find_config, load_settings
from .suppress import apply_config, apply_inline, wanted
from .suppress import select as filter_findings

if TYPE_CHECKING:  # the modules behind --base, --base-path and change summaries load on use
    from .previous import Baseline, GitBaseline, Previous
    from .summary import FileChange, Status


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
    one per core; 1 checks serially); the report is the same either way.
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
    baseline = _baseline(base, base_path, here, settings)
    given = [here / p if not os.path.isabs(p) else Path(p) for p in paths]
    if not given and baseline is not None:
        given = baseline.changed_paths() or []
        if not given and base is not None:
            deleted = screen(_deletions(baseline, settings, here, rules))
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
            from .catalog.claims import claim

            claims = claim(settings, unclaimed, here)
            files += claims.files
            notes, used = claims.notes, claims.schemas
    findings: list[Finding] = []
    changes: list[FileChange] | None = [] if summarize and baseline is not None else None
    with RunnerPool() as pool:
        consumers = None if no_consumer else pool

        def one(claimed: Claimed) -> tuple[list[Finding], list[FileChange]]:
            mine: list[FileChange] = []
            found = _check_file(
                claimed,
                registry,
                baseline,
                mine if changes is not None else None,
                consumers,
                rules=rules,
            )
            return found, mine

        def smoked(claimed: Claimed) -> bool:  # consumer runners live in this process
            return consumers is not None and any(t.consumer for t in claimed.targets)

        for found, mine in parallel.map_files(files, one, jobs, local=smoked):
            findings.extend(found)
            if changes is not None:
                changes.extend(mine)
    if baseline is not None and not paths:
        findings.extend(_deletions(baseline, settings, here, rules, changes))
    findings = screen(findings)
    hint = None
    if not files and settings.path is None and schema is None:
        hint = f"No configguard.yaml, and no file matches the built-in catalog: {NO_CONFIG_HINT}."
    return Report.build(
        findings,
        len(files),
        changes,
        checked=[c.display for c in files],
        notes=notes,
        schemas=used,
        hint=hint,
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
        from .previous import PathBaseline

        return PathBaseline(here / base_path, settings.root, here)
    return None


def _deletions(
    baseline: Baseline,
    settings: Settings,
    here: Path,
    rules: RulePlan,
    changes: list[FileChange] | None = None,
) -> list[Finding]:
    """Files claimed by a target that are gone since the baseline: reported, never silent.

    Deleting a file removes every entry it had, so each ``no-removal`` rule of its targets
    fires (with the rule's severity and why): that is how a deletion is forbidden.
    """
    from .previous import GitBaseline

    if settings.path is None or not isinstance(baseline, GitBaseline):
        return []
    matcher = Matcher(settings)
    out = []
    for change in baseline.deleted():
        path = baseline.root / change.path
        targets = matcher.targets_for(path)
        if not targets:
            continue
        display = display_path(path, here)
        for rule in rules.for_targets(targets):
            if rule.kind == "no-removal":
                message = f"deleted since {baseline.ref}: every entry at {rule.path or '/'} is gone"
                out.append(unparsed_finding(rule, display, Hit(rule.path, message), 0, 0))
        out.append(
            Finding(
                rule="file-deleted",
                kind="file-deleted",
                severity=Severity.INFO,
                file=display,
                path="",
                line=0,
                column=0,
                message=f"deleted since {baseline.ref}",
            )
        )
        if changes is not None:
            from . import vcs
            from .summary import FileChange

            raw = vcs.read_at(baseline.ref, change.path, baseline.root)
            size = len(raw) if raw is not None else None
            changes.append(FileChange(display, "deleted", change.path, size, None))
    return out


def _check_file(
    claimed: Claimed,
    registry: SchemaRegistry,
    baseline: Baseline | None = None,
    changes: list[FileChange] | None = None,
    consumers: RunnerPool | None = None,
    rules: RulePlan | None = None,
) -> list[Finding]:
    fastexit.release()
    formats = {t.format for t in claimed.targets}
    fmt = formats.pop() if len(formats) == 1 else None
    file_rules = rules.for_targets(claimed.targets) if rules else []
    findings: list[Finding] = []
    if file_rules:  # max-bytes: judged on the size alone, so a huge file is never read
        try:
            size: int | None = claimed.path.stat().st_size
        except OSError:
            size = None
        if size is not None:
            findings = size_findings(size, claimed.display, file_rules)
            # an oversized file is not parsed, unless that finding is suppressed
            if rules and any(f.severity == Severity.ERROR for f in rules.screen(findings)):
                return [
                    dataclasses.replace(f, message=f"{f.message}; not parsed or checked further")
                    for f in findings
                ]
    # a max-bytes rule has judged the size: it, not the built-in ceiling, is the limit
    sized = any(r.kind == "max-bytes" for r in file_rules)
    summaries: list[dict[str, Any]] | None = None
    known: Previous | None = None
    if baseline is not None and changes is None and summarizable(file_rules):
        summaries, known = _summarized_previous(claimed, baseline, fmt, file_rules)
    loaded = load(
        claimed.path,
        claimed.display,
        fmt,
        max_bytes=None if sized else DEFAULT_MAX_BYTES,
        yaml11=True,  # the yaml-1.1-ambiguity kind, on by default
    )
    findings += loader_severity(load_findings(loaded, claimed.display), file_rules)
    if any(f.kind == "parse-error" for f in findings):
        return findings
    previous = None
    if summaries is None:
        previous = _previous_documents(claimed, baseline, fmt, loaded, known)
    if changes is not None:
        changes.extend(_summaries(claimed, loaded, previous, baseline))
    for target in claimed.targets:
        if target.schema is None:
            continue
        compiled = registry.compiled(target.schema)
        for document in loaded.documents:
            findings.extend(schema_findings(document, compiled))
    if consumers is not None and any(t.consumer for t in claimed.targets):
        from .smoke import smoke_findings

        findings.extend(smoke_findings(claimed, loaded, consumers))
    for i, document in enumerate(loaded.documents if file_rules else ()):
        if summaries is not None:
            kept = summaries[i] if i < len(summaries) else {}
            findings.extend(rule_findings(document, file_rules, None, kept))
            continue
        old = previous.documents[i] if previous and i < len(previous.documents) else None
        findings.extend(rule_findings(document, file_rules, old))
    fastexit.hold((loaded, previous))
    # the text only when there is something to suppress (a big JSON file is not decoded)
    return apply_inline(findings, loaded.source.text if loaded.source and findings else None)


_KEEP_BYTES = 1 << 20
"""A previous version up to this size is kept for the usual path rather than read twice."""


def _summarized_previous(
    claimed: Claimed, baseline: Baseline, fmt: Format | None, file_rules: list[Rule]
) -> tuple[list[dict[str, Any]] | None, Previous | None]:
    """What each change rule keeps of the previous version, per document, parsed and dropped
    before the proposed version is parsed (two big versions are never held at once).

    None when the previous version may have the proposed file's bytes (same size): then
    the usual path shares one parse instead (with the bytes read, unless they are big).
    ``[]`` for a new file or an unusable one.
    """
    from .previous import load_previous

    try:
        size: int | None = claimed.path.stat().st_size
    except OSError:
        size = None
    on_disk = baseline.previous_file(claimed.path)
    if size is not None and on_disk is not None and on_disk.size == size:
        return None, None  # known without reading it
    previous = baseline.previous(claimed.path)
    if previous is None:
        return [], None
    if size == len(previous.raw):  # read again later: held now it would add to the peak
        return None, None if size > _KEEP_BYTES else previous
    loaded = load_previous(previous, fmt)
    del previous  # its bytes go before the proposed file is read
    if any(p.kind == "parse-error" for p in loaded.problems):
        return [], None
    return [previous_summaries(document, file_rules) for document in loaded.documents], None


def _previous_documents(
    claimed: Claimed,
    baseline: Baseline | None,
    fmt: Format | None,
    current: Loaded,
    known: Previous | None = None,
) -> Loaded | None:
    """The previous version, parsed; None when there is none (a new file) or it is unusable."""
    if baseline is None:
        return None
    from .previous import load_previous, shared_previous

    on_disk = baseline.previous_file(claimed.path) if known is None else None
    source = current.source
    if (
        on_disk is not None
        and source is not None
        and source.format == (fmt or detect_format(on_disk.path))
        and source.same_file(on_disk.path)
    ):
        return shared_previous(current, source, on_disk.label)  # never read whole
    previous = known if known is not None else baseline.previous(claimed.path)
    if previous is None:
        return None
    loaded = load_previous(previous, fmt, current)
    if any(p.kind == "parse-error" for p in loaded.problems):
        return None
    return loaded


def _summaries(
    claimed: Claimed, loaded: Loaded, previous: Loaded | None, baseline: Baseline | None
) -> list[FileChange]:
    from .previous import GitBaseline
    from .summary import FileChange, compare_lists

    new_bytes = loaded.source.size if loaded.source else None
    if previous is None or previous.source is None:
        return [FileChange(claimed.display, "added", None, None, new_bytes)]
    label = previous.source.display
    old_path = label.split(":", 1)[1] if isinstance(baseline, GitBaseline) else label
    renamed = isinstance(baseline, GitBaseline) and old_path != _repo_relative(claimed, baseline)
    multi = len(loaded.documents) > 1
    out = []
    for i, document in enumerate(loaded.documents):
        old = previous.documents[i].data if i < len(previous.documents) else None
        lists = compare_lists(old, document.data)
        unchanged = old == document.data and previous.source.size == new_bytes
        status: Status = "renamed" if renamed else "unchanged" if unchanged else "modified"
        out.append(
            FileChange(
                claimed.display,
                status,
                label,
                previous.source.size,
                new_bytes,
                lists,
                i if multi else None,
            )
        )
    return out


def _repo_relative(claimed: Claimed, baseline: GitBaseline) -> str:
    return Path(os.path.abspath(claimed.path)).relative_to(baseline.root).as_posix()


def explain(name: str, *, config: str | Path | None = None, cwd: str | Path | None = None) -> str:
    """The text of ``configguard explain NAME``: a rule of the project (when a configuration
    is found) with its kind's documentation, or a kind's documentation."""
    from .rules import explain as explain_rule

    here = Path(cwd) if cwd is not None else Path.cwd()
    book: RuleBook | None = None
    if config is not None or find_config(here.absolute()) is not None:
        settings = resolve_settings(config, None, here)
        book = RuleBook()
        for target in settings.targets:
            book.rules(target.rules, lambda p: display_path(p, here))
    return explain_rule(name, book)
