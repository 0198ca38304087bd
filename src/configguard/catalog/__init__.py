"""The built-in SchemaStore catalog: which vendored schema a file's name calls for, offline.

``schemastore.zip`` (beside this module; rebuilt by ``scripts/vendor_catalog.py``) holds
the catalog's entries (name, ``fileMatch`` globs, url, vendored file) and the schemas
SchemaStore hosts, compressed. It is opened only when a file no target claims needs a
schema, or a schema refers to ``https://json.schemastore.org/...``; one schema is read
from it at a time. SchemaStore's data is Apache-2.0: LICENSE and NOTICE sit beside it.

A vendored schema is addressed by a path under :data:`BUILTIN`, a folder that does not
exist on disk: the registry reads such paths from the archive, so the rest of configguard
(targets, the compile cache, the fuzzer) handles catalog schemas like any schema file.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from ..errors import ConfigurationError


class Allows(Protocol):
    """Which catalog entries may claim files (``settings.CatalogChoice``)."""

    def allows(self, entry: Any) -> bool: ...


class _EveryEntry:
    """Every entry but JSON Schema's own metaschemas (``--check-metaschema`` is for those)."""

    def allows(self, entry: Any) -> bool:
        return not str(entry.url).startswith("https://json-schema.org/")


_EVERY_ENTRY = _EveryEntry()

HERE = Path(__file__).parent
ARCHIVE = HERE / "schemastore.zip"
INDEX = HERE / "index.json.z"
"""The entries and their lookup tables (:func:`build_index`), zlib-compressed JSON."""
BUILTIN = HERE / "builtin"
"""Virtual folder of the vendored schemas: ``BUILTIN / "github-workflow.json"``."""
HOSTS = (
    "https://json.schemastore.org/",
    "https://www.schemastore.org/",
    "http://json.schemastore.org/",
    "http://www.schemastore.org/",
)
"""Where SchemaStore serves the schemas it hosts; ``$ref``s there are answered offline."""


class Entry(NamedTuple):
    """One catalog entry: a kind of file (by name globs) and its schema."""

    name: str
    description: str
    file_match: tuple[str, ...]
    url: str
    file: str | None
    """The vendored schema's file name; None when the schema is hosted elsewhere."""

    @property
    def id(self) -> str:
        """What ``--builtin-schema`` and ``catalog: {only: [...]}`` accept besides the name."""
        if self.file:
            return self.file.removesuffix(".json")
        return re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-")

    @property
    def path(self) -> Path:
        if self.file is None:
            raise ConfigurationError(
                f"catalog schema {self.name!r} is hosted elsewhere ({self.url}) and not "
                "vendored: download it and pass --schema FILE"
            )
        return BUILTIN / self.file

    @property
    def label(self) -> str:
        """How reports name the schema: "GitHub Workflow (catalog: github-workflow)"."""
        return f"{self.name} (catalog: {self.id})"


class Match(NamedTuple):
    entry: Entry
    glob: str


DRAFTS = {
    "draft-04": "http://json-schema.org/draft-04/schema#",
    "draft-06": "http://json-schema.org/draft-06/schema#",
    "draft-07": "http://json-schema.org/draft-07/schema#",
    "2019-09": "https://json-schema.org/draft/2019-09/schema",
    "2020-12": "https://json-schema.org/draft/2020-12/schema",
}
"""JSON Schema's metaschemas, which jsonschema-rs holds itself (offline)."""


def metaschema_for(schema: Any) -> Path:
    """The (virtual) metaschema a schema document declares with ``$schema`` (2020-12 when
    it declares none, or one that is not a JSON Schema draft)."""
    declared = schema.get("$schema") if isinstance(schema, dict) else None
    wanted = (
        declared.rstrip("#").replace("https://", "http://") if isinstance(declared, str) else ""
    )
    for name, url in DRAFTS.items():
        if url.rstrip("#").replace("https://", "http://") == wanted:
            return BUILTIN / f"metaschema-{name}.json"
    return BUILTIN / "metaschema-2020-12.json"


