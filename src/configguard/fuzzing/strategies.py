"""Where fuzz inputs come from: boundary sizes, mutations of real files, and the schema.

Hypothesis cannot build lists of ~150+ independently drawn objects (it fails its
data_too_large health check whatever the size bias), and the
schema-driven generator manages 23-30 examples/s here. So the cheap sources carry the
volume: an array's *size* is drawn (an integer over its bounds, or a boundary value) and
filled by repeating a few drawn items, exact copies (the Cloudflare duplicate rows) or
varied copies that stay unique; real files are mutated along precomputed paths, copying
only the containers on the way. Each source returns a :class:`Case`: the input and a
short account of how it was made.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

from ..locate import join
from ..units import plural
from .dictionary import Dictionary
from .reproducers import canonical
from .schema import ArraySite, iter_paths

Path_ = tuple[Any, ...]
Vary = Callable[[Any, int], Any]
MAX_PATHS = 400
# schema-driven generation is ~10x slower than the others: 1 case in 20 keeps the rate up
MUTATION_WEIGHT, BOUNDARY_WEIGHT, SCHEMA_WEIGHT = 10, 9, 1
EXTREME_NUMBERS: tuple[Any, ...] = (
    0,
    -1,
    1,
    2**31 - 1,
    2**31,
    -(2**31) - 1,
    2**32,
    2**53,
    2**53 + 1,
    2**63 - 1,
    2**63,
    -(2**63) - 1,
    2**64,
    10**30,
    -(10**30),
    1e308,
    -1e308,
    5e-324,
    0.1,
    -0.0,
)
# strings that break code written for "normal" text: empty, blank, multibyte, combining
# marks, NUL inside, right-to-left override, a BOM, letters whose case folding changes
# length, and words that read as other types
STRING_EDGES = (
    "",
    " ",
    " \t\n ",
    "\u00e9\u00e9\u00e9",
    "e\u0301",
    "a\x00b",
    "\u202eabc",
    "\U0001f600",
    "\ufeffx",
    "\u0130",
    "stra\u00dfe",
    "null",
    "true",
    "0",
    "-1",
    "NaN",
)
DATE_EDGES = ("1970-01-01", "2024-02-29", "2000-02-29", "2038-01-19", "9999-12-31", "0001-01-01")
DATETIME_EDGES = (
    "1970-01-01T00:00:00Z",
    "2024-02-29T23:59:59Z",
    "2038-01-19T03:14:08Z",
    "9999-12-31T23:59:59Z",
    "2016-12-31T23:59:60Z",
    "2025-03-30T02:30:00+01:00",
)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}")
LONG_STRINGS = (0, 1, 63, 64, 65, 255, 256, 257, 1024, 4096, 65_536, 1_000_000)
UNKNOWN_KEYS = ("unexpected", "__proto__", "", "constructor", "ünïcødé")
DUPLICATE_FACTORS = (2, 4, 10)
MUTATION_COUNTS = (1, 1, 2, 3)
SPLICE_TIMES = (1, 2, 4, 8, 16, 32, 64)
SPLICE_BYTES = 1_000_000
UNIQUE_CHECK = 1500
CORPUS_SNAPSHOT = 48
"""The newest kept inputs a corpus round mutates: the newest reached the newest code."""
GENERATED = -1
"""Slot.doc of an array in a schema-generated document (no real file yet)."""


@dataclass(frozen=True)
class Case:
    """One generated input and how it was made (for reports and reproducers)."""

    source: str
    data: Any
    how: tuple[str, ...] = ()


DELETE = object()


def replaced(data: Any, path: Path_, change: Callable[[Any], Any]) -> Any:
    """``data`` with the value at ``path`` changed; only the containers on the way are copied.

    ``change`` may return DELETE to remove the value. A path that no longer exists (an
    earlier mutation removed it) leaves ``data`` as it is.
    """
    if not path:
        return change(data)
    head, rest = path[0], path[1:]
    if isinstance(data, list) and isinstance(head, int) and 0 <= head < len(data):
        new_list = list(data)
        value = replaced(data[head], rest, change)
        if value is DELETE:
            del new_list[head]
        else:
            new_list[head] = value
        return new_list
    if isinstance(data, dict) and head in data:
        new_dict = dict(data)
        value = replaced(data[head], rest, change)
        if value is DELETE:
            del new_dict[head]
        else:
            new_dict[head] = value
        return new_dict
    return data


def get(data: Any, path: Path_) -> Any:
    for part in path:
        data = data[part]
    return data


def pointer(path: Path_) -> str:
    return join(path) or "/"


@dataclass
class DocIndex:
    """The places in one real document that mutations aim at, found once."""

    data: Any
    arrays: list[Path_] = field(default_factory=list)
    objects: list[Path_] = field(default_factory=list)
    members: list[Path_] = field(default_factory=list)
    numbers: list[Path_] = field(default_factory=list)
    strings: list[Path_] = field(default_factory=list)

    @staticmethod
    def build(data: Any) -> DocIndex:
        index = DocIndex(data)
        stack: list[tuple[Path_, Any]] = [((), data)]
        seen = 0
        while stack and seen < 200_000:
            path, value = stack.pop()
            seen += 1
            if isinstance(value, dict):
                index.objects.append(path)
                for key in reversed(list(value)):
                    index.members.append((*path, key))
                    stack.append(((*path, key), value[key]))
            elif isinstance(value, list):
                if value:
                    index.arrays.append(path)
                for i in range(len(value) - 1, -1, -1):
                    stack.append(((*path, i), value[i]))
            elif isinstance(value, bool) or value is None:
                continue
            elif isinstance(value, (int, float)):
                index.numbers.append(path)
            elif isinstance(value, str):
                index.strings.append(path)
        # the largest arrays, nearest the top, first: they are what hard limits break on
        index.arrays.sort(key=lambda p: (len(p), -len(get(data, p))))
        for name in ("arrays", "objects", "members", "numbers", "strings"):
            setattr(index, name, _spread(getattr(index, name)))
        return index


def _spread(paths: list[Path_]) -> list[Path_]:
    """At most MAX_PATHS, kept evenly across the document (and the first ones)."""
    if len(paths) <= MAX_PATHS:
        return paths
    step = len(paths) / MAX_PATHS
    return [paths[int(i * step)] for i in range(MAX_PATHS)]


# -- varied copies that stay unique ----------------------------------------------------

_ALNUM = "0123456789abcdefghijklmnopqrstuvwxyz"


def _code(number: int, alphabet: str = _ALNUM) -> str:
    out = ""
    while True:
        number, digit = divmod(number, len(alphabet))
        out = alphabet[digit] + out
        if not number:
            return out


def _string_variants(text: str, j: int) -> list[str]:
    letters = _code(j, "abcdefghijklmnopqrstuvwxyz")
    tail = "_" + _code(j)
    keep = max(1, len(text) - len(tail))
    return [
        text + tail,
        text + _code(j),
        text[:keep] + tail,
        text + letters,
        text[: max(1, len(text) - len(letters))] + letters,
    ]


def _number_variant(value: Any, j: int, variant: int) -> Any:
    """Integers step by j; any number can also move by j billionths (stays in most bounds)."""
    if isinstance(value, int) and variant < 2:
        return value + j if variant == 0 else value - j
    step = 1e-9 * j
    return value - step if (value > 0) == (variant % 2 == 0) else value + step


def make_varier(samples: list[Any], is_valid: Callable[[Any], bool] | None) -> Vary | None:
    """A way to make the j-th copy of an item differ from the others and stay valid.

    Tries each string or number member (or the item itself) with a few encodings and keeps
    the first whose copies the item schema still accepts; None when nothing can vary.
    """
    if not samples:
        return None
    sample = samples[0]
    keys: list[Any]
    if isinstance(sample, dict):
        keys = [k for k, v in sample.items() if isinstance(v, str)]
        keys += [
            k for k, v in sample.items() if isinstance(v, (int, float)) and not isinstance(v, bool)
        ]
    else:
        keys = [None]
    options: list[Vary] = []
    for key in keys:
        for variant in range(5):
            options.append(_varier(key, variant))
    check = list(samples[:3])
    originals = {canonical(s) for s in check}
    fallback: Vary | None = None
    for option in options:
        try:
            copies = [option(s, j) for s in check for j in (1, 7, 999, 4321)]
        except (TypeError, KeyError, IndexError):
            continue
        if any(c is None for c in copies):
            continue
        if fallback is None:
            fallback = option
        if is_valid is not None and not all(is_valid(c) for c in copies):
            continue
        # copies must differ from each other and from the originals (a shortened string
        # plus a suffix can land back on an original)
        seen = set(originals)
        distinct = True
        for sample in check:
            for j in range(1, UNIQUE_CHECK):
                key = canonical(option(sample, j))
                if key in seen:
                    distinct = False
                    break
                seen.add(key)
            if not distinct:
                break
        if distinct:
            return option
    return fallback


def _varier(key: Any, variant: int) -> Vary:
    def vary_value(value: Any, j: int) -> Any:
        if isinstance(value, str):
            options = _string_variants(value, j)
            return options[variant] if variant < len(options) else None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return _number_variant(value, j, variant) if variant < 4 else None
        return None

    def vary(item: Any, j: int) -> Any:
        if key is None:
            return vary_value(item, j)
        if not isinstance(item, dict) or key not in item:
            return item
        value = vary_value(item[key], j)
        if value is None:
            return item
        copy = dict(item)
        copy[key] = value
        return copy

    return vary


def filled(items: list[Any], size: int, vary: Vary | None) -> list[Any]:
    """``size`` items cycling through ``items``; copies past the first round varied if asked."""
    k = len(items)
    if vary is None:
        return [items[i % k] for i in range(size)]
    return [items[i] if i < k else vary(items[i % k], i // k) for i in range(size)]


def boundary_sizes(low: int, high: int, current: tuple[int, ...]) -> list[int]:
    """0, 1, 2, the bounds and one past them, powers of two and neighbours, current x2, x4, x10."""
    sizes = {0, 1, 2, low, max(low - 1, 0), high, high + 1}
    power = 2
    while power <= high:
        sizes.update({power - 1, power, power + 1})
        power *= 2
    for now in current:
        sizes.update({now, now + 1, now * 2, now * 4, now * 10})
    return sorted(s for s in sizes if 0 <= s <= high + 1)


# -- the sources -----------------------------------------------------------------------


@dataclass
class Slot:
    """An array in a real document, with what the schema says about it."""

    doc: int
    path: Path_
    site: ArraySite | None
    vary: Vary | None
    cap: int
    sizes: list[int]


@dataclass
class Sources:
    """Everything the strategies of one target draw from, prepared once."""

    docs: list[DocIndex]
    slots: list[Slot]
    schema_strategy: st.SearchStrategy[Any] | None
    cap: int
    notes: list[str] = field(default_factory=list)
    words: Dictionary = field(default_factory=Dictionary)
    """Literals of the consumer's code and values of the real files."""


