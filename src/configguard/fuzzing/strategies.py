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

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

from ..locate import join
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
LONG_STRINGS = (0, 1, 63, 64, 65, 255, 256, 257, 1024, 4096, 65_536, 1_000_000)
UNKNOWN_KEYS = ("unexpected", "__proto__", "", "constructor", "ünïcødé")
DUPLICATE_FACTORS = (2, 4, 10)
UNIQUE_CHECK = 1500
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
            f"{k} item(s) repeated" if vary is None else f"{k} item(s) in varied unique copies"
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
)


def _mutations(sources: Sources) -> st.SearchStrategy[Case]:
    docs = sources.docs

    @st.composite
    def build(draw: st.DrawFn) -> Case:
        d = draw(st.integers(0, len(docs) - 1))
        index = docs[d]
        data = index.data
        how: list[str] = []
        for _ in range(draw(st.integers(1, 3))):
            kind = draw(st.sampled_from(_KINDS))
            data, note = _mutate(draw, kind, index, data)
            if note:
                how.append(note)
        return Case("mutation", data, tuple(how))

    return build()


def _mutate(draw: st.DrawFn, kind: str, index: DocIndex, data: Any) -> tuple[Any, str]:
    """Apply one mutation of ``kind`` at a drawn place; ``("", data)`` when none applies."""
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
        number = draw(st.sampled_from(EXTREME_NUMBERS))
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
