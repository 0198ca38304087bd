"""novel-values: a value at ``path`` that no previous version had there: a first use.

Several outages were changes that were new rather than big. CrowdStrike's channel file
291 (19 July 2024) was the first to put a concrete value in the 21st field, where every
earlier file had a wildcard; Google Cloud's 12 June 2025 policy row was the first to use
a new column; Cloudflare's 5 December 2025 file held a combination of ``action`` and kill
switch that no earlier file contained. Each value was valid; none had ever been
exercised. A first use deserves a canary, not always a block: the default severity is
``warning``.

Values are compared as JSON (``1`` equals ``1.0``, ``true`` is not ``1``) with every
value selected at ``path`` in the previous version (``*`` matches any key or index, so a
value seen in another entry is not new). ``key`` (a field or list of fields) looks at the
entries at ``path`` (objects, or the objects of a list) and fires for a combination never
seen together, even when each value alone was. ``keys-only: true`` fires for an object
key never seen at ``path`` (a new column). ``ignore`` lists values that are never novel
(defaults, placeholders). ``history: N`` compares with the union of the last N versions
(with ``--base``, from git; with a ``--base-path`` snapshots folder, from its snapshots);
``--history N`` sets it for every rule that does not. A value new in several places is
reported once, where it first appears. Silent without a previous version.

Arguments: ``path`` (JSON Pointer; ``*`` selects every key or index), ``key``,
``keys-only`` (boolean), ``ignore`` (list of values), ``history`` (integer, default 1).

Rule::

    id: channel.first-use
    kind: novel-values
    path: /instances/*/criteria/20

Old::

    instances:
      - {criteria: [a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q, r, s, t, "*"]}

PASS::

    instances:
      - {criteria: [a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q, r, s, t, "*"]}
      - {criteria: [u, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q, r, s, t, "*"]}

FAIL::

    instances:
      - {criteria: [a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q, r, s, t, "\\\\Device\\\\*"]}
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from ..canonical import canonical
from . import Kind, Rule, RuleError, describe, parse_path, select

if TYPE_CHECKING:
    from ..findings import Hit
    from ..load import Document

SHOWN = 5
"""How many previously seen values a finding lists."""
_ABSENT = "\x01absent"


@dataclass(frozen=True)
class Prepared:
    tokens: list[str]
    keys: tuple[str, ...]
    keys_only: bool
    ignore: frozenset[str]
    history: int | None


class NovelValues(Kind):
    name = "novel-values"
    description = "A value never seen at this place in earlier versions is a first use (canary it)."
    options: ClassVar[dict[str, Any]] = {
        "key": {
            "oneOf": [
                {"type": "string", "minLength": 1},
                {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}},
            ],
            "description": "field (or fields, together) of the entries at path whose "
            "combination must have been seen",
        },
        "keys-only": {"type": "boolean", "description": "look at object keys, not values"},
        "ignore": {"type": "array", "description": "values that are never novel"},
        "history": {
            "type": "integer",
            "minimum": 1,
            "maximum": 1000,
            "description": "compare with the union of the last N versions (default 1)",
        },
    }
    change = True
    default_severity: ClassVar[str] = "warning"

    def prepare(self, options: Mapping[str, Any]) -> Prepared:
        key = options.get("key", ())
        keys = (key,) if isinstance(key, str) else tuple(key)
        keys_only = bool(options.get("keys-only", False))
        if keys and keys_only:
            raise RuleError("key and keys-only ask different questions: give one", "keys-only")
        ignore = options.get("ignore", [])
        if keys_only:
            if not all(isinstance(v, str) for v in ignore):
                raise RuleError("with keys-only, ignore lists key names (strings)", "ignore")
            ignored = frozenset(canonical(v) for v in ignore)
        elif len(keys) > 1:
            if not all(isinstance(v, list) and len(v) == len(keys) for v in ignore):
                raise RuleError(
                    f"with {len(keys)} keys, each ignore entry is a list of {len(keys)} values",
                    "ignore",
                )
            ignored = frozenset(_combination(dict(zip(keys, v, strict=True)), keys) for v in ignore)
        else:
            ignored = frozenset(canonical(v) for v in ignore)
        return Prepared(
            parse_path(options.get("path", "")), keys, keys_only, ignored, options.get("history")
        )

    def check(self, document: Document, rule: Rule, previous: Document | None) -> Iterator[Hit]:
        from .. import history
        from ..findings import Hit

        if previous is None:
            return
        prepared: Prepared = rule.prepared
        depth = history.iter_depth(prepared.history)
        versions = [previous.data, *history.current().older(document, depth)]
        seen: dict[str, Any] = {}
        for data in versions:
            for _, label, value in _items(data, prepared):
                seen.setdefault(label, value)
        reported: set[str] = set()
        elsewhere: dict[str, int] = {}
        found: list[tuple[str, str, Any, bool]] = []
        for pointer, label, value in _items(document.data, prepared):
            if label in seen or label in prepared.ignore:
                continue
            if label in reported:
                elsewhere[label] += 1
                continue
            reported.add(label)
            elsewhere[label] = 0
            found.append((pointer, label, value, prepared.keys_only))
        where = (
            "the previous version" if len(versions) == 1 else f"the last {len(versions)} versions"
        )
        for pointer, label, value, at_key in found:
            more = elsewhere[label]
            also = f" (and {more:,} more place{'s' if more > 1 else ''})" if more else ""
            yield Hit(
                pointer,
                f"{_what(value, prepared)} is new{also}; {_before(seen, where, prepared, value)}",
                at_key=at_key,
            )


def _combination(entry: dict[str, Any], keys: tuple[str, ...]) -> str:
    return canonical([entry.get(k, _ABSENT) for k in keys])


def _items(data: Any, prepared: Prepared) -> Iterator[tuple[str, str, Any]]:
    """(pointer, canonical label, value shown) of everything compared across versions."""
    from ..locate import escape

    for pointer, value in select(data, prepared.tokens):
        if prepared.keys_only:
            if isinstance(value, dict):
                for k in value:
                    yield f"{pointer}/{escape(k)}", canonical(k), k
        elif prepared.keys:
            entries = (
                [(pointer, value)]
                if isinstance(value, dict)
                else [(f"{pointer}/{i}", v) for i, v in enumerate(value)]
                if isinstance(value, list)
                else []
            )
            for at, entry in entries:
                if isinstance(entry, dict) and any(k in entry for k in prepared.keys):
                    combo = {k: entry[k] for k in prepared.keys if k in entry}
                    yield at, _combination(entry, prepared.keys), combo
        else:
            yield pointer, canonical(value), value


def _what(value: Any, prepared: Prepared) -> str:
    if prepared.keys_only:
        return f"the key {describe(value)}"
    if prepared.keys:
        shown = ", ".join(
            f"{k}={describe(value[k], 30)}" if k in value else f"{k} absent" for k in prepared.keys
        )
        return f"the combination {shown}" if len(prepared.keys) > 1 else shown
    return describe(value)


def _before(seen: dict[str, Any], where: str, prepared: Prepared, value: Any) -> str:
    if not seen:
        return f"{where} had nothing at this path"
    values = list(seen.values())
    if prepared.keys and len(prepared.keys) > 1 and isinstance(value, dict):
        alone = [
            k
            for k in prepared.keys
            if k in value and any(k in v and canonical(v[k]) == canonical(value[k]) for v in values)
        ]
        if len(alone) == len(prepared.keys):
            return f"each value was seen in {where}, never together"
    shown = [_what(v, prepared) if prepared.keys else describe(v, 30) for v in values[:SHOWN]]
    more = f" and {len(values) - SHOWN:,} more" if len(values) > SHOWN else ""
    only = "only " if len(values) <= SHOWN else ""
    return f"{where} had {only}{', '.join(shown)}{more}"
