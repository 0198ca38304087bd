"""The offline ``$ref`` registry and the compile cache: one compiled validator per schema per run.

User config files are validated by jsonschema-rs (drafts 4 to 2020-12, chosen by
``$schema``; 65-140x faster than Python jsonschema and with hashed ``uniqueItems``).
Every ``$ref`` outside the schema goes through :meth:`SchemaRegistry.retrieve`, which
answers from the schema directories and refuses the network unless allowed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ConfigurationError
from ..findings import Hit
from . import patterns
from .drafts import prepare
from .messages import hit


def normalize(uri: str) -> str:
    """``uri`` without its fragment, and without a trailing slash past the host."""
    uri = uri.split("#", 1)[0]
    return uri.rstrip("/") if uri.endswith("/") and uri.count("/") > 3 else uri


def read_schema(path: Path) -> Any:
    """A schema file (JSON, YAML or TOML) as data; ConfigurationError when it cannot be read."""
    from ..load import DEFAULT_MAX_BYTES, decode, detect_format, read_bytes
    from ..load import load as load_file

    if detect_format(path) == "json":
        try:
            return json.loads(decode(read_bytes(path, DEFAULT_MAX_BYTES)))
        except (OSError, ValueError) as exc:
            raise ConfigurationError(f"cannot read schema: {exc}", str(path)) from None
        except RecursionError:
            raise ConfigurationError(
                "cannot read schema: it nests deeper than Python's JSON reader goes", str(path)
            ) from None
    loaded = load_file(path, str(path))
    if loaded.problems and loaded.problems[0].kind == "parse-error":
        p = loaded.problems[0]
        raise ConfigurationError(f"schema does not parse: {p.message}", str(path), p.line, p.column)
    return loaded.documents[0].data if loaded.documents else None


@dataclass(frozen=True)
class Options:
    """How schemas are compiled: check-jsonschema's options, with the same meaning."""

    disable_formats: frozenset[str] = frozenset()
    """``format`` names not checked (``all``: none is)."""
    format_regex: str = "default"
    """``default``: the ``regex`` format is ECMA-262 (jsonschema-rs); ``python``: whatever
    Python's ``re`` compiles (``(?i)`` and all)."""
    base_uri: str | None = None
    """Base URI of the schemas checked against (their relative ``$ref``s resolve there)."""
    url_dirs: tuple[tuple[str, Path], ...] = ()
    """(base URL, folder): a ``$ref`` to URL + NAME is the folder's NAME, whatever its $id."""
    data_transform: str | None = None
    """A ``transforms`` name applied to the data before validation (azure-pipelines...)."""


def _formats(disabled: frozenset[str], regex: str) -> dict[str, Any]:
    """Format checkers replacing jsonschema-rs's: disabled ones accept anything."""
    out: dict[str, Any] = {name: _anything for name in disabled if name != "all"}
    if regex == "python" and "regex" not in disabled:
        out["regex"] = _python_regex
    return out


def _anything(value: str) -> bool:
    return True


def _python_regex(value: str) -> bool:
    import re

    try:
        re.compile(value)
    except (re.error, OverflowError, RecursionError):
        return False
    return True


