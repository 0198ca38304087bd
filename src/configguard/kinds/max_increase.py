"""max-increase: a number at ``path`` rose more than ``ratio`` or ``max_delta`` allow.

A timeout raised tenfold, a retry count from 3 to 300, a rate limit lifted by a typo:
a number that jumps in a routine change deserves a second look. ``ratio`` bounds
new / old (``1.5``: at most +50%); ``max_delta`` bounds new - old. Inside a list,
``key`` matches entries across versions by a field, so a reordering changes nothing.
``unit: bytes`` writes values as kB/MB/GB/TB. ``ratio`` is silent when the old value is 0
or negative. Silent without a previous version.

Arguments: ``path`` (JSON Pointer; ``*`` selects every key or index), ``ratio``
(number, at least 1) and/or ``max_delta`` (number), ``key``, ``unit``.

Rule::

    id: retries.jump
    kind: max-increase
    path: /services/*/retries
    key: name
    max_delta: 5

Old::

    services:
      - {name: api, retries: 3}

PASS::

    services:
      - {name: api, retries: 5}

FAIL::

    services:
      - {name: api, retries: 300}
"""

from __future__ import annotations

from typing import Any, ClassVar

from ._numbers import KEY, UNIT
from .max_decrease import NumberChange


class MaxIncrease(NumberChange):
    name = "max-increase"
    description = "A number must not rise by more than a limit from the previous version."
    options: ClassVar[dict[str, Any]] = {
        "ratio": {"type": "number", "minimum": 1, "description": "new / old at most"},
        "max_delta": {"type": "number", "minimum": 0, "description": "new - old at most"},
        "key": KEY,
        "unit": UNIT,
    }
    direction = 1
