"""max-bytes: the file is larger than ``max`` bytes, decided before it is parsed.

The file's size is read from the file system, so a 2 GB file is refused without
being loaded (parsing YAML takes about 45 times the file's size in memory). When an
error-severity max-bytes rule fires, the file is not parsed or checked further.

Arguments: ``max``, an integer number of bytes or a size such as ``"1.5MB"``, ``"512KiB"``
(units B, KB, MB, GB in powers of 1000; KiB, MiB, GiB in powers of 1024).

Rule::

    id: features.max-size
    kind: max-bytes
    max: 30B

PASS::

    features: [ja3, ja4]

FAIL::

    features: [ja3, ja4, ua, asn, tls]
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from ..units import format_size, parse_size
from . import Kind, Rule, RuleError

if TYPE_CHECKING:
    from ..findings import Hit


class MaxBytes(Kind):
    name = "max-bytes"
    description = "The file must not be larger than a limit."
    options: ClassVar[dict[str, Any]] = {
        "max": {
            "type": ["integer", "string"],
            "description": 'bytes, or a size with a unit such as "1.5MB"',
        }
    }
    required = ("max",)
    uses_path = False
    before_parse = True

    def prepare(self, options: Mapping[str, Any]) -> int:
        try:
            return parse_size(options["max"])
        except ValueError as exc:
            raise RuleError(str(exc), "max") from None

    def check_size(self, size: int, rule: Rule, previous: int | None) -> Iterator[Hit]:
        from ..findings import Hit

        limit: int = rule.prepared
        if size > limit:
            yield Hit(
                "", f"{format_size(size)} ({size:,} bytes), at most {format_size(limit)} allowed"
            )
