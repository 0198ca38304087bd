"""Schema loading, the offline ``$ref`` registry, and one compiled validator per schema per run.

User config files are validated by jsonschema-rs (drafts 4 to 2020-12, chosen by
``$schema``; 65-140x faster than Python jsonschema here and hashed ``uniqueItems``).
Every ``$ref`` outside the schema goes through :meth:`SchemaRegistry.retrieve`, which
answers from the schema directories and refuses the network unless allowed.

Two readings where validators differ, chosen to match Ajv (which SchemaStore and most
editors use) and, for the first, the JSON Schema specification of 2019-09 onwards:

* ``contentMediaType`` and ``contentEncoding`` are annotations in every draft, never
  checks (jsonschema-rs would check them in drafts 6 and 7 only; Python jsonschema and
  Ajv never do).
* in a draft-04 schema, ``const`` (a draft-06 keyword that strict draft-04 validators
  silently ignore) is honoured, read as ``enum: [value]``: a schema author who wrote it
  meant it, and ignoring it would accept exactly the values it forbids.

Schemas can attack the validator. A ``pattern`` the linear-time engine (Rust's
``regex``) can run is left to it; one that needs backtracking (lookaround,
backreferences) runs under a limit of :data:`BACKTRACK_LIMIT` steps per value, and all
such checks on one document share a time budget (:data:`PATTERN_BUDGET` seconds); a
pattern that gave up on :data:`MAX_GIVE_UPS` values is not run again on that document. A
value that exhausts the limit, and the values left unchecked, are findings that name the
pattern: the run never hangs on a catastrophic regex.
"""

from __future__ import annotations

import copy
import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from .errors import ConfigurationError
from .locate import join

MAX_MESSAGE = 400
BACKTRACK_LIMIT = 100_000
"""Backtracking steps one value may cost a pattern (about 2 ms; fancy-regex allows 1M)."""
PATTERN_BUDGET = 2.0
"""Seconds that backtracking patterns may spend on one document before checks stop."""
MAX_GIVE_UPS = 20
"""Values a pattern may give up on in one document before it is not run there again."""
_GUARDED = "x-configguard-backtracking-pattern"
"""What a backtracking ``pattern`` is renamed to in the copy of a schema that is compiled."""


class SchemaHit(NamedTuple):
    """One schema violation, already reduced to the error worth showing first."""

    pointer: str
    message: str
    details: tuple[str, ...] = ()
    at_key: bool = False
    """Locate at the key naming ``pointer`` (an unexpected property) rather than its value."""


def _normalize(uri: str) -> str:
    uri = uri.split("#", 1)[0]
    return uri.rstrip("/") if uri.endswith("/") and uri.count("/") > 3 else uri


def _read_schema(path: Path) -> Any:
    from .load import DEFAULT_MAX_BYTES, decode, detect_format, read_bytes
    from .load import load as load_file

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


