"""configguard.yaml / .configguard.yaml / [tool.configguard]: find, validate, return typed records.

Validation happens here, at the boundary, against configguard's own schema (package data
in ``own_schemas/``); everything downstream can trust the records. A mistake becomes a
ConfigurationError naming the file, line and key, with a suggestion for a misspelt key;
its text comes from the same message code as user files' schema findings.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from .errors import ConfigurationError
from .load import Document, Format
from .load import load as load_file
from .locate import join
from .schemas.walk import resolve_local
from .suppress import Ignore, parse_ignores

if TYPE_CHECKING:  # the consumers package loads only when a target has a consumer
    from .consumers.spec import ConsumerSpec

CONFIG_NAMES = ("configguard.yaml", ".configguard.yaml")


class CatalogChoice(NamedTuple):
    """The ``catalog:`` setting: on or off, narrowed by entry names or ids (``*`` globs)."""

    enabled: bool = True
    only: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def allows(self, entry: Any) -> bool:
        """Whether the built-in catalog ``entry`` (a ``catalog.Entry``) may claim files;
        JSON Schema's own metaschemas never do (``--check-metaschema`` is for schemas)."""
        from fnmatch import fnmatchcase

        if not self.enabled or entry.url.startswith("https://json-schema.org/"):
            return False
        names = (entry.name.lower(), entry.id)

        def named(pattern: str) -> bool:
            return any(fnmatchcase(n, pattern.lower()) for n in names)

        if self.only and not any(named(p) for p in self.only):
            return False
        return not any(named(p) for p in self.exclude)


class Target(NamedTuple):
    name: str
    files: tuple[str, ...]
    exclude: tuple[str, ...] = ()
    schema: Path | None = None
    format: Format | None = None
    rules: tuple[Path, ...] = ()
    consumer: ConsumerSpec | None = None


class Settings(NamedTuple):
    path: Path | None
    """The configuration file, or None in ad-hoc (``--schema``) mode."""
    root: Path
    """Folder that target globs and relative paths are resolved against."""
    targets: tuple[Target, ...] = ()
    schema_dirs: tuple[Path, ...] = ()
    schema_urls: tuple[tuple[str, Path], ...] = ()
    """(base URL, folder) of ``schema_dirs`` entries written ``{path, url}``."""
    allow_remote_refs: bool = False
    ignores: tuple[Ignore, ...] = ()
    """The ``ignore:`` list (suppressions by rule and file glob)."""
    catalog: CatalogChoice = CatalogChoice()
    """Which built-in catalog schemas files that no target claims are checked against."""
    fuzz_database: str | None = None
    """Where ``fuzz`` keeps its corpus and failures: a folder (relative) or a redis:// URL."""


def find_config(start: Path) -> Path | None:
    """The nearest configuration file in ``start`` or a parent folder."""
    for folder in (start, *start.parents):
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file():
                return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and _has_tool_table(pyproject):
            return pyproject
    return None


def _has_tool_table(pyproject: Path) -> bool:
    import tomllib

    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data.get("tool"), dict) and "configguard" in data["tool"]


_OWN_SCHEMAS = Path(__file__).with_name("own_schemas")


def own_schema(name: str) -> Any:
    """One of configguard's own schemas, shipped as package data.

    Read next to this module: the package is never zipped, and ``importlib.resources``
    would add ~5 ms (zipfile, tempfile, shutil) to every start.
    """
    return json.loads((_OWN_SCHEMAS / name).read_text("utf-8"))


def load_settings(path: Path, display: str | None = None) -> Settings:
    """Read, validate and type one configuration file; ConfigurationError on any mistake."""
    display = display or str(path)
    if not path.is_file():
        raise ConfigurationError("configuration file not found", display)
    loaded = load_file(path, display)
    for problem in loaded.problems:  # a broken config is never half-read
        raise ConfigurationError(problem.message, display, problem.line, problem.column)
    document = loaded.documents[0]
    data, prefix = document.data, ""
    if path.name == "pyproject.toml":
        data, prefix = (data.get("tool") or {}).get("configguard"), "/tool/configguard"
        if data is None:
            raise ConfigurationError("no [tool.configguard] table", display)
    if len(loaded.documents) > 1:
        raise ConfigurationError("a configuration file holds one YAML document", display)
    if data is None:
        data = {}
    validate_against(own_schema("configguard.schema.json"), data, document, display, prefix)
    settings = _typed(data, path, document, display, prefix)
    if data.get("ignore"):
        ignores = parse_ignores(data["ignore"], document, display, prefix)
        settings = settings._replace(ignores=ignores)
    return settings