def _same_uri(a: str, b: str) -> bool:
    def plain(uri: str) -> str:
        return uri.rstrip("#").replace("https://", "http://", 1)

    return plain(a) == plain(b)


def is_builtin(path: Path) -> bool:
    return path.parent == BUILTIN


def display(path: Path) -> str:
    """``builtin:github-workflow.json`` for a vendored schema, else the path."""
    return f"builtin:{path.name}" if is_builtin(path) else str(path)


def uri_of(path: Path) -> str:
    """The URL SchemaStore serves a vendored schema at: its relative ``$ref``s resolve there."""
    return HOSTS[0] + path.name


def for_uri(uri: str) -> Path | None:
    """The vendored schema that a SchemaStore URL names, or None."""
    for host in HOSTS:
        if uri.startswith(host):
            name = uri[len(host) :]
            for candidate in (name, name + ".json"):  # SchemaStore also serves NAME
                if candidate in _archive_names():
                    return BUILTIN / candidate
    return None


@functools.cache
def _archive() -> Any:
    import zipfile

    try:
        return zipfile.ZipFile(ARCHIVE)
    except (OSError, zipfile.BadZipFile) as exc:
        raise ConfigurationError(
            f"the built-in catalog cannot be read: {exc}", str(ARCHIVE)
        ) from None


@functools.cache
def _archive_names() -> frozenset[str]:
    prefix = "schemas/"
    return frozenset(n[len(prefix) :] for n in _archive().namelist() if n.startswith(prefix))


def read_schema(path: Path) -> Any:
    """A vendored schema, parsed (a fresh copy each call: the registry adjusts it in place)."""
    draft = path.name.removeprefix("metaschema-").removesuffix(".json")
    if path.name.startswith("metaschema-") and draft in DRAFTS:
        return {"$schema": DRAFTS[draft], "$ref": DRAFTS[draft]}
    try:
        raw = _archive().read(f"schemas/{path.name}")
    except KeyError:
        raise ConfigurationError("no such built-in schema", display(path)) from None
    return json.loads(raw)


class Catalog:
    """The entries, and a name index so that matching a path costs a few dict lookups."""

    def __init__(self, entries: Iterable[Entry], index: dict[str, Any] | None = None) -> None:
        self.entries = tuple(entries)
        index = index if index is not None else build_index(self.entries)
        self._literal: dict[str, list[list[Any]]] = index["literal"]
        """Last path segment -> [entry index, glob], for globs whose last segment is plain."""
        self._wild: dict[str, list[list[Any]]] = index["wild"]
        """File suffix (or "") -> [entry index, glob, a literal part of it] for the rest."""
        self._compiled: dict[str, re.Pattern[str]] = {}

    def match(self, relative: str, choice: Allows | None = None) -> Match | None:
        """The entry whose glob matches ``relative`` (posix, relative to the root) most
        specifically (most literal characters; then catalog order), among those ``choice``
        allows (the ``catalog:`` setting; by default every entry that is not a metaschema)."""
        choice = choice if choice is not None else _EVERY_ENTRY
        name = relative.rsplit("/", 1)[-1]
        suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        candidates = [(i, g) for i, g in self._literal.get(name, ())]
        candidates += [(i, g) for i, g, lit in self._wild.get(suffix, ()) if lit in relative]
        candidates += [(i, g) for i, g, lit in self._wild.get("", ()) if lit in relative]
        best: tuple[int, int, str] | None = None
        for i, glob in candidates:
            if not choice.allows(self.entries[i]) or not self._matches(glob, relative):
                continue
            rank = (-_specificity(glob), i, glob)
            if best is None or rank < best:
                best = rank
        if best is None:
            return None
        return Match(self.entries[best[1]], best[2])

    def _matches(self, glob: str, relative: str) -> bool:
        pattern = self._compiled.get(glob)
        if pattern is None:
            pattern = self._compiled[glob] = re.compile(glob_regex(glob))
        return pattern.fullmatch(relative) is not None

    def find(self, name: str) -> Entry:
        """The entry named ``name`` (its id, or its name, any case); ConfigurationError with
        the closest names otherwise."""
        wanted = name.lower().removesuffix(".json")
        for entry in self.entries:
            if entry.id == wanted and entry.file:
                return entry
        for entry in self.entries:
            if entry.name.lower() == name.lower() or entry.id == wanted:
                return entry
        import difflib

        known = [e.id for e in self.entries if e.file]
        close = difflib.get_close_matches(wanted, known, n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise ConfigurationError(
            f"no built-in schema {name!r}{hint}; `configguard schemas` lists them"
        )

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.entries)


