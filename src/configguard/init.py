"""``configguard init``: propose a configguard.yaml and starter rules from the files already here.

The repository is the best evidence of what its config files look like, so the
proposal is drawn from it: JSON/YAML/TOML files grouped by folder and shape into
targets, a schema attached only where one is found that accepts every current file,
and rules whose limits are today's sizes with stated headroom. Every number written
carries a comment saying where it came from, so a reviewer can judge it. Nothing is
ever overwritten, and the result passes ``configguard check`` on the current files:
a file that would fail (it does not parse, it repeats a key) is left out with a note.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .discover import CONFIG_SUFFIXES, walk
from .errors import ConfigurationError
from .load import Format, detect_format, load
from .locate import escape
from .settings import CONFIG_NAMES, find_config, own_schema

if TYPE_CHECKING:
    from .init_history import Learned

HEADROOM = 2
"""max-items limit = HEADROOM x the largest count seen today."""
MIN_LIMIT = 10
"""The lowest max-items limit proposed, so a short list may still grow a little."""
GROWTH_RATIO = 1.5
"""max-growth: a change may make an array at most this many times as long as before."""
GROWTH_TOP = 3
"""max-growth goes on this many of the largest arrays of a target..."""
GROWTH_MIN_ITEMS = 10
"""...that have at least this many items."""
MAX_ITEM_RULES = 20
"""At most this many max-items rules per target (the largest arrays), to stay readable."""
MAX_DEPTH = 8
"""Arrays nested deeper than this are not given rules."""
BYTES_HEADROOM = 2
"""max-bytes limit = BYTES_HEADROOM x the largest file today..."""
MIN_BYTES = 64 * 1024
"""...but never below 64 KiB: a small hand-edited file may grow by a few lines."""
ID_KEYS = ("id", "uuid", "key", "name", "slug")
"""Keys that usually identify an entry, in order of preference, for ``unique`` rules."""
SIMILAR_SHAPE = 0.5
"""Two object files share a shape when their top-level keys overlap this much (Jaccard)."""

# Files that are configuration of tools, not of the system: never proposed as targets.
SKIPPED_NAMES = frozenset(
    {*CONFIG_NAMES, "package-lock.json", "npm-shrinkwrap.json", "composer.lock"}
)


@dataclass
class Scanned:
    """One candidate file, parsed once."""

    path: Path
    rel: str
    format: Format
    size: int
    documents: list[Any]
    problem: str | None = None


@dataclass
class ProposedTarget:
    name: str
    folder: str
    files: list[Scanned]
    globs: list[str]
    shape: str
    schema: str | None = None
    schema_note: str | None = None
    rules_file: str | None = None
    rules: list[str] = field(default_factory=list)
    """Rendered YAML blocks, one per rule, comments included."""
    rule_notes: list[str] = field(default_factory=list)


@dataclass
class Plan:
    """What init will write: file path -> content, plus what it learned on the way."""

    root: Path
    files: dict[Path, str]
    targets: list[ProposedTarget]
    skipped: list[tuple[str, str]]
    schemas: list[str]


# -- scanning --------------------------------------------------------------------------
def _candidates(root: Path) -> list[Path]:
    """Config files here: those git tracks or would track (ignored files are not yours to
    check), or every file when this is not a git work tree."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
            cwd=root,
            capture_output=True,
            check=True,
            timeout=60,
        ).stdout
        paths = sorted({root / p for p in listed.decode("utf-8", "replace").split("\0") if p})
    except (OSError, subprocess.SubprocessError):
        paths = list(walk(root))
    return [p for p in paths if p.suffix.lower() in CONFIG_SUFFIXES and p.is_file()]


def _is_schema(rel: str, data: Any) -> bool:
    name = rel.rsplit("/", 1)[-1].lower()
    if name.endswith((".schema.json", ".schema.yaml", ".schema.yml")):
        return True
    meta = data.get("$schema") if isinstance(data, dict) else None
    return isinstance(meta, str) and "json-schema.org/" in meta


