"""required: an object at ``path`` lacks one of ``keys``, or holds it as null or empty.

A schema's ``required`` accepts ``owner: ""`` and ``owner: null``; a consumer that
needs an owner usually does not. Absent keys, ``null``, ``""``, ``[]`` and ``{}`` all
fire. When ``path`` (without ``*``) does not exist at all, the finding names the first
missing part. Values at ``path`` that are not objects are left to the schema.

Arguments: ``path`` (JSON Pointer, default the document), ``keys`` (list of strings).

Rule::

    id: service.owner
    kind: required
    path: /metadata
    keys: [owner, runbook]

PASS::

    metadata: {owner: edge-team, runbook: https://runbooks/edge}

FAIL::

    metadata: {owner: "", runbook: https://runbooks/edge}
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from ..locate import escape
from . import Kind, Rule, first_missing, parse_path, select

if TYPE_CHECKING:
    from ..findings import Hit
    from ..load import Document


class Required(Kind):
    name = "required"
    description = "An object must have the listed keys, not null or empty."
    options: ClassVar[dict[str, Any]] = {
        "keys": {
            "type": "array",
            "minItems": 1,
            "items": {"type": "string"},
            "description": "keys that must be present and not null or empty",
        }
    }
    required = ("keys",)

    def prepare(self, options: Mapping[str, Any]) -> list[str]:
        return parse_path(options.get("path", ""))

    def check(self, document: Document, rule: Rule, previous: Document | None) -> Iterator[Hit]:
        from ..findings import Hit

        tokens: list[str] = rule.prepared
        keys: list[str] = list(rule.options["keys"])
        found = False
        for pointer, value in select(document.data, tokens):
            found = True
            if not isinstance(value, dict):
                continue
            for key in keys:
                at = f"{pointer}/{escape(key)}"
                if key not in value:
                    yield Hit(at, f"missing required key {key!r}")
                elif value[key] is None:
                    yield Hit(at, f"required key {key!r} is null")
                elif value[key] in ("", [], {}):
                    yield Hit(at, f"required key {key!r} is empty")
        if not found and "*" not in tokens:
            missing = first_missing(document.data, tokens)
            if missing is not None:
                yield Hit(missing, f"{missing} is missing, so it cannot hold {', '.join(keys)}")