def build_slots(
    docs: list[DocIndex],
    sites: list[ArraySite],
    cap: int,
    varier_for: Callable[[ArraySite | None, Any, Path_], Vary | None],
) -> list[Slot]:
    """The arrays boundary sizes are aimed at: schema sites found in the docs, then the rest."""
    slots: list[Slot] = []
    for d, index in enumerate(docs):
        claimed: set[Path_] = set()
        for site in sites:
            for path in iter_paths(index.data, site.path):
                value = get(index.data, path)
                if not isinstance(value, list) or path in claimed:
                    continue
                claimed.add(path)
                high = site.max_items if site.max_items is not None else cap
                slots.append(
                    Slot(
                        d,
                        path,
                        site,
                        varier_for(site, index.data, path),
                        high,
                        boundary_sizes(site.min_items, high, (len(value),)),
                    )
                )
        for path in index.arrays[:16]:
            if path in claimed:
                continue
            value = get(index.data, path)
            slots.append(
                Slot(
                    d,
                    path,
                    None,
                    varier_for(None, index.data, path),
                    cap,
                    boundary_sizes(0, cap, (len(value),)),
                )
            )
    if not docs:  # no real file yet: size the arrays of schema-generated documents
        for site in sites:
            if "*" not in site.path:
                high = site.max_items if site.max_items is not None else cap
                slots.append(
                    Slot(
                        GENERATED,
                        site.path,
                        site,
                        None,
                        high,
                        boundary_sizes(site.min_items, high, ()),
                    )
                )
    slots.sort(key=lambda s: (len(s.path), s.doc))
    return slots[:64]