class SchemaRegistry:
    """Schemas under the configured directories, by ``$id`` and by file URL; compiled once."""

    def __init__(self, schema_dirs: tuple[Path, ...] = (), allow_remote_refs: bool = False) -> None:
        self.schema_dirs = schema_dirs
        self.allow_remote_refs = allow_remote_refs
        self._by_uri: dict[str, Path] | None = None
        self._documents: dict[Path, Any] = {}
        self._compiled: dict[Path, CompiledSchema] = {}
        self._resolved: dict[Path, Path] = {}
        self._guarded: dict[Path, Any] = {}
        """Copies of schemas for compiling, backtracking patterns renamed (see module doc)."""
        self._guards: set[Path] = set()
        """Schemas whose copy has guarded patterns (the keyword costs ~15% when passed)."""
        self._guards_seen = False
        """Whether the schema being compiled reached one of those."""
        self._missing: list[str] = []
        """URIs refused while compiling the current schema, to explain a failure."""

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
                    self._by_uri.setdefault(_normalize(value), path)

    def document(self, path: Path) -> Any:
        path = path.resolve()
        if path not in self._documents:
            self._documents[path] = _prepare(_read_schema(path))
        return self._documents[path]

    def retrieve(self, uri: str) -> Any:
        """jsonschema-rs calls this for every resource outside the schema being compiled."""
        key = _normalize(uri)
        index = self._index()
        path = index.get(key)
        if path is None and key.startswith("file://"):
            candidate = Path(key[len("file://") :])
            if candidate.is_file():
                path = candidate
        if path is not None:
            return self.for_compiling(path)
        if self.allow_remote_refs and key.startswith(("http://", "https://")):
            return _download(key)
        self._missing.append(key)
        raise LookupError(_offline_message(key, ""))

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
        path = path.resolve()
        if path not in self._guarded:
            original = self.document(path)
            self._guarded[path] = _guard_patterns(original)
            if self._guarded[path] is not original:
                self._guards.add(path)
        self._guards_seen = self._guards_seen or path in self._guards
        return self._guarded[path]

    # -- compiling ---------------------------------------------------------------------
    def compiled(self, path: Path) -> CompiledSchema:
        resolved = self._resolved.get(path)  # resolve() costs a syscall per part, per file
        if resolved is None:
            resolved = self._resolved[path] = path.resolve()
        found = self._compiled.get(resolved)
        if found is None:
            found = self._compiled[resolved] = self._compile(resolved)
        return found

    def _compile(self, path: Path) -> CompiledSchema:
        import jsonschema_rs

        if not path.is_file():
            raise ConfigurationError("schema file not found", str(path))
        schema = self.for_compiling(path)
        if not isinstance(schema, (dict, bool)):
            raise ConfigurationError("a schema must be a JSON object or a boolean", str(path))
        self._missing.clear()
        budget = _PatternBudget()
        try:
            guarded = path in self._guards
            self._guards_seen = guarded
            validator = self._validator(schema, path, budget, guarded)
            if self._guards_seen and not guarded:  # a $ref reached guarded patterns: again
                validator = self._validator(schema, path, budget, True)
        except (jsonschema_rs.ValidationError, ValueError) as exc:
            reason = str(exc).split("\n", 1)[0]
            if self._missing:  # jsonschema-rs wraps our LookupError; say it plainly
                uri = self._missing[-1]
                declared = schema.get("$schema") if isinstance(schema, dict) else None
                if isinstance(declared, str) and _normalize(declared) == uri:
                    reason = _offline_message(uri, " (not a known draft)", "$schema")
                else:
                    reason = _offline_message(uri, self._written_as(uri))
            raise ConfigurationError(f"schema cannot be used: {reason}", str(path)) from None
        return CompiledSchema(path, validator, budget)

    def _validator(self, schema: Any, path: Path, budget: _PatternBudget, guarded: bool) -> Any:
        import jsonschema_rs

        return jsonschema_rs.validator_for(
            schema,
            validate_formats=True,
            retriever=self.retrieve,
            base_uri=path.as_uri(),
            # bounds what stays native too (patternProperties keys, $refs into odd places)
            pattern_options=jsonschema_rs.FancyRegexOptions(backtrack_limit=BACKTRACK_LIMIT),
            keywords={_GUARDED: _guarded_keyword(budget)} if guarded else None,
        )


def _offline_message(uri: str, written_as: str, keyword: str = "$ref") -> str:
    return (
        f"{keyword} {uri}{written_as} is not available offline: put that schema (with its $id) "
        "in a schema_dirs folder, or allow remote references (allow_remote_refs: true)"
    )


_DRAFT4_URIS = ("http://json-schema.org/draft-04/schema", "https://json-schema.org/draft-04/schema")
# Where a subschema can stand, in any draft: a property *named* "const" (a key of
# "properties") or a "const" key inside enum/default data is never taken for a keyword.
_SUBSCHEMA = (
    "additionalItems",
    "additionalProperties",
    "not",
    "items",
    "contains",
    "propertyNames",
    "if",
    "then",
    "else",
    "unevaluatedItems",
    "unevaluatedProperties",
    "contentSchema",
)
_SUBSCHEMA_LISTS = ("allOf", "anyOf", "oneOf", "items", "prefixItems")
_SUBSCHEMA_MAPS = (
    "properties",
    "patternProperties",
    "definitions",
    "$defs",
    "dependencies",
    "dependentSchemas",
)
_ANNOTATIONS = ("contentMediaType", "contentEncoding")


def _is_draft4(schema: Any) -> bool:
    declared = schema.get("$schema") if isinstance(schema, dict) else None
    return isinstance(declared, str) and declared.rstrip("#") in _DRAFT4_URIS