class SchemaRegistry:
    """Schemas under the configured directories, by ``$id`` and by file URL; compiled once."""

    def __init__(
        self,
        schema_dirs: tuple[Path, ...] = (),
        allow_remote_refs: bool = False,
        options: Options | None = None,
    ) -> None:
        self.schema_dirs = schema_dirs
        self.allow_remote_refs = allow_remote_refs
        self.options = options or Options()
        self._by_uri: dict[str, Path] | None = None
        self._documents: dict[Path, Any] = {}
        self._compiled: dict[Path, CompiledSchema] = {}
        self._resolved: dict[Path, Path] = {}
        self._guarded: dict[Path, Any] = {}
        """Copies of schemas for compiling, backtracking patterns renamed (see patterns.py)."""
        self._guards: set[Path] = set()
        """Schemas whose copy has guarded patterns (the keyword costs ~15% when passed)."""
        self._guards_seen = False
        """Whether the schema being compiled reached one of those."""
        self._missing: list[str] = []
        """URIs refused while compiling the current schema, to explain a failure."""
        self._stand_ins: dict[str, Any] | None = None
        """While compiling with stand-ins: missing URI -> the document standing in for it."""

    # -- the offline index -------------------------------------------------------------
    def _index(self) -> dict[str, Path]:
        if self._by_uri is None:
            self._by_uri = {}
            for directory in self.schema_dirs:
                if not directory.is_dir():
                    raise ConfigurationError("schema directory does not exist", str(directory))
                for root, _dirs, files in os.walk(directory):
                    for name in sorted(files):
                        if name.endswith((".json", ".yaml", ".yml")):
                            self._register(Path(root) / name)
        return self._by_uri

    def _register(self, path: Path) -> None:
        assert self._by_uri is not None
        path = path.resolve()
        self._by_uri.setdefault(path.as_uri(), path)
        try:
            schema = self.document(path)
        except ConfigurationError:
            return  # a broken neighbour only matters if something refers to it
        if isinstance(schema, dict):
            for key in ("$id", "id"):
                value = schema.get(key)
                if isinstance(value, str) and "://" in value:
                    self._by_uri.setdefault(normalize(value), path)

    def document(self, path: Path) -> Any:
        path = _resolve(path)
        if path not in self._documents:
            self._documents[path] = prepare(_read(path))
        return self._documents[path]

    def retrieve(self, uri: str) -> Any:
        """jsonschema-rs calls this for every resource outside the schema being compiled."""
        key = normalize(uri)
        index = self._index()
        path = index.get(key)
        for url, folder in self.options.url_dirs:
            if path is None and key.startswith(url) and (folder / key[len(url) :]).is_file():
                path = folder / key[len(url) :]
        if path is None and key.startswith("file://"):
            candidate = Path(key[len("file://") :])
            if candidate.is_file():
                path = candidate
        if path is None and "schemastore.org/" in key:  # SchemaStore's own, vendored
            from .. import catalog

            path = catalog.for_uri(key)
        if path is not None:
            return self.for_compiling(path)
        if self.allow_remote_refs and key.startswith(("http://", "https://")):
            return _download(key)
        if self._stand_ins is not None:
            if key not in self._stand_ins:
                self._stand_ins[key] = self._stand_in(key)
            return self._stand_ins[key]
        self._missing.append(key)
        raise LookupError(_offline_message(key, ""))

    def _stand_in(self, uri: str) -> Any:
        """A document for an unavailable ``uri``: every place the schemas read so far refer
        to in it (``#/definitions/x``) holds the keyword that fails where a value reaches it."""
        document: dict[str, Any] = {UNAVAILABLE: uri}
        for _path, schema in self._documents.items():
            stack = [schema]
            while stack:
                node = stack.pop()
                if isinstance(node, list):
                    stack.extend(node)
                    continue
                if not isinstance(node, dict):
                    continue
                stack.extend(node.values())
                ref = node.get("$ref")
                if not isinstance(ref, str) or "#/" not in ref:
                    continue
                target, fragment = ref.split("#", 1)
                if not target or not (target == uri or uri.endswith("/" + target.lstrip("./"))):
                    continue
                place = document
                for raw in fragment.strip("/").split("/"):
                    part = raw.replace("~1", "/").replace("~0", "~")
                    child = place.setdefault(part, {})
                    if not isinstance(child, dict):
                        break
                    place = child
                place[UNAVAILABLE] = f"{uri}#{fragment}"
        return document

    def _written_as(self, uri: str) -> str:
        """Where a schema already read refers to ``uri``: " (written "x" in y.json)" or ""."""
        for path, document in self._documents.items():
            stack = [document]
            while stack:
                node = stack.pop()
                if isinstance(node, dict):
                    ref = node.get("$ref")
                    target = ref.split("#", 1)[0] if isinstance(ref, str) else ""
                    if target == uri:
                        return f" (in {path.name})"
                    if target and uri.endswith("/" + target):
                        return f' (written "{ref}" in {path.name})'
                    stack.extend(node.values())
                elif isinstance(node, list):
                    stack.extend(node)
        return ""

    def for_compiling(self, path: Path) -> Any:
        """The schema as compiled: backtracking patterns handed to the guarded keyword."""
        path = _resolve(path)
        if path not in self._guarded:
            original = self.document(path)
            self._guarded[path] = patterns.guard_patterns(original)
            if self._guarded[path] is not original:
                self._guards.add(path)
        self._guards_seen = self._guards_seen or path in self._guards
        return self._guarded[path]

    # -- compiling ---------------------------------------------------------------------
    def compiled(self, path: Path) -> CompiledSchema:
        resolved = self._resolved.get(path)  # resolve() costs a syscall per part, per file
        if resolved is None:
            resolved = self._resolved[path] = _resolve(path)
        found = self._compiled.get(resolved)
        if found is None:
            found = self._compiled[resolved] = self._compile(resolved)
        return found

    def _compile(self, path: Path) -> CompiledSchema:
        import jsonschema_rs

        builtin = path.parent == _BUILTIN
        if not builtin and not path.is_file():
            raise ConfigurationError("schema file not found", str(path))
        schema = self.for_compiling(path)
        if not isinstance(schema, (dict, bool)):
            raise ConfigurationError("a schema must be a JSON object or a boolean", str(path))
        self._missing.clear()
        budget = patterns.PatternBudget()
        validator = None
        try:
            guarded = path in self._guards
            self._guards_seen = guarded
            validator = self._validator(schema, path, budget, guarded)
            if self._guards_seen and not guarded:  # a $ref reached guarded patterns: again
                validator = self._validator(schema, path, budget, True)
        except (jsonschema_rs.ValidationError, ValueError) as exc:
            reason = str(exc).split("\n", 1)[0]
            declared = schema.get("$schema") if isinstance(schema, dict) else None
            if self._missing and isinstance(declared, str) and normalize(declared) in self._missing:
                reason = _offline_message(normalize(declared), " (not a known draft)", "$schema")
            elif self._missing:
                # a missing $ref matters only where a file reaches it: compile again with
                # stand-ins that fail there, with a message naming the reference
                uri = self._missing[-1]
                reason = _offline_message(uri, self._written_as(uri))
                validator = self._with_stand_ins(schema, path, budget)
            if validator is None:
                where = f"builtin:{path.name}" if builtin else str(path)
                raise ConfigurationError(f"schema cannot be used: {reason}", where) from None
        transform = None
        if self.options.data_transform:
            from ..transforms import get

            transform = get(self.options.data_transform)
        return CompiledSchema(path, validator, budget, transform)

    def _with_stand_ins(self, schema: Any, path: Path, budget: patterns.PatternBudget) -> Any:
        """The validator with unavailable documents stood in for; None if it still fails."""
        import jsonschema_rs

        self._stand_ins = {}
        try:
            return self._validator(schema, path, budget, True, stand_ins=True)
        except (jsonschema_rs.ValidationError, ValueError):
            return None
        finally:
            self._stand_ins = None

    def _validator(
        self,
        schema: Any,
        path: Path,
        budget: patterns.PatternBudget,
        guarded: bool,
        stand_ins: bool = False,
    ) -> Any:
        import jsonschema_rs

        if path.parent == _BUILTIN:
            from .. import catalog

            base_uri = catalog.uri_of(path)
        else:
            base_uri = path.as_uri()
        disabled = self.options.disable_formats
        return jsonschema_rs.validator_for(
            schema,
            validate_formats="all" not in disabled,
            formats=_formats(disabled, self.options.format_regex) or None,
            retriever=self.retrieve,
            base_uri=self.options.base_uri or base_uri,
            # bounds what stays native too (patternProperties keys, $refs into odd places)
            pattern_options=jsonschema_rs.FancyRegexOptions(
                backtrack_limit=patterns.BACKTRACK_LIMIT
            ),
            keywords=_keywords(budget, guarded, stand_ins),
        )


