"""Rule kinds: the interface every kind (built-in or plugin) implements, and their registry.

A kind is a small class: an option schema (validated once, when the rule file is read),
an optional ``prepare`` that compiles options (a regex, a CEL program), and a ``check``
that yields Hits. The engine, not the kind, locates and stamps findings. The class's
module docstring is its user documentation, with ``Rule::``, ``PASS::`` and ``FAIL::``
blocks that ``configguard explain`` prints and the test suite runs.

Built-in kinds register through the entry-point group ``configguard.rules``, the same
door as plugins (as flake8 does for its own checks).
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from ..errors import ConfigurationError
from ..findings import Severity
from ..locate import escape, unescape

if TYPE_CHECKING:
    from ..findings import Hit
    from ..load import Document

GROUP = "configguard.rules"
BUILTIN: dict[str, str] = {
    "max-bytes": "configguard.kinds.max_bytes:MaxBytes",
    "max-items": "configguard.kinds.max_items:MaxItems",
    "min-items": "configguard.kinds.min_items:MinItems",
    "max-properties": "configguard.kinds.max_properties:MaxProperties",
    "max-depth": "configguard.kinds.max_depth:MaxDepth",
    "max-length": "configguard.kinds.max_length:MaxLength",
    "unique": "configguard.kinds.unique:Unique",
    "required": "configguard.kinds.required:Required",
    "forbidden": "configguard.kinds.forbidden:Forbidden",
    "regex-safe": "configguard.kinds.regex_safe:RegexSafe",
    "cel": "configguard.kinds.cel:Cel",
    "no-duplicate-keys": "configguard.kinds.no_duplicate_keys:NoDuplicateKeys",
    "max-growth": "configguard.kinds.max_growth:MaxGrowth",
    "max-shrink": "configguard.kinds.max_shrink:MaxShrink",
    "no-removal": "configguard.kinds.no_removal:NoRemoval",
    "immutable": "configguard.kinds.immutable:Immutable",
    "max-churn": "configguard.kinds.max_churn:MaxChurn",
    "yaml-1.1-ambiguity": "configguard.kinds.yaml_ambiguity:YamlAmbiguity",
}

POINTER_SCHEMA: dict[str, Any] = {
    "type": "string",
    "pattern": "^(/.*)?$",
    "description": "JSON Pointer; a segment * matches every key or index.",
}


class RuleError(ValueError):
    """A rule's options are wrong in a way the option schema cannot say; ``key`` is where."""

    def __init__(self, message: str, key: str | None = None, offset: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.key = key
        self.offset = offset


@dataclass(frozen=True)
class Rule:
    """One rule of a rules file, validated and prepared; what a kind's ``check`` receives."""

    id: str
    kind: str
    severity: Severity = Severity.ERROR
    why: str | None = None
    path: str = ""
    options: Mapping[str, Any] = field(default_factory=dict)
    prepared: Any = None
    """What the kind's ``prepare`` returned (a compiled regex, a CEL program...)."""
    file: str = ""
    line: int = 0

    @property
    def arguments(self) -> dict[str, Any]:
        """The options as written, for ``explain``."""
        return dict(self.options)


class Kind:
    """Base of every rule kind. Subclasses set the class attributes and ``check``.

    ``change`` kinds compare with the previous version of the file and are never called
    without one. ``before_parse`` kinds look only at the file's size (``check_size``),
    so that an oversized file is refused without being read.
    """

    name: ClassVar[str] = ""
    options: ClassVar[dict[str, Any]] = {}
    """JSON Schema ``properties`` of the kind's own arguments (besides id, kind, ...)."""
    required: ClassVar[tuple[str, ...]] = ()
    one_of: ClassVar[tuple[tuple[str, ...], ...]] = ()
    """Groups of arguments of which exactly one must be given (``values`` or ``pattern``)."""
    uses_path: ClassVar[bool] = True
    change: ClassVar[bool] = False
    before_parse: ClassVar[bool] = False
    from_loader: ClassVar[bool] = False
    """Findings come from the loader (duplicate keys); a rule only sets their severity."""

    def prepare(self, options: Mapping[str, Any]) -> Any:
        """Compile options once per run; raise RuleError for a mistake the schema cannot see."""
        return None

    def check(self, document: Document, rule: Rule, previous: Document | None) -> Iterator[Hit]:
        """Yield a Hit for every place where ``document`` breaks ``rule``."""
        return iter(())

    def summarize(self, previous: Document, rule: Rule) -> Any:
        """For ``change`` kinds: what ``check`` needs of the previous version, passed to it
        as ``previous``. The default is the whole document. A kind that needs less (a few
        counts) returns just that: when every change rule of a file does, the previous
        version is parsed, summarized and dropped before the proposed one is parsed, so two
        big versions are never held at once."""
        return previous

    def check_size(self, size: int, rule: Rule, previous: int | None) -> Iterator[Hit]:
        """For ``before_parse`` kinds: judge the file by its size in bytes alone."""
        return iter(())

    # -- documentation ------------------------------------------------------------------
    @classmethod
    def doc(cls) -> str:
        """The user documentation: the defining module's docstring."""
        module = sys.modules.get(cls.__module__)
        return ((module.__doc__ if module else None) or cls.__doc__ or "").strip()

    @classmethod
    def summary(cls) -> str:
        """The first sentence of the documentation, without the kind's name or markup."""
        first = cls.doc().splitlines()[0] if cls.doc() else ""
        if first.startswith(cls.name + ":"):
            first = first.split(":", 1)[1].strip()
        return first.replace("``", "").split(". ")[0].rstrip(".")

    @classmethod
    def schema(cls) -> dict[str, Any]:
        """The whole rule object's schema: common keys plus this kind's arguments."""
        properties: dict[str, Any] = {
            "id": {"type": "string"},
            "kind": {"const": cls.name},
            "severity": {"enum": ["error", "warning", "info"]},
            "why": {"type": "string"},
        }
        if cls.uses_path:
            properties["path"] = POINTER_SCHEMA
        properties.update(cls.options)
        schema: dict[str, Any] = {
            "type": "object",
            "additionalProperties": False,
            "required": ["id", "kind", *cls.required],
            "properties": properties,
        }
        return schema


def examples(doc: str) -> list[tuple[str, str]]:
    """The ``Label::`` literal blocks of a docstring, as (label, dedented text) pairs."""
    import textwrap

    out: list[tuple[str, str]] = []
    lines = doc.splitlines()
    i = 0
    while i < len(lines):
        match = re.fullmatch(r"\s*(Rule|Old|PASS|FAIL)::\s*", lines[i])
        if not match:
            i += 1
            continue
        i += 1
        block: list[str] = []
        while i < len(lines) and (not lines[i].strip() or lines[i].startswith((" ", "\t"))):
            block.append(lines[i])
            i += 1
        out.append((match.group(1), textwrap.dedent("\n".join(block)).strip("\n") + "\n"))
    return out


# -- the registry ------------------------------------------------------------------------
_CACHE: dict[str, Kind] = {}


def available() -> dict[str, str]:
    """Kind name -> "module:Class", built-ins first; a plugin cannot replace a built-in."""
    from importlib.metadata import entry_points

    found = dict(BUILTIN)
    for ep in entry_points(group=GROUP):
        found.setdefault(ep.name, ep.value)
    return found


def summarizes(kind: Kind) -> bool:
    """Whether ``kind`` keeps less than the whole previous document (overrides summarize)."""
    return type(kind).summarize is not Kind.summarize


def get_kind(name: str) -> Kind:
    """The kind called ``name``; ConfigurationError when none is (message lists the known)."""
    if name in _CACHE:
        return _CACHE[name]
    # a built-in wins over a plugin anyway: no entry-point scan (~10 ms) for it
    target = BUILTIN.get(name) or available().get(name)
    if target is None:
        import difflib

        names = sorted(available())
        hint = difflib.get_close_matches(name, names, n=1)
        suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
        raise ConfigurationError(
            f"unknown rule kind '{name}'{suggestion}; known kinds: {', '.join(names)}"
        )
    kind = _instantiate(name, target)
    _CACHE[name] = kind
    return kind


def _instantiate(name: str, target: str) -> Kind:
    import importlib

    module, _, attribute = target.partition(":")
    try:
        factory = getattr(importlib.import_module(module), attribute)
        kind = factory()
    except Exception as exc:  # a broken plugin must not crash the run with a traceback
        raise ConfigurationError(
            f"rule kind '{name}' ({target}) cannot be loaded: {type(exc).__name__}: {exc}"
        ) from None
    if not callable(getattr(kind, "check", None)) or not isinstance(
        getattr(kind, "options", None), dict
    ):
        raise ConfigurationError(
            f"rule kind '{name}' ({target}) is not a configguard kind (subclass configguard."
            "kinds.Kind)"
        )
    if getattr(kind, "name", "") != name:
        with contextlib.suppress(AttributeError):
            kind.name = name
    return kind  # type: ignore[no-any-return]


def all_kinds() -> dict[str, Kind]:
    return {name: get_kind(name) for name in sorted(available())}


# -- JSON Pointers with * ----------------------------------------------------------------
def parse_path(pointer: str) -> list[str]:
    """Tokens of a rule's pointer; ``*`` stays ``*`` (every key or index)."""
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise RuleError(f"path {pointer!r} must be empty or start with '/'", "path")
    return [unescape(t) for t in pointer[1:].split("/")]


def select(data: Any, tokens: list[str], base: str = "") -> Iterator[tuple[str, Any]]:
    """Every (pointer, value) that ``tokens`` reach in ``data``; missing parts yield nothing.

    Iterative, in document order, so that selecting under 10^6 items never recurses.
    """
    stack: list[tuple[int, str, Any]] = [(0, base, data)]
    while stack:
        depth, pointer, value = stack.pop()
        if depth == len(tokens):
            yield pointer, value
            continue
        token = tokens[depth]
        children: list[tuple[str, Any]] = []
        if isinstance(value, dict):
            if token == "*":
                children = [(f"{pointer}/{escape(k)}", v) for k, v in value.items()]
            elif token in value:
                children = [(f"{pointer}/{escape(token)}", value[token])]
        elif isinstance(value, list):
            if token == "*":
                children = [(f"{pointer}/{i}", v) for i, v in enumerate(value)]
            elif token.isdigit() and (token == "0" or not token.startswith("0")):
                index = int(token)
                if index < len(value):
                    children = [(f"{pointer}/{token}", value[index])]
        stack.extend((depth + 1, p, v) for p, v in reversed(children))


def first_missing(data: Any, tokens: list[str]) -> str | None:
    """For a pointer without ``*``: the shortest prefix that is absent, or None if present."""
    value, pointer = data, ""
    for token in tokens:
        pointer += "/" + escape(token)
        if isinstance(value, dict) and token in value:
            value = value[token]
        elif isinstance(value, list) and token.isdigit() and int(token) < len(value):
            value = value[int(token)]
        else:
            return pointer
    return None


def describe(value: Any, limit: int = 60) -> str:
    """A short JSON rendering of a value for messages."""
    import json

    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"