def _subschemas(schema: Any) -> Iterator[dict[str, Any]]:
    """Every object schema in ``schema`` (itself included), parents before children."""
    stack = [schema]
    while stack:
        node = stack.pop()
        if not isinstance(node, dict):
            continue
        yield node
        for key in _SUBSCHEMA:
            stack.append(node.get(key))
        for key in _SUBSCHEMA_LISTS:
            if isinstance(node.get(key), list):
                stack.extend(node[key])
        for key in _SUBSCHEMA_MAPS:
            if isinstance(node.get(key), dict):
                stack.extend(node[key].values())


def _prepare(schema: Any) -> Any:
    """The readings described in the module docstring, applied once to a schema document.

    Dropping content* keywords keeps jsonschema-rs from checking them in drafts 6 and 7
    (a no-op keyword hook would do the same but makes all validation about 1.7x slower).
    ``const: v`` in draft-04 becomes ``enum: [v]``, which compares the same way.
    """
    draft4 = _is_draft4(schema)
    for node in _subschemas(schema):
        for key in _ANNOTATIONS:
            if isinstance(node.get(key), str):
                del node[key]
        if draft4 and "const" in node:
            value = node["const"]
            if "enum" not in node:
                del node["const"]
                node["enum"] = [value]
            elif isinstance(node.get("allOf", []), list):
                del node["const"]
                node["allOf"] = [*node.get("allOf", []), {"enum": [value]}]
    return schema


def _download(uri: str) -> Any:
    import urllib.request

    with urllib.request.urlopen(uri, timeout=10) as response:  # only with allow_remote_refs
        return json.loads(response.read())


class CompiledSchema:
    """A compiled validator and the translation of its errors into located hits."""

    def __init__(self, path: Path, validator: Any, budget: _PatternBudget | None = None) -> None:
        self.path = path
        self._validator = validator
        self._budget = budget or _PatternBudget()

    def hits(self, data: Any) -> list[SchemaHit]:
        self._budget.reset()
        try:
            # with guarded patterns, one pass: a value is judged once, within the budget
            if not self._budget.patterns and self._validator.is_valid(data):
                return []
            found = [_hit(error, data) for error in self._validator.iter_errors(data)]
        except (ValueError, RecursionError) as exc:
            # values jsonschema-rs cannot represent (e.g. integers beyond 64 bits in some
            # versions) or nesting beyond its limits
            return [SchemaHit("", f"cannot be validated: {str(exc).splitlines()[0]}")]
        return found + self._budget.hits()


# -- backtracking patterns -------------------------------------------------------------


_MEMO_SECONDS = 1e-4
_MEMO_SIZE = 100_000


@dataclass
class _PatternBudget:
    """Time spent by backtracking patterns on the document being validated.

    One per compiled schema: documents are validated one at a time, ``hits`` resets it.
    """

    patterns: int = 0
    """Guarded patterns in the compiled schema (0: the budget is never used)."""
    seconds: float = 0.0
    skipped: int = 0
    skipped_pattern: str = ""
    gave_up: dict[str, int] = field(default_factory=dict)
    """Pattern -> values it gave up on in this document."""
    seen: dict[tuple[str, str], str | None] = field(default_factory=dict)
    """(pattern, value) -> message, for values that failed or were slow to judge: a
    document repeating one string 10,000 times pays for it once."""

    def reset(self) -> None:
        self.seconds, self.skipped, self.skipped_pattern = 0.0, 0, ""
        self.seen.clear()
        self.gave_up.clear()

    def exhausted(self, pattern: str) -> bool:
        return self.seconds > PATTERN_BUDGET or self.gave_up.get(pattern, 0) >= MAX_GIVE_UPS

    def hits(self) -> list[SchemaHit]:
        if not self.skipped:
            return []
        noun = "string was" if self.skipped == 1 else "strings were"
        pattern = self.skipped_pattern
        if self.gave_up.get(pattern, 0) >= MAX_GIVE_UPS:
            why = f"it gave up on {MAX_GIVE_UPS} values of this document already"
        else:
            why = f"backtracking patterns used up the {PATTERN_BUDGET:g}s budget of this document"
        return [
            SchemaHit(
                "",
                f"{self.skipped} {noun} not checked against pattern "
                f"{_short(json.dumps(pattern))}: {why} (rewrite the pattern without "
                "lookaround or backreferences, or without nested quantifiers)",
            )
        ]


