"""Preparing one target's input sources once, before the search: the slow parts live here.

The schema strategy (hypothesis-jsonschema's ``from_schema``, with its own caches) is
built once and probed with a few draws, so a schema it cannot handle becomes a plain
note instead of a failed run; item validators and the ways to vary copies are found
once per array.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .dictionary import Dictionary
from .schema import ArraySite, InlineError, Retrieve, array_sites, inline_refs, translate
from .strategies import DocIndex, Path_, Sources, Vary, build_slots, get, make_varier, replaced


def build(
    raw_schema: Any,
    is_valid: Callable[[Any], bool] | None,
    documents: list[Any],
    cap: int,
    words: Dictionary | None = None,
    base: str = "",
    retrieve: Retrieve | None = None,
) -> Sources:
    """``is_valid``: the full schema's verdict on a whole input (None without a schema);
    ``base`` and ``retrieve``: the schema's URI and the registry, to inline its ``$ref``s."""
    notes: list[str] = []
    docs = [DocIndex.build(d) for d in documents]
    sites = array_sites(raw_schema) if isinstance(raw_schema, dict) else []

    def varier_for(site: ArraySite | None, data: Any, path: Path_) -> Vary | None:
        items = get(data, path)
        if is_valid is None or site is None:
            return make_varier(items[:3], None)
        # an item is judged in place, by the full schema (whatever its $refs), in a copy
        # of the document whose array holds just enough entries
        keep = items[1 : max(site.min_items, 1)]
        base = data

        def item_is_valid(item: Any) -> bool:
            return is_valid(replaced(base, path, lambda _old: [item, *keep]))

        if not item_is_valid(items[0]):  # the document is invalid elsewhere: no judge
            return make_varier(items[:3], None)
        return make_varier(items[:3], item_is_valid)

    slots = build_slots(docs, sites, cap, varier_for)
    schema_strategy = None
    if raw_schema is None:
        schema_strategy = _from_schema(True, notes) if not docs else None
    else:
        generating = raw_schema
        try:
            generating = inline_refs(raw_schema, base, retrieve)
        except InlineError as exc:
            notes.append(f"$refs are not inlined for generation: {exc}")
        translation = translate(generating)
        notes.extend(translation.notes)
        if translation.schema is not None:
            schema_strategy = _from_schema(translation.schema, notes)
    return Sources(docs, slots, schema_strategy, cap, notes, words or Dictionary())


def _from_schema(schema: Any, notes: list[str]) -> Any:
    """hypothesis-jsonschema's strategy, or None (and a note) when it cannot generate."""
    import warnings

    from hypothesis import HealthCheck, Phase, Verbosity, given, settings
    from hypothesis_jsonschema import from_schema

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            strategy = from_schema(schema)
    except Exception as exc:  # any refusal means "cannot generate"
        notes.append(f"inputs are not generated from the schema: {_reason(exc)}")
        return None

    @settings(
        max_examples=3,
        database=None,
        phases=[Phase.generate],
        deadline=None,
        suppress_health_check=list(HealthCheck),
        verbosity=Verbosity.quiet,
    )
    @given(strategy)
    def probe(_value: Any) -> None:
        return None

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            probe()
    except Exception as exc:
        notes.append(f"inputs are not generated from the schema: {_reason(exc)}")
        return None
    return strategy


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text[:200]}"


def shape(data: Any) -> str:
    """A one-line account of an input: its largest arrays and longest strings."""
    arrays: list[tuple[int, str]] = []
    strings: list[tuple[int, str]] = []
    stack: list[tuple[str, Any]] = [("", data)]
    seen = 0
    while stack and seen < 100_000:
        where, value = stack.pop()
        seen += 1
        if isinstance(value, list):
            arrays.append((len(value), where or "/"))
            stack.extend((f"{where}/{i}", v) for i, v in enumerate(value[:50]))
        elif isinstance(value, dict):
            stack.extend((f"{where}/{k}", v) for k, v in value.items())
        elif isinstance(value, str) and len(value) > 100:
            strings.append((len(value), where or "/"))
    parts = [f"{p}: {n} items" for n, p in sorted(arrays, key=lambda a: (-a[0], a[1]))[:2]]
    parts += [f"{p}: {n:,} characters" for n, p in sorted(strings, reverse=True)[:1]]
    if not parts:
        from .reproducers import canonical

        text = canonical(data)
        return text if len(text) <= 120 else text[:119] + "…"
    return ", ".join(parts)


MAX_DIFFERENCES = 3


def difference(data: Any, real: Sequence[Any]) -> str:
    """What a (shrunk) input changes in the nearest real file, on one line:
    ``/endpoints/api/records: true, was a list of 12 items``. Without a real file, its
    shape."""
    if not real:
        return shape(data)
    best: list[str] | None = None
    for document in real[:20]:
        found: list[str] = []
        _differ(document, data, "", found)
        if best is None or len(found) < len(best):
            best = found
        if not found:
            break
    if not best:
        return "the real file itself, unchanged"
    text = "; ".join(best[:MAX_DIFFERENCES])
    if len(best) > MAX_DIFFERENCES:
        text += "; and more"
    return text


def _differ(old: Any, new: Any, where: str, out: list[str]) -> None:
    if len(out) > MAX_DIFFERENCES or (type(old) is type(new) and old == new):
        return
    here = where or "/"
    if isinstance(old, dict) and isinstance(new, dict):
        for key in new:
            if key not in old:
                out.append(f"{where}/{_escape(key)}: {_describe(new[key])}, added")
        for key in old:
            if key not in new:
                out.append(f"{where}/{_escape(key)}: removed (was {_describe(old[key])})")
        for key in old:
            if key in new:
                _differ(old[key], new[key], f"{where}/{_escape(key)}", out)
        return
    if isinstance(old, list) and isinstance(new, list):
        if len(old) != len(new):
            repeated = len(new) > len(old) and _repeats(new, old)
            out.append(
                f"{here}: {len(new)} items, was {len(old)}"
                + (" (its entries repeated)" if repeated else "")
            )
            return  # item by item, a resized list differs everywhere: the size is the news
        for i, (a, b) in enumerate(zip(old, new, strict=False)):
            _differ(a, b, f"{where}/{i}", out)
        return
    out.append(f"{here}: {_describe(new)}, was {_describe(old)}")


def _repeats(new: list[Any], old: list[Any]) -> bool:
    """Every entry of ``new`` is one of ``old``'s (copies, not new content)."""
    from .reproducers import canonical

    known = {canonical(item) for item in old[:2000]}
    return all(canonical(item) in known for item in new[:2000])


def _escape(key: str) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")


def _describe(value: Any) -> str:
    import json

    if isinstance(value, list):
        return f"a list of {len(value)} items"
    if isinstance(value, dict):
        return f"an object of {len(value)} keys" if value else "{}"
    if isinstance(value, str) and len(value) > 40:
        return f"a string of {len(value):,} characters"
    text = json.dumps(value, ensure_ascii=False)
    if isinstance(value, float) and value.is_integer():
        text += " (a float)"
    return text if len(text) <= 60 else text[:59] + "…"
