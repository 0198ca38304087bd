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

import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from . import Kind, Rule, RuleError

if TYPE_CHECKING:
    from ..findings import Hit

_UNITS = {
    "": 1,
    "b": 1,
    "kb": 1000,
    "mb": 1000**2,
    "gb": 1000**3,
    "tb": 1000**4,
    "kib": 1024,
    "mib": 1024**2,
    "gib": 1024**3,
    "tib": 1024**4,
    "k": 1000,
    "m": 1000**2,
    "g": 1000**3,
}
_SIZE = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]*)\s*")


def parse_size(value: int | str) -> int:
    """Bytes in ``value`` (an int or "1.5MB"); ValueError with the reason otherwise."""
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise ValueError("a size cannot be negative")
        return value
    match = _SIZE.fullmatch(str(value))
    if not match or match.group(2).lower() not in _UNITS:
        raise ValueError(
            f"bad size {value!r}: write bytes as an integer, or a number with a unit "
            '(B, KB, MB, GB, KiB, MiB, GiB), e.g. "1.5MB"'
        )
    return int(float(match.group(1)) * _UNITS[match.group(2).lower()])


def human(size: int) -> str:
    """1234567 -> "1.23 MB" (powers of 1000, as the rule files write them)."""
    if size < 1000:
        return f"{size} B"
    value = float(size)
    for unit in ("KB", "MB", "GB", "TB"):
        value /= 1000
        if value < 1000 or unit == "TB":
            break
    return f"{value:.3g} {unit}"


class MaxBytes(Kind):
    name = "max-bytes"
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
            yield Hit("", f"{human(size)} ({size:,} bytes), at most {human(limit)} allowed")
