"""no-duplicate-keys: a mapping repeats a key. On by default for every file.

JSON and YAML parsers disagree on which copy of a repeated key wins (the first, the
last, or an error), so a file with one means different things to different
consumers. The loader finds repeated keys while parsing, in JSON and YAML, and reports
each at the second copy with the first copy's line. Declaring a rule of this kind is
only needed to change its severity or give it a ``why``; ``--ignore no-duplicate-keys``
turns it off.

Rule::

    id: no-duplicate-keys
    kind: no-duplicate-keys
    severity: warning

PASS::

    name: ja3
    weight: 0.1

FAIL::

    name: ja3
    name: ja4
"""

from __future__ import annotations

from . import Kind


class NoDuplicateKeys(Kind):
    name = "no-duplicate-keys"
    description = "A mapping must not repeat a key (parsers keep one of them silently)."
    uses_path = False
    from_loader = True