_NATIVE: dict[str, bool] = {}
_SINGLE: dict[str, Any] = {}


def _needs_backtracking(pattern: str) -> bool:
    """True when only the backtracking engine compiles ``pattern`` (lookaround, \\1...).

    A pattern no engine compiles is left alone: compiling the schema reports it.
    """
    import jsonschema_rs

    found = _NATIVE.get(pattern)
    if found is None:
        try:
            jsonschema_rs.validator_for(
                {"pattern": pattern}, pattern_options=jsonschema_rs.RegexOptions()
            )
            found = False
        except (jsonschema_rs.ValidationError, ValueError):
            try:
                _single(pattern)
                found = True
            except (jsonschema_rs.ValidationError, ValueError):
                found = False
        _NATIVE[pattern] = found
    return found


def _single(pattern: str) -> Any:
    """A validator of one backtracking pattern, with the same regex dialect as the schema's."""
    import jsonschema_rs

    validator = _SINGLE.get(pattern)
    if validator is None:
        validator = _SINGLE[pattern] = jsonschema_rs.validator_for(
            {"pattern": pattern},
            pattern_options=jsonschema_rs.FancyRegexOptions(backtrack_limit=BACKTRACK_LIMIT),
        )
    return validator


def _guard_patterns(schema: Any) -> Any:
    """A copy of ``schema`` whose backtracking ``pattern`` keywords go to the guarded keyword."""
    if not any(
        isinstance(node.get("pattern"), str) and _needs_backtracking(node["pattern"])
        for node in _subschemas(schema)
    ):
        return schema
    schema = copy.deepcopy(schema)
    for node in _subschemas(schema):
        pattern = node.get("pattern")
        if isinstance(pattern, str) and _needs_backtracking(pattern):
            node[_GUARDED] = node.pop("pattern")
    return schema


def _guarded_keyword(budget: _PatternBudget) -> type:
    """The keyword class jsonschema-rs instantiates for each guarded pattern."""

    class GuardedPattern:
        def __init__(self, parent_schema: Any, value: Any, schema_path: Any) -> None:
            self.pattern = str(value)
            self.validator = _single(self.pattern)
            budget.patterns += 1

        def validate(self, instance: Any) -> None:
            if not isinstance(instance, str):
                return
            key = (self.pattern, instance)
            if key in budget.seen:
                message = budget.seen[key]
            elif budget.exhausted(self.pattern):
                budget.skipped += 1
                budget.skipped_pattern = budget.skipped_pattern or self.pattern
                message = None
            else:
                started = time.perf_counter()
                errors = list(self.validator.iter_errors(instance))
                spent = time.perf_counter() - started
                budget.seconds += spent
                message = _pattern_message(self.pattern, errors[0]) if errors else None
                if errors and type(errors[0].kind).__name__ == "BacktrackLimitExceeded":
                    budget.gave_up[self.pattern] = budget.gave_up.get(self.pattern, 0) + 1
                if (message is not None or spent > _MEMO_SECONDS) and len(budget.seen) < _MEMO_SIZE:
                    budget.seen[key] = message
            if message is not None:
                raise ValueError(message)

    return GuardedPattern


def _pattern_message(pattern: str, error: Any) -> str:
    if type(error.kind).__name__ == "BacktrackLimitExceeded":
        return (
            f"pattern {_short(json.dumps(pattern))} gave up on this value after "
            f"{BACKTRACK_LIMIT:,} backtracking steps, so it is not checked: the schema's "
            "pattern is open to catastrophic backtracking (rewrite it without nested "
            "quantifiers, lookaround or backreferences)"
        )
    return str(error.message)


def _short(message: str) -> str:
    message = message.split("\n", 1)[0]
    return message if len(message) <= MAX_MESSAGE else message[: MAX_MESSAGE - 1] + "…"


def _branch_errors(error: Any) -> list[list[Any]] | None:
    if type(error.kind).__name__ in ("AnyOf", "OneOfNotValid"):
        context = getattr(error.kind, "context", None)
        if context:
            return [list(branch) for branch in context]
    return None


