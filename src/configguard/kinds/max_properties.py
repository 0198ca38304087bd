"""max-properties: an object at ``path`` has more than ``max`` keys.

For maps that a consumer loads into a fixed-size table (labels, headers, feature
flags). Values at ``path`` that are not objects are left to the schema.

Arguments: ``path`` (JSON Pointer, default the document), ``max`` (integer).

Rule::

    id: labels.max
    kind: max-properties
    path: /metadata/labels
    max: 2

PASS::

    metadata:
      labels: {app: web, tier: front}

FAIL::

    metadata:
      labels: {app: web, tier: front, team: edge}
"""

from __future__ import annotations

from typing import Any, ClassVar

from ._counted import LIMIT, Counted


class MaxProperties(Counted):
    name = "max-properties"
    description = "An object must not have more keys than a limit."
    options: ClassVar[dict[str, Any]] = {"max": LIMIT}
    required = ("max",)
    container = dict
    noun = "key"
    bound = "max"