def scan(root: Path) -> tuple[list[Scanned], list[str], list[tuple[str, str]]]:
    """(data files, schema files, skipped files with the reason), paths relative to root."""
    files: list[Scanned] = []
    schemas: list[str] = []
    skipped: list[tuple[str, str]] = []
    for path in _candidates(root):
        rel = path.relative_to(root).as_posix()
        if path.name in SKIPPED_NAMES or path.name == "pyproject.toml":
            continue
        loaded = load(path, rel)
        if loaded.problems:
            problem = loaded.problems[0]
            where = f" at line {problem.line}" if problem.line else ""
            verb = "repeats a key" if problem.kind == "no-duplicate-keys" else "does not parse"
            skipped.append((rel, f"{verb}{where}: {problem.message}"))
            continue
        documents = [d.data for d in loaded.documents]
        if documents and _is_schema(rel, documents[0]):
            schemas.append(rel)
            continue
        size = loaded.source.size if loaded.source else 0
        files.append(Scanned(path, rel, detect_format(path), size, documents))
    return files, schemas, skipped


# -- grouping --------------------------------------------------------------------------
def _keys(scanned: Scanned) -> frozenset[str]:
    first = scanned.documents[0] if scanned.documents else None
    return frozenset(first) if isinstance(first, dict) else frozenset()


def _top_type(scanned: Scanned) -> str:
    first = scanned.documents[0] if scanned.documents else None
    if isinstance(first, dict):
        return "object"
    if isinstance(first, list):
        return "array"
    return "scalar"


def _similar(a: frozenset[str], b: frozenset[str]) -> bool:
    if not a and not b:
        return True
    return len(a & b) / len(a | b) >= SIMILAR_SHAPE


def _family(fmt: Format) -> str:
    return {"json": "JSON", "yaml": "YAML", "toml": "TOML"}[fmt]


def _file_stem(rel: str) -> str:
    """``a/.pre-commit-hooks.yaml`` -> ``pre-commit-hooks``; ``b/app.prod.json`` -> ``app``."""
    return rel.rsplit("/", 1)[-1].lstrip(".").split(".")[0].lower()


def _glob_escape(text: str) -> str:
    return re.sub(r"([\\*?\[\]!#])", r"\\\1", text)