def build_index(entries: Iterable[Entry]) -> dict[str, Any]:
    """The lookup tables of :class:`Catalog`, computed when the catalog is vendored."""
    literal: dict[str, list[list[Any]]] = {}
    wild: dict[str, list[list[Any]]] = {}
    for i, entry in enumerate(entries):
        for glob in entry.file_match:
            last = glob.rsplit("/", 1)[-1]
            if not any(c in last for c in "*?[{!"):
                literal.setdefault(last, []).append([i, glob])
                continue
            suffix = last.rsplit(".", 1)[-1] if "." in last else ""
            if any(c in suffix for c in "*?[]{}()!"):
                suffix = ""
            parts = re.split(r"\*\*|[*?{}\[\]()!]", glob)
            fixed = max((p.strip("/") for p in parts), key=len)
            wild.setdefault(suffix.lower(), []).append([i, glob, fixed])
    return {"literal": literal, "wild": wild}


def _specificity(glob: str) -> int:
    return len(re.sub(r"\*\*/?|[*?]|\{[^}]*\}|\[[^\]]*\]|!\([^)]*\)", "", glob))


@functools.cache
def catalog() -> Catalog:
    """The built-in catalog, read once per process (without opening the schema archive)."""
    import zlib

    try:
        index = json.loads(zlib.decompress(INDEX.read_bytes()))
    except (OSError, ValueError, zlib.error) as exc:
        raise ConfigurationError(
            f"the built-in catalog cannot be read: {exc}", str(INDEX)
        ) from None
    entries = (Entry(n, d, tuple(m), u, f) for n, d, m, u, f in index["entries"])
    return Catalog(entries, index)


def glob_regex(glob: str) -> str:
    """A catalog ``fileMatch`` glob as a regex over a relative posix path.

    As editors read them: a glob not starting with ``/`` matches at any depth; ``**``
    spans folders, ``*`` and ``?`` stay within one, ``{a,b}`` is a choice, ``!(a)`` is
    anything but ``a`` (extglob).
    """
    glob = glob.removeprefix("./")
    anchored = glob.startswith("/")
    glob = glob.lstrip("/")
    if glob.startswith("**/"):
        glob = glob[3:]
        anchored = False
    out = [] if anchored else ["(?:.*/)?"]
    i = 0
    while i < len(glob):
        c = glob[i]
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if glob.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "{":
            end = glob.find("}", i)
            if end < 0:
                out.append(re.escape(c))
            else:
                choices = glob[i + 1 : end].split(",")
                out.append("(?:" + "|".join(re.escape(x) for x in choices) + ")")
                i = end
        elif c == "[":
            end = glob.find("]", i)
            if end < 0:
                out.append(re.escape(c))
            else:
                body = glob[i + 1 : end].replace("\\", "\\\\")
                out.append("[^" + body[1:] + "]" if body.startswith("!") else "[" + body + "]")
                i = end
        elif glob.startswith("!(", i) and glob.find(")", i) > 0:
            end = glob.find(")", i)
            negated = "|".join(re.escape(x) for x in glob[i + 2 : end].split("|"))
            rest = glob[end + 1 :].split("/", 1)[0]
            out.append(f"(?!(?:{negated}){re.escape(rest)}(?:/|$))[^/]*?")
            i = end
        else:
            out.append(re.escape(c))
        i += 1
    return "".join(out)