def case_strategy(sources: Sources) -> st.SearchStrategy[Case]:
    """One strategy over all sources; shrinking prefers mutations, then boundary sizes."""
    weights: list[tuple[int, st.SearchStrategy[Case]]] = []
    if sources.docs:
        weights.append((MUTATION_WEIGHT, _mutations(sources)))
    if sources.slots and (sources.docs or sources.schema_strategy is not None):
        weights.append((BOUNDARY_WEIGHT, _boundary(sources)))
    if sources.schema_strategy is not None:
        weight = SCHEMA_WEIGHT if weights else 1
        weights.append((weight, sources.schema_strategy.map(lambda d: Case("schema", d))))
    if not weights:
        return st.nothing()
    total = sum(w for w, _ in weights)

    @st.composite
    def pick(draw: st.DrawFn) -> Case:
        roll = draw(st.integers(0, total - 1))
        for weight, strategy in weights:
            if roll < weight:
                return draw(strategy)
            roll -= weight
        raise AssertionError("unreachable")

    return pick()


def source_strategies(sources: Sources) -> dict[str, st.SearchStrategy[Case] | None]:
    """One strategy per source, for the scheduler (which gives each its own rounds)."""
    out: dict[str, st.SearchStrategy[Case] | None] = {}
    if sources.docs:
        out["mutation"] = _mutations(sources)
    if sources.slots and (sources.docs or sources.schema_strategy is not None):
        out["boundary"] = _boundary(sources)
    if sources.schema_strategy is not None:
        out["schema"] = sources.schema_strategy.map(lambda d: Case("schema", d))
        out["schema-mutation"] = None  # mutations of the schema's documents, as they come
    return out


