"""Preparing one target's input sources once, before the search: the slow parts live here.

The schema strategy (hypothesis-jsonschema's ``from_schema``, with its own caches) is
built once and probed with a few draws, so a schema it cannot handle becomes a plain
note instead of a failed run; item validators and the ways to vary copies are found
once per array.
"""

from __future__ import annotations

from collections.abc import Callable
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