UNAVAILABLE = "x-configguard-unavailable"
"""The keyword of a stand-in for a ``$ref`` that is not available offline."""


def _keywords(budget: patterns.PatternBudget, guarded: bool, stand_ins: bool) -> Any:
    keywords: dict[str, Any] = {}
    if guarded:
        keywords[patterns.GUARDED] = patterns.guarded_keyword(budget)
    if stand_ins:
        keywords[UNAVAILABLE] = _Unavailable
    return keywords or None


class _Unavailable:
    """Fails every value that reaches a ``$ref`` that is not available offline."""

    def __init__(self, parent_schema: Any, value: Any, schema_path: Any) -> None:
        self.message = (
            f"$ref {value} is not available offline, so this value is not checked against it: "
            "put that schema (with its $id) in a schema_dirs folder (or map its URL with "
            "{path, url}), or allow remote references (allow_remote_refs: true)"
        )

    def validate(self, instance: Any) -> None:
        raise ValueError(self.message)


_BUILTIN = Path(__file__).parent.parent / "catalog" / "builtin"
"""``catalog.BUILTIN``, known here without importing the catalog for every schema."""


def _resolve(path: Path) -> Path:
    """``path.resolve()``, except for vendored schemas (their folder exists only by name)."""
    return path if path.parent == _BUILTIN else path.resolve()


def _read(path: Path) -> Any:
    if path.parent != _BUILTIN:
        return read_schema(path)
    from .. import catalog

    return catalog.read_schema(path)


def _offline_message(uri: str, written_as: str, keyword: str = "$ref") -> str:
    return (
        f"{keyword} {uri}{written_as} is not available offline: put that schema (with its $id) "
        "in a schema_dirs folder, or allow remote references (allow_remote_refs: true)"
    )


def _download(uri: str) -> Any:
    import urllib.request

    with urllib.request.urlopen(uri, timeout=10) as response:  # only with allow_remote_refs
        return json.loads(response.read())


class CompiledSchema:
    """A compiled validator and the translation of its errors into located hits."""

    def __init__(
        self,
        path: Path,
        validator: Any,
        budget: patterns.PatternBudget | None = None,
        transform: Callable[[Any], Any] | None = None,
    ) -> None:
        self.path = path
        self._validator = validator
        self._budget = budget or patterns.PatternBudget()
        self._transform = transform

    def hits(self, data: Any) -> list[Hit]:
        self._budget.reset()
        if self._transform is not None:
            data = self._transform(data)
        try:
            # with guarded patterns, one pass: a value is judged once, within the budget
            if not self._budget.patterns and self._validator.is_valid(data):
                return []
            found = [hit(error, data) for error in self._validator.iter_errors(data)]
        except (ValueError, RecursionError) as exc:
            # values jsonschema-rs cannot represent (e.g. integers beyond 64 bits in some
            # versions) or nesting beyond its limits
            return [Hit("", f"cannot be validated: {str(exc).splitlines()[0]}")]
        return found + self._budget.hits()