def validate_against(
    schema: Any, data: Any, document: Document, display: str, prefix: str = ""
) -> None:
    """Raise the first violation of configguard's own ``schema`` as a located one-liner."""
    import jsonschema_rs

    from .schemas.messages import best, message_text

    validator = jsonschema_rs.validator_for(schema)
    errors = sorted(
        validator.iter_errors(data),
        key=lambda e: (len(e.instance_path), [str(p) for p in e.instance_path]),
    )
    if not errors:
        return
    error = best(errors[0])[0]
    parts = list(error.instance_path)
    kind = type(error.kind).__name__
    where = ".".join(str(p) for p in parts)
    if kind == "AdditionalProperties":
        key = str(getattr(error.kind, "unexpected", ["?"])[0])
        allowed = _allowed_keys(schema, list(error.schema_path))
        import difflib

        hint = difflib.get_close_matches(key, allowed, n=1)
        suggestion = (
            f" (did you mean '{hint[0]}'?)"
            if hint
            else (f" (known keys: {', '.join(sorted(allowed))})" if allowed else "")
        )
        line, column = document.locate_key(prefix + join([*parts, key]))
        label = f"{where}: " if where else ""
        message = f"{label}unknown key '{key}'{suggestion}"
    else:
        line, column = document.locate(prefix + join(parts))
        if kind == "Required":
            missing = getattr(error.kind, "property", None)
            name = missing if isinstance(missing, str) else str(error.message).split('"')[1]
            message = f"{where or 'top level'}: missing required key '{name}'"
        else:
            message = f"{where or 'top level'}: {message_text(error)}"
    raise ConfigurationError(message, display, line, column)


def _allowed_keys(schema: Any, schema_path: list[Any]) -> list[str]:
    """The ``properties`` next to the ``additionalProperties`` that refused a key."""
    node = schema
    for part in schema_path[:-1]:
        if isinstance(node, dict) and part == "$ref":
            continue
        node = node[part] if isinstance(node, (dict, list)) else None
        if isinstance(node, dict) and "$ref" in node and isinstance(node["$ref"], str):
            node = resolve_local(schema, node["$ref"])
    if isinstance(node, dict):
        return sorted(node.get("properties", {}))
    return []


def _as_list(value: str | list[str] | tuple[str, ...]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def _consumer(
    spec: dict[str, Any], name: str, base: Path, document: Document, display: str, prefix: str
) -> ConsumerSpec | None:
    """The typed consumer block; its mistakes are located like every other one here."""
    if spec.get("consumer") is None:
        return None
    from .consumers.spec import spec_from_config

    return spec_from_config(
        spec["consumer"],
        base,
        f"targets.{name}.consumer",
        document=document,
        display=display,
        pointer=prefix + join(["targets", name, "consumer"]),
    )


def _typed(
    data: dict[str, Any], path: Path, document: Document, display: str, prefix: str
) -> Settings:
    base = path.parent
    targets = tuple(
        Target(
            name=name,
            files=tuple(spec["files"]),
            exclude=tuple(spec.get("exclude", ())),
            schema=_schema_path(spec["schema"], base) if spec.get("schema") else None,
            format=spec.get("format"),
            rules=tuple(base / r for r in _as_list(spec.get("rules", ()))),
            consumer=_consumer(spec, name, base, document, display, prefix),
        )
        for name, spec in data.get("targets", {}).items()
    )
    return Settings(
        path=path,
        root=base,
        targets=targets,
        schema_dirs=tuple(
            base / (d if isinstance(d, str) else d["path"]) for d in data.get("schema_dirs", ())
        ),
        schema_urls=tuple(
            (d["url"], base / d["path"]) for d in data.get("schema_dirs", ()) if isinstance(d, dict)
        ),
        allow_remote_refs=bool(data.get("allow_remote_refs", False)),
        catalog=_catalog_choice(data.get("catalog", True)),
        fuzz_database=data.get("fuzz_database"),
    )


def _schema_path(schema: str, base: Path) -> Path:
    """A target's ``schema:``: a path, or ``builtin:ID`` for a built-in catalog schema."""
    if schema.startswith("builtin:"):
        from .catalog import catalog

        return catalog().find(schema[len("builtin:") :]).path
    return base / schema


def _catalog_choice(value: bool | dict[str, list[str]]) -> CatalogChoice:
    if isinstance(value, bool):
        return CatalogChoice(value)
    return CatalogChoice(True, tuple(value.get("only", ())), tuple(value.get("exclude", ())))