def corpus_strategy(pool: list[Any], sources: Sources, source: str) -> st.SearchStrategy[Case]:
    """Mutations of a snapshot of ``pool``: inputs kept for reaching new consumer code, or
    documents the schema generated (mutated at mutation speed, not generation speed)."""
    docs = [DocIndex.build(data) for data in list(pool)[-CORPUS_SNAPSHOT:]]
    return mutations_of(docs, sources.words, source)


def _boundary(sources: Sources) -> st.SearchStrategy[Case]:
    slots = sources.slots

    @st.composite
    def build(draw: st.DrawFn) -> Case:
        slot = draw(st.sampled_from(slots))
        vary = slot.vary
        if slot.doc == GENERATED:
            assert sources.schema_strategy is not None
            base = draw(sources.schema_strategy)
            try:
                real = get(base, slot.path)
            except (KeyError, IndexError, TypeError):
                real = None
            if not isinstance(real, list) or not real:
                return Case("schema", base)
            vary = make_varier(real[:3], None)
        else:
            base = sources.docs[slot.doc].data
            real = get(base, slot.path)
        size = draw(st.one_of(st.integers(0, slot.cap + 1), st.sampled_from(slot.sizes)))
        k = draw(st.integers(1, min(3, len(real)))) if real else 1
        picks = [real[draw(st.integers(0, len(real) - 1))] for _ in range(k)] if real else [None]
        if draw(st.booleans()):  # exact copies: the duplicate-rows shape
            vary = None
        array = filled(picks, size, vary)
        how = f"{pointer(slot.path)}: {size} items, " + (
            f"{plural(k, 'item')} repeated"
            if vary is None
            else f"{plural(k, 'item')} in varied unique copies"
        )
        return Case("boundary", replaced(base, slot.path, lambda _old: array), (how,))

    return build()


_KINDS = (
    "duplicate",
    "drop-entries",
    "null",
    "blank",
    "remove-field",
    "unknown-field",
    "extreme-number",
    "long-string",
    "wrong-type",
    # the moves that reach specific values and combinations (a dictionary word is the
    # likeliest: the consumer's own literals are what it special-cases)
    "dictionary-value",
    "dictionary-value",
    "dictionary-value",
    "dictionary-key",
    "case",
    "case-key",
    "duplicate-changed",
    "move-value",
    "integral-float",
    "splice",
    "string-edge",
    "date-edge",
)


def _mutations(sources: Sources) -> st.SearchStrategy[Case]:
    return mutations_of(sources.docs, sources.words, "mutation")


def mutations_of(docs: list[DocIndex], words: Dictionary, source: str) -> st.SearchStrategy[Case]:
    """One to three mutations of one of ``docs`` (real files, or a corpus of kept inputs)."""

    newest = len(docs) - 1

    @st.composite
    def build(draw: st.DrawFn) -> Case:
        # a corpus round mutates its newest input half the time: it reached the newest code
        d = newest if source == "corpus" and draw(st.booleans()) else None
        index = docs[d if d is not None else draw(st.integers(0, newest))]
        data = index.data
        how: list[str] = []
        # one mutation most often: a precise step keeps what the input already reached
        for _ in range(draw(st.sampled_from(MUTATION_COUNTS))):
            kind = draw(st.sampled_from(_KINDS))
            data, note = _mutate(draw, kind, index, data, words)
            if note:
                how.append(note)
        return Case(source, data, tuple(how))

    return build()


