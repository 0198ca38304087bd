"""What fuzzing reads from a schema: a draft-7 copy for hypothesis-jsonschema, the arrays
worth sizing, and validators for a whole input or one array item.

hypothesis-jsonschema knows drafts 4 to 7. Newer keywords are translated where the
meaning is kept (``$defs``, ``prefixItems``, ``dependentRequired``/``dependentSchemas``);
the rest is dropped from the *generation* copy and named in a note. That is safe:
every input is classified by the full, original schema (jsonschema-rs), so a dropped
keyword makes generation less precise, never a finding wrong.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ..locate import escape
from ..schemas import walk

DRAFT7 = "http://json-schema.org/draft-07/schema#"
# Keywords whose meaning needs evaluation state hypothesis-jsonschema does not have.
DROPPED = ("unevaluatedProperties", "unevaluatedItems", "minContains", "maxContains")
UNSUPPORTED = ("$dynamicRef", "$recursiveRef")
MAX_SITES = 32


@dataclass(frozen=True)
class Translation:
    schema: Any
    """The draft-7 copy, or None when the schema cannot drive generation at all."""
    notes: tuple[str, ...]


def translate(schema: Any) -> Translation:
    """A draft-7 copy of ``schema`` for hypothesis-jsonschema, and what it could not keep."""
    if isinstance(schema, bool):
        return Translation(schema, ())
    if not isinstance(schema, dict):
        return Translation(None, ("the schema is not an object",))
    notes: list[str] = []
    dropped: dict[str, list[str]] = {}
    blockers: list[str] = []

    def walk(node: Any, where: str) -> Any:
        if isinstance(node, list):
            return [walk(item, f"{where}/{i}") for i, item in enumerate(node)]
        if not isinstance(node, dict):
            return node
        out: dict[str, Any] = {}
        for key, value in node.items():
            here = f"{where}/{escape(key)}"
            if key in UNSUPPORTED:
                blockers.append(f"{key} at {here}")
            elif key in DROPPED:
                dropped.setdefault(key, []).append(where or "/")
            elif key == "$ref" and isinstance(value, str):
                if not value.startswith("#"):
                    blockers.append(f"$ref to another document ({value}) at {where or '/'}")
                out[key] = value.replace("#/$defs/", "#/definitions/", 1)
            elif key in ("$defs", "definitions") and isinstance(value, dict):
                merged = out.setdefault("definitions", {})
                merged.update({k: walk(v, f"{here}/{escape(k)}") for k, v in value.items()})
            elif key in ("properties", "patternProperties", "dependentSchemas") and isinstance(
                value, dict
            ):
                converted = {k: walk(v, f"{here}/{escape(k)}") for k, v in value.items()}
                if key == "dependentSchemas":
                    out.setdefault("dependencies", {}).update(converted)
                else:
                    out[key] = converted
            elif key == "dependentRequired" and isinstance(value, dict):
                out.setdefault("dependencies", {}).update(value)
            elif key == "prefixItems" and isinstance(value, list):
                out["items"] = walk(value, here)
                if "items" in node:
                    out["additionalItems"] = walk(node["items"], f"{where}/items")
            elif key == "items" and "prefixItems" in node:
                continue  # became additionalItems above
            elif key in (
                "$schema",
                "$id",
                "id",
                "$anchor",
                "$dynamicAnchor",
                "$vocabulary",
                "$comment",
            ):
                continue
            else:
                out[key] = walk(value, here)
        return out

    converted = walk(copy.deepcopy(schema), "")
    if blockers:
        return Translation(
            None,
            (
                "inputs are not generated from the schema: it uses "
                + "; ".join(sorted(set(blockers))[:3])
                + " (boundary sizes and mutations of real files still run)",
            ),
        )
    for key, places in sorted(dropped.items()):
        notes.append(
            f"{key} (at {', '.join(places[:3])}) is not used to generate inputs; inputs are "
            "still classified by the full schema"
        )
    if isinstance(converted, dict):
        converted["$schema"] = DRAFT7
    return Translation(converted, tuple(notes))


_MISSING = object()


def resolve_local(root: Any, ref: str) -> Any:
    """The schema a local ``$ref`` (``#/...``) names in ``root``, or None when it names none
    (the schemas package's resolver, shared with configguard's own configuration)."""
    try:
        return walk.resolve_local(root, ref)
    except LookupError:
        return None


def resolve(root: Any, node: Any) -> Any:
    """Follow local ``$ref``s (a few levels) to the schema that says what a value is."""
    return walk.follow_local(root, node)


MAX_REF_DEPTH = 4
"""How many times one recursive ``$ref`` is unfolded on a path before it is closed."""
MAX_INLINED_NODES = 100_000


class InlineError(Exception):
    """A ``$ref`` that cannot be inlined (unknown document, unknown pointer, too large)."""


Retrieve = Callable[[str], Any]


def inline_refs(schema: Any, base: str, retrieve: Retrieve | None) -> Any:
    """``schema`` with every ``$ref`` replaced by what it names, so hypothesis-jsonschema
    (which refuses recursive references) can generate from it.

    Recursion is unfolded ``MAX_REF_DEPTH`` times on a path and then closed with
    ``false`` (an optional recursive member is simply absent below that depth; deeper
    inputs come from splice mutations). References to other documents are read through
    ``retrieve`` (the offline registry of ``schema_dirs``) and resolved against their own
    base URI. Siblings of a ``$ref`` are kept beside it in an ``allOf``.
    """
    from urllib.parse import urldefrag, urljoin

    count = [0]

    def walk(node: Any, root: Any, here: str, stack: tuple[str, ...]) -> Any:
        count[0] += 1
        if count[0] > MAX_INLINED_NODES:
            raise InlineError("the schema is too large once its references are inlined")
        if isinstance(node, list):
            return [walk(item, root, here, stack) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if isinstance(ref, str):
            target_root, target_base = root, here
            if ref.startswith("#"):
                absolute, fragment = here + ref, ref[1:]
            else:
                absolute = urljoin(here, ref)
                document, fragment = urldefrag(absolute)
                if retrieve is None:
                    raise InlineError(f"$ref to another document ({ref})")
                try:
                    target_root = retrieve(document)
                except LookupError as exc:
                    raise InlineError(str(exc).splitlines()[0]) from None
                target_base = document
                if isinstance(target_root, dict) and isinstance(target_root.get("$id"), str):
                    target_base = urljoin(document, target_root["$id"])
            target = resolve_local(target_root, "#" + fragment)
            if target is None:
                raise InlineError(f"$ref {ref} names nothing")
            if stack.count(absolute) >= MAX_REF_DEPTH:
                inlined: Any = False
            else:
                inlined = walk(target, target_root, target_base, (*stack, absolute))
            rest = {k: v for k, v in node.items() if k != "$ref"}
            if not rest:
                return inlined
            return {"allOf": [inlined, walk(rest, root, here, stack)]}
        return {
            key: (
                value
                if key in ("$defs", "definitions", "enum", "const")
                else walk(value, root, here, stack)
            )
            for key, value in node.items()
        }

    inlined = walk(schema, schema, base, ())
    if isinstance(inlined, dict):
        inlined.pop("$defs", None)
        inlined.pop("definitions", None)
    return inlined


@dataclass(frozen=True)
class ArraySite:
    """An array the schema describes, by data path (``*`` = every index of an array)."""

    path: tuple[str, ...]
    min_items: int
    max_items: int | None
    unique: bool
    item_schema_pointer: str | None
    """Where the item schema sits in the root schema."""


def array_sites(root: Any) -> list[ArraySite]:
    """Arrays reachable through ``properties`` (and array items), nearest the top first."""
    sites: list[ArraySite] = []
    seen: set[tuple[str, ...]] = set()

    def visit(node: Any, pointer: str, path: tuple[str, ...], depth: int) -> None:
        if depth > 6 or len(sites) >= MAX_SITES:
            return
        if isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if ref.startswith("#"):
                pointer = ref[1:]
            node = resolve(root, node)
        if not isinstance(node, dict):
            return
        for key in ("allOf",):  # a common way to extend a base object
            for i, sub in enumerate(node.get(key, []) or []):
                visit(sub, f"{pointer}/{key}/{i}", path, depth + 1)
        types = node.get("type")
        is_array = (
            types == "array"
            or (isinstance(types, list) and "array" in types)
            or (
                "items" in node or "maxItems" in node or "minItems" in node or "prefixItems" in node
            )
        )
        if is_array and path not in seen:
            seen.add(path)
            items = node.get("items")
            item_pointer = f"{pointer}/items" if isinstance(items, (dict, bool)) else None
            max_items = node.get("maxItems")
            sites.append(
                ArraySite(
                    path,
                    int(node.get("minItems", 0) or 0),
                    int(max_items) if isinstance(max_items, int) else None,
                    bool(node.get("uniqueItems", False)),
                    item_pointer,
                )
            )
            if isinstance(items, dict):
                visit(items, f"{pointer}/items", (*path, "*"), depth + 1)
        properties = node.get("properties")
        if isinstance(properties, dict):
            for key, sub in properties.items():
                visit(sub, f"{pointer}/properties/{escape(key)}", (*path, key), depth + 1)

    visit(root, "", (), 0)
    sites.sort(key=lambda s: (len(s.path), s.path))
    return sites


def iter_paths(data: Any, path: tuple[str, ...]) -> Iterator[tuple[Any, ...]]:
    """Concrete paths in ``data`` matching a site path (``*`` = each index)."""
    if not path:
        yield ()
        return
    head, rest = path[0], path[1:]
    if head == "*":
        if isinstance(data, list):
            for i, item in enumerate(data[:8]):
                for tail in iter_paths(item, rest):
                    yield (i, *tail)
        return
    if isinstance(data, dict) and head in data:
        for tail in iter_paths(data[head], rest):
            yield (head, *tail)