def _best(error: Any) -> tuple[Any, list[Any]]:
    """The error to show for an anyOf/oneOf failure, and the others (jsonschema's best_match idea).

    A branch that failed only because the value had the wrong type at the same place is
    the least telling; among the rest, prefer the branch whose errors go deepest, then
    the one with fewest errors.
    """
    branches = _branch_errors(error)
    if not branches:
        return error, []
    depth = len(error.instance_path)

    def score(branch: list[Any]) -> tuple[bool, int, int]:
        shallow_type = all(
            type(e.kind).__name__ == "Type" and len(e.instance_path) == depth for e in branch
        )
        return (not shallow_type, max(len(e.instance_path) for e in branch), -len(branch))

    ranked = sorted((b for b in branches if b), key=score, reverse=True)
    if not ranked:
        return error, []
    chosen = ranked[0][0]
    best, nested = _best(chosen)
    others = [e for e in ranked[0][1:]] + [e for b in ranked[1:] for e in b]
    return best, [error, *nested, *others]


_COUNTED = {
    "MaxItems": ("items", "at most {} allowed"),
    "MinItems": ("items", "at least {} required"),
    "MaxProperties": ("properties", "at most {} allowed"),
    "MinProperties": ("properties", "at least {} required"),
    "MaxLength": ("characters", "at most {} allowed"),
    "MinLength": ("characters", "at least {} required"),
}


def _pointer(error: Any, data: Any) -> str:
    """Where to point: the second copy of a repeated item, else the failing value."""
    pointer = _instance_pointer(error, data)
    if type(error.kind).__name__ == "UniqueItems" and isinstance(error.instance, list):
        second = _first_duplicate(error.instance)[1]
        if second >= 0:
            return f"{pointer}/{second}"
    return pointer


def _message(error: Any) -> str:
    """jsonschema-rs's message, without the whole instance where a count says it better."""
    name = type(error.kind).__name__
    if name in _COUNTED:
        unit, limit = _COUNTED[name]
        count = len(error.instance)
        singular = unit[:-1] if count == 1 and unit != "properties" else unit
        if count == 1 and unit == "properties":
            singular = "property"
        return f"{count} {singular}, {limit.format(error.kind.limit)}"
    if name == "UniqueItems" and isinstance(error.instance, list):
        first, second = _first_duplicate(error.instance)
        if second >= 0:
            copy = _short(json.dumps(error.instance[second]))
            return f"items {first} and {second} are equal ({copy}); items must be unique"
    return _short(error.message)


def _first_duplicate(items: list[Any]) -> tuple[int, int]:
    """Indices of the first repeated item, by hashing canonical JSON (never pairwise)."""
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        key = json.dumps(item, sort_keys=True, separators=(",", ":"))
        if key in seen:
            return seen[key], i
        seen[key] = i
    return -1, -1


def _instance_pointer(error: Any, data: Any) -> str:
    """The pointer of the failing value. jsonschema-rs leaves empty-string keys out of
    ``instance_path`` (``{"": 1}`` fails at ``[]``, as if at the root): when the path
    passes an object that has a "" key, the steps through "" keys are put back by walking
    ``data`` to the value that equals ``error.instance`` (the path as given first)."""
    path = list(error.instance_path)
    stack: list[tuple[Any, int, tuple[Any, ...]]] = [(data, 0, ())]
    visits = 0
    while stack and visits < 10_000:
        node, i, steps = stack.pop()
        visits += 1
        if i == len(path) and node == error.instance:
            return join(steps)
        if isinstance(node, dict) and "" in node:  # pushed first, so tried last
            stack.append((node[""], i, (*steps, "")))
        token = path[i] if i < len(path) else None
        key = isinstance(node, dict) and isinstance(token, str) and token in node
        index = isinstance(node, list) and isinstance(token, int) and 0 <= token < len(node)
        if key or index:
            stack.append((node[token], i + 1, (*steps, token)))
    return join(path)


def _hit(error: Any, data: Any) -> SchemaHit:
    best, others = _best(error)
    pointer = _pointer(best, data)
    at_key = False
    kind = best.kind
    if type(kind).__name__ == "AdditionalProperties":
        unexpected = getattr(kind, "unexpected", None)
        if unexpected:
            pointer = pointer + "/" + str(unexpected[0]).replace("~", "~0").replace("/", "~1")
            at_key = True
    details = tuple(f"{_instance_pointer(o, data) or '/'}: {_message(o)}" for o in others)
    return SchemaHit(pointer, _message(best), details, at_key)
