"""max-length: a string at ``path`` is longer than ``max`` characters.

For fields a consumer copies into a fixed buffer (names, labels, header values).
Length is counted in Unicode code points, as JSON Schema's ``maxLength`` does.
Non-string values are left to the schema.

Arguments: ``path`` (JSON Pointer; ``*`` selects every key or index), ``max`` (integer).

Rule::

    id: features.name-length
    kind: max-length
    path: /features/*/name
    max: 8

PASS::

    features:
      - name: ja3_hash

FAIL::

    features:
      - name: ja3_fingerprint
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from . import Kind, Rule, parse_path, select

if TYPE_CHECKING:
    from ..findings import Hit
    from ..load import Document


class MaxLength(Kind):
    name = "max-length"
    description = "A string must not be longer than a limit."
    options: ClassVar[dict[str, Any]] = {"max": {"type": "integer", "minimum": 0}}
    required = ("path", "max")

    def prepare(self, options: Mapping[str, Any]) -> list[str]:
        return parse_path(options.get("path", ""))

    def check(self, document: Document, rule: Rule, previous: Document | None) -> Iterator[Hit]:
        from ..findings import Hit

        limit = int(rule.options["max"])
        for pointer, value in select(document.data, rule.prepared):
            if isinstance(value, str) and len(value) > limit:
                yield Hit(pointer, f"{len(value):,} characters, at most {limit:,} allowed")
