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
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, ParamSpec, TypeVar

from ..errors import ConfigurationError
from ..findings import Severity
from ..locate import escape, is_index, unescape

if TYPE_CHECKING:
    from ..findings import Hit
    from ..load import Document

T = TypeVar("T")
P = ParamSpec("P")
GROUP = "configguard.rules"
_KIND_NAME = re.compile(r"[a-z][a-z0-9]*(?:[-.][a-z0-9]+)*")

POINTER_SCHEMA: dict[str, Any] = {
    "type": "string",
    "pattern": "^(/[\\s\\S]*)?$",
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
    on: str = "file"
    """What the rule reads: ``file`` (the config) or ``output`` (its consumer's output)."""

    @property
    def arguments(self) -> dict[str, Any]:
        """The options as written, for ``explain``."""
        return dict(self.options)


class Summary:
    """Base of what a change kind keeps of a previous version (see ``Kind.summarize``)."""


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
    description: ClassVar[str] = ""
    """One sentence for SARIF rule metadata: what a file must do to pass."""
    default_severity: ClassVar[str] = "error"
    """A rule's severity when it gives none (``novel-values``: a first use is a warning)."""

    def prepare(self, options: Mapping[str, Any]) -> Any:
        """Compile options once per run; raise RuleError for a mistake the schema cannot see."""
        return None

    def check(self, document: Document, rule: Rule, previous: Document | None) -> Iterator[Hit]:
        """Yield a Hit for every place where ``document`` breaks ``rule``."""
        return iter(())

    def summarize(self, previous: Document, rule: Rule) -> Summary | None:
        """For ``change`` kinds: what the kind needs of the previous version, when that is
        less than the whole document (a few counts); None (the default): the whole document.

        When every change rule of a file summarizes, the previous version is parsed,
        summarized and dropped before the proposed one is parsed, so two big versions are
        never held at once; ``check_summary`` is then called instead of ``check``."""
        return None

    def check_summary(self, document: Document, rule: Rule, summary: Summary) -> Iterator[Hit]:
        """For kinds whose ``summarize`` returns a Summary: ``check`` against that summary."""
        return iter(())

    def check_size(self, size: int, rule: Rule, previous: int | None) -> Iterator[Hit]:
        """For ``before_parse`` kinds: judge the file by its size in bytes alone."""
        return iter(())

    def check_deleted(self, rule: Rule, since: str) -> Iterator[Hit]:
        """For ``change`` kinds: what deleting the whole file (since ``since``) breaks."""
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
            "on": {"enum": ["file", "output"]},
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


def builtin() -> dict[str, str]:
    """The built-in kinds, name -> module: one module per kind in this package, named after
    the kind (``max-bytes`` in ``max_bytes.py``, ``yaml-1.1-ambiguity`` in
    ``yaml_1_1_ambiguity.py``); helpers start with ``_``. Imports them (not on the check
    path: a check asks for its kinds by name)."""
    import importlib
    import pkgutil

    out: dict[str, str] = {}
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("_"):
            module = importlib.import_module(f"{__name__}.{info.name}")
            for value in vars(module).values():
                if (
                    isinstance(value, type)
                    and issubclass(value, Kind)
                    and value.__module__ == module.__name__
                    and value.name
                ):
                    out[value.name] = module.__name__
    return dict(sorted(out.items()))


def available() -> dict[str, str]:
    """Kind name -> "module:Class" (or a module), built-ins first; a plugin cannot replace a
    built-in. Built-ins are also declared as entry points, the door plugins use."""
    from importlib.metadata import entry_points

    found = builtin()
    for ep in entry_points(group=GROUP):
        found.setdefault(ep.name, ep.value)
    return found


def _builtin_module(name: str) -> str | None:
    """The module of built-in kind ``name``, found without scanning entry points (~10 ms)."""
    if not _KIND_NAME.fullmatch(name):
        return None
    import importlib.util

    module = f"{__name__}.{name.replace('-', '_').replace('.', '_')}"
    return module if importlib.util.find_spec(module) is not None else None


def guarded(
    rule: Rule, display: str, call: Callable[P, Iterable[T]], *args: P.args, **kwargs: P.kwargs
) -> list[T]:
    """Run one of a kind's checks (``call``) for ``rule``: a kind that crashes is configguard
    failing (a ConfigurationError, exit 2), never a finding and never a traceback."""
    try:
        return list(call(*args, **kwargs))
    except ConfigurationError:
        raise
    except Exception as exc:
        raise ConfigurationError(
            f"rule '{rule.id}' (kind {rule.kind}) failed on {display}: {type(exc).__name__}: {exc}"
        ) from None


def describe_kind(name: str) -> str | None:
    """The one-sentence description of a kind (SARIF); None for a plugin without one."""
    try:
        description = getattr(get_kind(name), "description", "")
    except ConfigurationError:
        return None
    return str(description) if description else None


def summarizes(kind: Kind) -> bool:
    """Whether ``kind`` keeps less than the whole previous document (overrides summarize)."""
    return type(kind).summarize is not Kind.summarize


def get_kind(name: str) -> Kind:
    """The kind called ``name``; ConfigurationError when none is (message lists the known)."""
    if name in _CACHE:
        return _CACHE[name]
    # a built-in wins over a plugin anyway: no entry-point scan for it
    target = _builtin_module(name) or available().get(name)
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
        loaded = importlib.import_module(module)
        factory: Any = getattr(loaded, attribute) if attribute else _kind_class(loaded, name)
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


def _kind_class(module: Any, name: str) -> type[Kind]:
    """The Kind subclass called ``name`` that ``module`` defines."""
    for value in vars(module).values():
        if (
            isinstance(value, type)
            and issubclass(value, Kind)
            and value.__module__ == module.__name__
            and value.name == name
        ):
            return value
    raise LookupError(f"{module.__name__} defines no Kind subclass named {name!r}")


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
            elif is_index(token):
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
        elif isinstance(value, list) and is_index(token) and int(token) < len(value):
            value = value[int(token)]
        else:
            return pointer
    return None


def describe(value: Any, limit: int = 60) -> str:
    """A short JSON rendering of a value for messages."""
    import json

    text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"