def _slug(text: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-._")
    return slug or "config"


def group(files: list[Scanned], all_on_disk: list[str]) -> list[ProposedTarget]:
    """Targets: files in one folder, of one format family and a similar shape.

    A folder glob (``folder/*.json``) is used only when every file it would match on disk
    belongs to the group; otherwise the files are listed, so no other file is claimed.
    """
    by_folder: dict[tuple[str, str, str], list[Scanned]] = defaultdict(list)
    for scanned in files:
        folder = scanned.rel.rsplit("/", 1)[0] if "/" in scanned.rel else ""
        by_folder[(folder, scanned.format, _top_type(scanned))].append(scanned)
    clusters: list[tuple[str, list[Scanned]]] = []
    for (folder, _fmt, _top), members in sorted(by_folder.items()):
        groups: list[list[Scanned]] = []
        for scanned in members:
            for existing in groups:
                if _similar(_keys(existing[0]), _keys(scanned)):
                    existing.append(scanned)
                    break
            else:
                groups.append([scanned])
        clusters.extend((folder, g) for g in groups)
    # per folder, the largest group first: it is named after the folder, the others after
    # their first file
    clusters.sort(key=lambda c: (c[0], -len(c[1]), c[1][0].rel))

    names: set[str] = set()
    targets: list[ProposedTarget] = []
    for index, (folder, members) in enumerate(clusters):
        first_in_folder = index == 0 or clusters[index - 1][0] != folder
        if folder and first_in_folder:
            base = _slug(folder.replace("/", "-"))
        else:
            stem = _file_stem(members[0].rel)
            base = _slug(f"{folder.replace('/', '-')}-{stem}" if folder else stem)
        name, n = base, 2
        while name in names:
            name, n = f"{base}-{n}", n + 1
        names.add(name)
        targets.append(
            ProposedTarget(
                name=name,
                folder=folder,
                files=members,
                globs=_globs(folder, members, all_on_disk),
                shape=_describe_shape(members),
            )
        )
    return targets


def _globs(folder: str, members: list[Scanned], all_on_disk: list[str]) -> list[str]:
    prefix = f"{_glob_escape(folder)}/" if folder else "/"  # "/" anchors to the root
    mine = {m.rel for m in members}
    suffixes = sorted({m.rel.rsplit(".", 1)[-1] for m in members})
    in_folder = [p for p in all_on_disk if (p.rsplit("/", 1)[0] if "/" in p else "") == folder]
    globs: list[str] = []
    for suffix in suffixes:
        matching = {p for p in in_folder if p.rsplit(".", 1)[-1] == suffix}
        owned = {m for m in mine if m.rsplit(".", 1)[-1] == suffix}
        if matching == owned and len(owned) > 1:
            globs.append(f"{prefix}*.{_glob_escape(suffix)}")
        else:
            globs.extend(f"{prefix}{_glob_escape(m.rsplit('/', 1)[-1])}" for m in sorted(owned))
    return globs


def _describe_shape(members: list[Scanned]) -> str:
    count = f"{len(members)} {_family(members[0].format)} file{'s' if len(members) > 1 else ''}"
    top = _top_type(members[0])
    if top == "object":
        keys = sorted(_keys(members[0]))
        shown = ", ".join(keys[:5]) + (", ..." if len(keys) > 5 else "")
        return f"{count}, objects with keys {shown}" if keys else f"{count}, empty objects"
    return f"{count}, top level {'a list' if top == 'array' else 'a single value'}"


# -- schemas ---------------------------------------------------------------------------
def _schema_stem(rel: str) -> str:
    name = rel.rsplit("/", 1)[-1].lower()
    for suffix in (".schema.json", ".schema.yaml", ".schema.yml", ".json", ".yaml", ".yml"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def _tokens(text: str) -> set[str]:
    """Words of a name, singular: ``bot-features`` -> {bot, feature}."""
    words = re.split(r"[^a-z0-9]+", text.lower())
    return {w[:-1] if len(w) > 4 and w.endswith("s") else w for w in words if len(w) >= 3}


def _schema_candidates(target: ProposedTarget, schemas: list[str]) -> list[str]:
    """Schemas named like the target, its folder or its files, best first.

    An exact name match ranks first, then a shared word (``bot-features.schema.json``
    for the folder ``features``); a word inside another (``conf`` in ``configguard``)
    is no match.
    """
    names = {target.name.lower(), *target.folder.lower().split("/")}
    names |= {_file_stem(m.rel) for m in target.files}
    names.discard("")
    words = set().union(*(_tokens(n) for n in names))
    scored = []
    for schema in schemas:
        stem = _schema_stem(schema)
        if stem in names:
            scored.append((0, schema))
        elif _tokens(stem) & words:
            scored.append((1, schema))
    return [s for _, s in sorted(scored)]


def attach_schemas(
    root: Path, targets: list[ProposedTarget], schemas: list[str], schema_dirs: list[str]
) -> None:
    """Give each target the first matching schema that accepts every one of its files now."""
    from . import api

    for target in targets:
        rejected: list[str] = []
        for schema in _schema_candidates(target, schemas):
            try:
                report = api.check(
                    [m.rel for m in target.files],
                    schema=root / schema,
                    schema_dirs=[root / d for d in schema_dirs],
                    cwd=root,
                )
            except ConfigurationError as exc:
                rejected.append(f"{schema} cannot be used ({exc.message})")
                continue
            if report.errors:
                first = report.findings[0]
                rejected.append(
                    f"{schema} rejects {first.file}:{first.line} {first.path or '/'}: "
                    f"{first.message}"
                    + (f" (and {report.errors - 1} more)" if report.errors > 1 else "")
                )
                continue
            target.schema = schema
            break
        if target.schema is None:
            _attach_catalog_schema(root, target, rejected)
        if target.schema is None:
            target.schema_note = (
                "; ".join(rejected) + " - fix the files or the schema, then add it"
                if rejected
                else "no matching schema found here; write one and add `schema: PATH`"
            )


def _attach_catalog_schema(root: Path, target: ProposedTarget, rejected: list[str]) -> None:
    """The built-in catalog's schema, when every file of the target matches the same
    vendored entry and that schema accepts them all (``schema: builtin:ID``)."""
    from . import api
    from .catalog import catalog

    matches = [catalog().match(m.rel) for m in target.files]
    ids = {m.entry.id for m in matches if m is not None and m.entry.file is not None}
    if len(ids) != 1 or any(m is None for m in matches):
        return
    entry_id = ids.pop()
    report = api.check([m.rel for m in target.files], builtin_schema=entry_id, cwd=root)
    if report.errors:
        first = report.findings[0]
        rejected.append(
            f"builtin:{entry_id} (the catalog's) rejects {first.file}:{first.line} "
            f"{first.path or '/'}: {first.message}"
        )
        return
    target.schema = f"builtin:{entry_id}"


# -- rules -----------------------------------------------------------------------------
@dataclass
class ArrayStats:
    pointer: str
    largest: int = -1
    largest_in: str = ""
    instances: list[list[Any]] = field(default_factory=list)
    files: set[str] = field(default_factory=set)


def _arrays(value: Any, parts: list[str], depth: int = 0) -> Iterator[tuple[str, list[Any]]]:
    """(generalised pointer, array) for every array; indices become ``*``."""
    if depth > MAX_DEPTH:
        return
    if isinstance(value, list):
        yield "".join(f"/{p}" for p in parts), value
        for item in value:
            yield from _arrays(item, [*parts, "*"], depth + 1)
    elif isinstance(value, dict):
        for key, item in value.items():
            if key == "*":  # a literal "*" key cannot be told from the wildcard
                continue
            yield from _arrays(item, [*parts, escape(str(key))], depth + 1)


def _collect(target: ProposedTarget) -> dict[str, ArrayStats]:
    stats: dict[str, ArrayStats] = {}
    for scanned in target.files:
        for document in scanned.documents:
            for pointer, array in _arrays(document, []):
                entry = stats.setdefault(pointer, ArrayStats(pointer))
                entry.instances.append(array)
                entry.files.add(scanned.rel)
                if len(array) > entry.largest:
                    entry.largest, entry.largest_in = len(array), scanned.rel
    return stats


def _id_key(entry: ArrayStats) -> tuple[str | None, str | None]:
    """(key to make unique, or None; a note when an id-like key already repeats)."""
    items = [item for array in entry.instances for item in array]
    if len(items) < 2 or not all(isinstance(item, dict) for item in items):
        return None, None
    for key in ID_KEYS:
        values = [item.get(key) for item in items]
        if not all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in values):
            continue
        for array in entry.instances:
            seen: dict[Any, int] = {}
            for item in array:
                seen[item[key]] = seen.get(item[key], 0) + 1
            repeated = [(v, n) for v, n in seen.items() if n > 1]
            if repeated:
                value, times = repeated[0]
                return None, (
                    f"no unique rule on {entry.pointer or '/'} by {key!r}: it already "
                    f"repeats (e.g. {json.dumps(value)} x{times}); remove the duplicates first"
                )
        return key, None
    return None, None


_PLAIN = re.compile(r"[A-Za-z_/][A-Za-z0-9_./-]*")
# Words that YAML 1.1 readers (PyYAML) take for booleans or null when unquoted.
_RESERVED = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"})


def _q(value: Any) -> str:
    """A YAML scalar: plain when unambiguous, else JSON-quoted (valid YAML 1.2)."""
    if isinstance(value, str) and _PLAIN.fullmatch(value) and value.lower() not in _RESERVED:
        return value
    return json.dumps(value, ensure_ascii=False)


def _short(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _rule_id(target: str, pointer: str, kind: str) -> str:
    where = _slug(pointer.replace("/*", "").strip("/").replace("/", ".")) if pointer else ""
    return f"{target}.{where}.{kind}" if where else f"{target}.{kind}"


def _rule(comment: list[str], fields: list[tuple[str, Any]]) -> str:
    lines = [f"  # {c}" for c in comment]
    first = True
    for key, value in fields:
        lines.append(f"  {'- ' if first else '  '}{key}: {_q(value)}")
        first = False
    return "\n".join(lines)


def propose_rules(target: ProposedTarget, learned: Learned | None = None) -> None:
    """Fill ``target.rules``: max-bytes, max-items, unique, max-growth, each explained; with
    git history (``learned``), max-growth from the largest real step, novel-values and
    monotonic too."""
    taken: set[str] = set()

    def rule_id(pointer: str, kind: str) -> str:
        base = _rule_id(target.name, pointer, kind)
        name, n = base, 2
        while name in taken:
            name, n = f"{base}-{n}", n + 1
        taken.add(name)
        return name

    largest_file = max(target.files, key=lambda f: f.size)
    if largest_file.size > 0:
        limit = BYTES_HEADROOM * largest_file.size
        how = f"limit {BYTES_HEADROOM} x that = {limit:,}"
        why = f"starter limit: {BYTES_HEADROOM} x the largest file seen by init"
        if limit < MIN_BYTES:
            limit = MIN_BYTES
            how = f"limit {MIN_BYTES:,}, the floor init uses for small files"
            why = f"starter limit: the {MIN_BYTES:,}-byte floor init uses for small files"
        target.rules.append(
            _rule(
                [f"largest file now: {largest_file.size:,} bytes ({largest_file.rel}); {how}"],
                [
                    ("id", rule_id("", "max-bytes")),
                    ("kind", "max-bytes"),
                    ("max", limit),
                    ("why", why),
                ],
            )
        )
    arrays = sorted(_collect(target).values(), key=lambda s: (-s.largest, s.pointer))
    if len(arrays) > MAX_ITEM_RULES:
        target.rule_notes.append(
            f"{len(arrays) - MAX_ITEM_RULES} smaller arrays have no max-items rule "
            f"(init proposes at most {MAX_ITEM_RULES} per target)"
        )
    for entry in arrays[:MAX_ITEM_RULES]:
        where = entry.pointer or "/"
        if entry.largest * HEADROOM >= MIN_LIMIT:
            limit = entry.largest * HEADROOM
            how = f"limit {HEADROOM} x {entry.largest} = {limit}"
            why = f"starter limit: {HEADROOM} x the {entry.largest} items seen by init"
        else:
            limit = MIN_LIMIT
            how = f"limit {MIN_LIMIT}, the floor init uses for short lists"
            why = f"starter limit: the floor of {MIN_LIMIT} for short lists ({entry.largest} seen)"
        seen = f"{len(entry.instances)} lists" if len(entry.instances) > 1 else "1 list"
        fields: list[tuple[str, Any]] = [
            ("id", rule_id(entry.pointer, "max-items")),
            ("kind", "max-items"),
        ]
        if entry.pointer:
            fields.append(("path", entry.pointer))
        fields += [
            ("max", limit),
            ("why", why),
        ]
        target.rules.append(
            _rule(
                [
                    f"{where}: largest now {entry.largest} items ({entry.largest_in}, "
                    f"{seen} seen); {how}"
                ],
                fields,
            )
        )
        key, note = _id_key(entry)
        if note:
            target.rule_notes.append(note)
        if key:
            fields = [
                ("id", rule_id(entry.pointer, "unique")),
                ("kind", "unique"),
            ]
            if entry.pointer:
                fields.append(("path", entry.pointer))
            fields += [
                ("key", key),
                ("why", f"entries are identified by {key!r}; a repeated entry is a mistake"),
            ]
            target.rules.append(
                _rule(
                    [f"{where}: every entry has the key {key!r} and no value of it repeats today"],
                    fields,
                )
            )
    growing = [e for e in arrays if e.largest >= GROWTH_MIN_ITEMS][:GROWTH_TOP]
    for entry in growing:
        fields = [
            ("id", rule_id(entry.pointer, "max-growth")),
            ("kind", "max-growth"),
            ("metric", "items"),
        ]
        if entry.pointer:
            fields.append(("path", entry.pointer))
        ratio, comment = (
            GROWTH_RATIO,
            [
                f"{entry.pointer or '/'}: one of the {GROWTH_TOP} largest lists "
                f"({entry.largest} items now); compared with the previous version a "
                f"change may make it at most {GROWTH_RATIO} x as long",
                "(the Cloudflare bot-feature file of 18 Nov 2025 doubled in one change)",
            ],
        )
        if learned is not None:
            from .init_history import growth

            ratio, comment = growth(learned, target, entry.pointer, entry.largest, ratio, comment)
        fields += [
            ("ratio", ratio),
            ("why", "a sudden jump in size is how a bad generated file looks"),
        ]
        target.rules.append(_rule(comment, fields))
    if learned is not None:
        from .init_history import history_rules

        target.rules += [_rule(c, f) for c, f in history_rules(learned, target, rule_id)]


# -- rendering -------------------------------------------------------------------------
def _config_supports_rules() -> bool:
    """Whether this configguard reads ``rules:`` in a target (else init writes it commented)."""
    target = own_schema("configguard.schema.json").get("$defs", {}).get("target", {})
    return "rules" in target.get("properties", {})


def render_rules(target: ProposedTarget) -> str:
    lines = [
        f"# Starter rules for target {target.name!r}, written by `configguard init` from "
        f"{len(target.files)} file{'s' if len(target.files) > 1 else ''}.",
        "# Each limit is today's size with headroom, and its comment says where it came from.",
        "# Tighten them to what the program that reads these files can really take.",
    ]
    lines += [f"# Note: {n}" for n in target.rule_notes]
    lines += ["rules:"]
    body = "\n\n".join(target.rules)
    return "\n".join(lines) + "\n" + body + "\n"


def render_config(
    plan_targets: list[ProposedTarget],
    schema_dirs: list[str],
    skipped: list[tuple[str, str]],
    scanned: int,
) -> str:
    supports_rules = _config_supports_rules()
    lines = [
        f"# configguard.yaml, written by `configguard init` from the {scanned} config "
        f"file{'s' if scanned != 1 else ''} found here.",
        "# Targets group files by folder and shape; review the names, globs and schemas.",
        "# Then run: configguard check",
    ]
    if skipped:
        lines.append("# Not claimed by any target (they would fail `configguard check` today):")
        lines += [f"#   {rel}: {reason}" for rel, reason in skipped]
    lines.append("version: 1")
    if schema_dirs:
        lines.append(f"schema_dirs: [{', '.join(_q(d + '/') for d in schema_dirs)}]")
    lines.append("targets:")
    for target in plan_targets:
        lines.append(f"  {target.name}:  # {target.shape}")
        lines.append(f"    files: [{', '.join(_q(g) for g in target.globs)}]")
        if target.schema:
            count = len(target.files)
            accepts = "its file" if count == 1 else f"all {count} files"
            lines.append(f"    schema: {_q(target.schema)}  # accepts {accepts} today")
        elif target.schema_note:
            lines.append(f"    # schema: {_short(target.schema_note)}")
        if target.rules_file:
            entry = f"rules: [{_q(target.rules_file)}]"
            if supports_rules:
                lines.append(f"    {entry}")
            else:
                lines.append(f"    # {entry}  (this configguard does not read rules files yet)")
    return "\n".join(lines) + "\n"


# -- the command -----------------------------------------------------------------------
def propose(root: Path) -> Plan:
    """Everything init would write for ``root``, computed without writing."""
    root = root.absolute()
    if not root.is_dir():
        raise ConfigurationError("not a folder", str(root))
    files, schemas, skipped = scan(root)
    if not files:
        raise ConfigurationError(
            "found no JSON, YAML or TOML file to check here (and init writes no empty "
            "configuration)",
            str(root),
        )
    all_on_disk = [
        p.relative_to(root).as_posix() for p in walk(root) if p.suffix.lower() in CONFIG_SUFFIXES
    ]
    targets = group(files, all_on_disk)
    # a schema at the top level is used by path: registering "." would read every file
    schema_dirs = sorted({s.rsplit("/", 1)[0] for s in schemas if "/" in s})
    attach_schemas(root, targets, schemas, schema_dirs)
    from .init_history import learn

    learned = learn(root, targets)  # None outside git: proposals from today's files alone
    out: dict[Path, str] = {}
    rules_dir = "rules"
    for target in targets:
        propose_rules(target, learned)
        if target.rules:
            target.rules_file = f"{rules_dir}/{target.name}.yaml"
            out[root / target.rules_file] = render_rules(target)
    config = render_config(targets, schema_dirs, skipped, len(files) + len(skipped))
    return Plan(root, {root / "configguard.yaml": config, **out}, targets, skipped, schemas)


def existing_config(root: Path) -> Path | None:
    """A configuration already in ``root`` (not a parent's: a sub-project may have its own)."""
    found = find_config(root.absolute())
    if found is not None and found.parent == root.absolute():
        return found
    return None


def write(plan: Plan) -> list[Path]:
    """Write every file of the plan, or none: any that exists already stops init (exit 2)."""
    config = existing_config(plan.root)
    if config is not None:
        raise ConfigurationError(
            "a configuration exists already; init never overwrites (see the proposal "
            "with `configguard init --dry-run`)",
            os.path.relpath(config),
        )
    taken = [p for p in plan.files if p.exists()]
    if taken:
        raise ConfigurationError(
            "exists already; init never overwrites (move it, or see the proposal with "
            "`configguard init --dry-run`)",
            os.path.relpath(taken[0]),
        )
    written = []
    for path, content in plan.files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("x", encoding="utf-8", newline="\n") as stream:  # "x": never clobber
            stream.write(content)
        written.append(path)
    return written