def _mutate(
    draw: st.DrawFn, kind: str, index: DocIndex, data: Any, words: Dictionary
) -> tuple[Any, str]:
    """Apply one mutation of ``kind`` at a drawn place; ``("", data)`` when none applies."""
    if kind in _COMBINING:
        return _COMBINING[kind](draw, index, data, words)
    if kind in ("duplicate", "drop-entries") and index.arrays:
        path = draw(st.sampled_from(index.arrays))
        if kind == "duplicate":
            factor = draw(st.sampled_from(DUPLICATE_FACTORS))
            return (
                replaced(data, path, lambda v: v * factor if isinstance(v, list) else v),
                f"every entry of {pointer(path)} duplicated ×{factor}",  # noqa: RUF001
            )
        how = draw(st.sampled_from(("all", "first", "all-but-first", "half")))
        cut: dict[str, Callable[[list[Any]], list[Any]]] = {
            "all": lambda v: [],
            "first": lambda v: v[1:],
            "all-but-first": lambda v: v[:1],
            "half": lambda v: v[: len(v) // 2],
        }
        return (
            replaced(data, path, lambda v: cut[how](v) if isinstance(v, list) else v),
            f"entries of {pointer(path)} dropped ({how})",
        )
    if kind in ("null", "blank", "remove-field", "wrong-type") and index.members:
        path = draw(st.sampled_from(index.members))
        if kind == "null":
            return replaced(data, path, lambda v: None), f"{pointer(path)} set to null"
        if kind == "remove-field":
            return replaced(data, path, lambda v: DELETE), f"{pointer(path)} removed"
        if kind == "blank":
            return replaced(data, path, _blank), f"{pointer(path)} blanked"
        other = draw(st.sampled_from(("1", 1, 1.5, True, [], {}, "")))
        return (
            replaced(data, path, lambda v: other),
            f"{pointer(path)} replaced by {type(other).__name__} {other!r}",
        )
    if kind == "unknown-field" and index.objects:
        path = draw(st.sampled_from(index.objects))
        key = draw(st.sampled_from(UNKNOWN_KEYS))
        value: Any = draw(st.sampled_from((True, 0, "x", None, [], {})))

        def add(v: Any) -> Any:
            return {**v, key: value} if isinstance(v, dict) else v

        return replaced(data, path, add), f"unknown field {key!r} added at {pointer(path)}"
    if kind == "extreme-number" and index.numbers:
        path = draw(st.sampled_from(index.numbers))
        numbers = EXTREME_NUMBERS + tuple(words.numbers)
        number = draw(st.sampled_from(numbers))
        return replaced(data, path, lambda v: number), f"{pointer(path)} set to {number!r}"
    if kind == "long-string" and index.strings:
        path = draw(st.sampled_from(index.strings))
        length = draw(st.sampled_from(LONG_STRINGS))
        return (
            replaced(data, path, lambda v: "x" * length),
            f"{pointer(path)} set to a string of {length:,} characters",
        )
    return data, ""


def _blank(value: Any) -> Any:
    if isinstance(value, str):
        return ""
    if isinstance(value, list):
        return []
    if isinstance(value, dict):
        return {}
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return 0
    return value


# -- mutations that reach specific values and combinations ------------------------------

Mutation = Callable[[st.DrawFn, DocIndex, Any, Dictionary], tuple[Any, str]]


def _recase(draw: st.DrawFn, text: str) -> str:
    how = draw(st.sampled_from(("upper", "lower", "swapcase", "title", "first")))
    if how == "first":
        return text[:1].swapcase() + text[1:]
    changed: str = getattr(text, how)()
    return changed


def _dictionary_value(
    draw: st.DrawFn, index: DocIndex, data: Any, words: Dictionary
) -> tuple[Any, str]:
    """A string or number member set to a word of the dictionary (same type: stays valid
    more often; the full schema judges anyway)."""
    choices = [("s", p) for p in index.strings] if words.strings else []
    choices += [("n", p) for p in index.numbers] if words.numbers else []
    if not choices:
        return data, ""
    what, path = draw(st.sampled_from(choices))
    value: Any = draw(st.sampled_from(words.strings if what == "s" else words.numbers))
    return replaced(data, path, lambda _v: value), f"{pointer(path)} set to {value!r}"


def _dictionary_key(
    draw: st.DrawFn, index: DocIndex, data: Any, words: Dictionary
) -> tuple[Any, str]:
    """A key renamed to a dictionary word (a reserved name the consumer special-cases)."""
    keyed = [p for p in index.members if isinstance(p[-1], str)]
    if not keyed or not words.strings:
        return data, ""
    path = draw(st.sampled_from(keyed))
    word = draw(st.sampled_from(words.strings))
    old = path[-1]

    def rename(parent: Any) -> Any:
        if not isinstance(parent, dict) or old not in parent or word in parent:
            return parent
        return {(word if k == old else k): v for k, v in parent.items()}

    return replaced(data, path[:-1], rename), f"key {pointer(path)} renamed to {word!r}"


def _case(draw: st.DrawFn, index: DocIndex, data: Any, words: Dictionary) -> tuple[Any, str]:
    if not index.strings:
        return data, ""
    path = draw(st.sampled_from(index.strings))
    old = get(data, path) if _exists(data, path) else ""
    if not isinstance(old, str):
        return data, ""
    new = _recase(draw, old)
    return replaced(data, path, lambda _v: new), f"{pointer(path)} recased to {new!r}"


def _case_key(draw: st.DrawFn, index: DocIndex, data: Any, words: Dictionary) -> tuple[Any, str]:
    """A key written again with another case beside the original: equal after case folding
    (HTTP header names, environment variables on some systems)."""
    keyed = [p for p in index.members if isinstance(p[-1], str)]
    if not keyed:
        return data, ""
    path = draw(st.sampled_from(keyed))
    old = path[-1]
    new = _recase(draw, old)
    if new == old:
        return data, ""

    def add(parent: Any) -> Any:
        if not isinstance(parent, dict) or old not in parent or new in parent:
            return parent
        return {**parent, new: parent[old]}

    return replaced(data, path[:-1], add), f"key {pointer(path)} also written as {new!r}"


def _entry_arrays(index: DocIndex, data: Any) -> list[Path_]:
    out = []
    for path in index.arrays:
        value = get(data, path) if _exists(data, path) else None
        if isinstance(value, list) and value and isinstance(value[0], dict):
            out.append(path)
    return out


def _duplicate_changed(
    draw: st.DrawFn, index: DocIndex, data: Any, words: Dictionary
) -> tuple[Any, str]:
    """An entry copied with one field changed: a collision by key, or a near-duplicate."""
    arrays = _entry_arrays(index, data)
    if not arrays:
        return data, ""
    path = draw(st.sampled_from(arrays))
    entries = get(data, path)
    i = draw(st.integers(0, len(entries) - 1))
    entry = entries[i]
    if not isinstance(entry, dict) or not entry:
        return data, ""
    key = draw(st.sampled_from(list(entry)))
    value = entry[key]
    how = draw(st.sampled_from(("case", "other-entry", "dictionary", "same")))
    new: Any = value
    if how == "case" and isinstance(value, str):
        new = _recase(draw, value)
    elif how == "other-entry":
        other = entries[draw(st.integers(0, len(entries) - 1))]
        if isinstance(other, dict) and key in other:
            new = other[key]
    elif how == "dictionary" and isinstance(value, str) and words.strings:
        new = draw(st.sampled_from(words.strings))
    elif how == "dictionary" and isinstance(value, (int, float)) and words.numbers:
        new = draw(st.sampled_from(words.numbers))
    copy = {**entry, key: new}
    where = draw(st.integers(0, len(entries)))
    changed = [*entries[:where], copy, *entries[where:]]
    return (
        replaced(data, path, lambda _v: changed),
        f"entry {pointer((*path, i))} copied to {where} with {key!r} = {new!r}",
    )


def _move_value(draw: st.DrawFn, index: DocIndex, data: Any, words: Dictionary) -> tuple[Any, str]:
    """A field's value from one entry given to another: a combination never seen together."""
    arrays = [p for p in _entry_arrays(index, data) if len(get(data, p)) > 1]
    if not arrays:
        return data, ""
    path = draw(st.sampled_from(arrays))
    entries = get(data, path)
    i = draw(st.integers(0, len(entries) - 1))
    j = draw(st.integers(0, len(entries) - 1))
    source, target = entries[i], entries[j]
    if i == j or not isinstance(source, dict) or not isinstance(target, dict) or not source:
        return data, ""
    key = draw(st.sampled_from(list(source)))
    value = source[key]
    return (
        replaced(data, (*path, j), lambda v: {**v, key: value} if isinstance(v, dict) else v),
        f"{pointer((*path, j, key))} given the value of {pointer((*path, i, key))}",
    )


def _integral_float(
    draw: st.DrawFn, index: DocIndex, data: Any, words: Dictionary
) -> tuple[Any, str]:
    """An integer written as an integral float (``3.0``): JSON Schema's ``integer`` takes it."""
    ints = [p for p in index.numbers if _exists(data, p) and type(get(data, p)) is int]
    if not ints:
        return data, ""
    path = draw(st.sampled_from(ints))
    return (
        replaced(data, path, lambda v: float(v) if type(v) is int and abs(v) < 2**53 else v),
        f"{pointer(path)} written as a float",
    )


def _splice(draw: st.DrawFn, index: DocIndex, data: Any, words: Dictionary) -> tuple[Any, str]:
    """A subtree put inside itself, in place of one of its descendants: deeper nesting of
    the same shape (what a recursive consumer, or a recursive schema, allows)."""
    containers = sorted(set(index.objects) | set(index.arrays), key=len)
    pairs = [
        (outer, inner)
        for outer in containers[:64]
        for inner in containers
        if len(inner) > len(outer) and inner[: len(outer)] == outer
    ]
    if not pairs:
        return data, ""
    outer, inner = draw(st.sampled_from(pairs[:400]))
    if not _exists(data, outer):
        return data, ""
    original = get(data, outer)
    # each splice nests one more copy of the subtree: depth and size grow linearly
    room = max(1, SPLICE_BYTES // max(1, len(canonical(original))))
    times = min(draw(st.sampled_from(SPLICE_TIMES)), room)
    rest = inner[len(outer) :]
    subtree = original
    for _ in range(times):
        subtree = replaced(original, rest, _constant(subtree))
    data = replaced(data, outer, _constant(subtree))
    return data, f"{pointer(outer)} spliced into {pointer(inner)} ({times}x)"


def _string_edge(draw: st.DrawFn, index: DocIndex, data: Any, words: Dictionary) -> tuple[Any, str]:
    if not index.strings:
        return data, ""
    path = draw(st.sampled_from(index.strings))
    edge = draw(st.sampled_from(STRING_EDGES))
    if draw(st.booleans()) and _exists(data, path) and isinstance(get(data, path), str):
        edge = get(data, path) + edge  # keep a prefix the consumer may look for
    return replaced(data, path, lambda _v: edge), f"{pointer(path)} set to {edge!r}"


def _date_edge(draw: st.DrawFn, index: DocIndex, data: Any, words: Dictionary) -> tuple[Any, str]:
    dated = []
    for path in index.strings:
        value = get(data, path) if _exists(data, path) else None
        if isinstance(value, str) and (_DATE.match(value) or _DATETIME.match(value)):
            dated.append((path, bool(_DATE.match(value))))
    if not dated:
        return data, ""
    path, date_only = draw(st.sampled_from(dated))
    edge = draw(st.sampled_from(DATE_EDGES if date_only else DATETIME_EDGES))
    return replaced(data, path, lambda _v: edge), f"{pointer(path)} set to {edge!r}"


def _constant(value: Any) -> Callable[[Any], Any]:
    return lambda _old: value


def _exists(data: Any, path: Path_) -> bool:
    for part in path:
        in_list = isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data)
        if in_list or (isinstance(data, dict) and part in data):
            data = data[part]
        else:
            return False
    return True


_COMBINING: dict[str, Mutation] = {
    "dictionary-value": _dictionary_value,
    "dictionary-key": _dictionary_key,
    "case": _case,
    "case-key": _case_key,
    "duplicate-changed": _duplicate_changed,
    "move-value": _move_value,
    "integral-float": _integral_float,
    "splice": _splice,
    "string-edge": _string_edge,
    "date-edge": _date_edge,
}
