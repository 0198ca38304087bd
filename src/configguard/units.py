"""Sizes, durations, ratios and plurals: the one parser and formatter of each.

Sizes are written the way the SI and IEC write them, everywhere configguard reads one
(``max-bytes``, a consumer's ``memory_limit``): ``B``, ``KB``/``kB``, ``MB``, ``GB``, ``TB``
are powers of 1000 and ``KiB``, ``MiB``, ``GiB``, ``TiB`` powers of 1024; a bare ``K``,
``M``, ``G`` means the power of 1000. Durations are ``500ms``, ``5s``, ``2m``, ``1h`` or a
number of seconds. Imports nothing of configguard.
"""

from __future__ import annotations

import re
from typing import Any

_SIZE_UNITS = {
    "": 1,
    "b": 1,
    "k": 1000,
    "kb": 1000,
    "m": 1000**2,
    "mb": 1000**2,
    "g": 1000**3,
    "gb": 1000**3,
    "t": 1000**4,
    "tb": 1000**4,
    "pb": 1000**5,
    "kib": 1024,
    "mib": 1024**2,
    "gib": 1024**3,
    "tib": 1024**4,
}
_SIZE = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([A-Za-z]*)\s*")
_DURATION = re.compile(r"\s*([0-9]+(?:\.[0-9]+)?)\s*(ms|s|m|h)?\s*")
_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


def parse_size(value: Any) -> int:
    """Bytes in ``value`` (an integer, or a number with a unit such as ``"1.5MB"``).

    ValueError with a message fit for the user otherwise (negative, unknown unit, a bool).
    """
    if isinstance(value, bool):
        raise ValueError(f"not a size: {value!r}")
    if isinstance(value, int):
        if value < 0:
            raise ValueError("a size cannot be negative")
        return value
    match = _SIZE.fullmatch(str(value))
    if not match or match.group(2).lower() not in _SIZE_UNITS:
        raise ValueError(
            f"bad size {value!r}: write bytes as an integer, or a number with a unit "
            '(B, KB, MB, GB in powers of 1000; KiB, MiB, GiB in powers of 1024), e.g. "1.5MB"'
        )
    return int(float(match.group(1)) * _SIZE_UNITS[match.group(2).lower()])


def format_size(size: int) -> str:
    """1234567 -> "1.23 MB" (powers of 1000, as sizes are written in rule files)."""
    if size < 1000:
        return f"{size} B"
    value, unit = float(size), "B"
    for name in ("KB", "MB", "GB", "TB", "PB"):
        value, unit = value / 1000, name
        if float(f"{value:.3g}") < 1000:  # 999,999 B is "1 MB", not "1e+03 KB"
            break
    return f"{value:.3g} {unit}" if value < 1000 else f"{value:.0f} {unit}"


def parse_duration(value: Any) -> float:
    """Seconds in ``value``: ``5s``, ``500ms``, ``2m``, ``1h`` or a positive number."""
    if isinstance(value, bool):
        raise ValueError(f"not a duration: {value!r}")
    if isinstance(value, (int, float)):
        seconds = float(value)
    else:
        match = _DURATION.fullmatch(str(value))
        if not match:
            raise ValueError(f"not a duration: {value!r} (use e.g. 5s, 500ms, 2m)")
        seconds = float(match.group(1)) * _SECONDS[match.group(2) or "s"]
    if not seconds > 0:
        raise ValueError(f"a duration must be positive, not {value!r}")
    return seconds


def format_duration(seconds: float) -> str:
    """0.25 -> "250 ms", 12.3 -> "12.3 s", 150 -> "2 min 30 s"."""
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 60:
        return f"{seconds:.3g} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest} s" if rest else f"{minutes} min"


def percent(fraction: float) -> str:
    """0.5 -> "+50%", -0.9999 -> "-99.99%": whole percentages without decimals, and as
    many decimals as it takes not to round a change to nothing or to all."""
    value = fraction * 100
    whole = round(value)
    if abs(value - whole) < 0.05 and (whole not in (0, -100) or value == whole):
        return f"{value:+.0f}%"
    for digits in (1, 2):
        text = f"{value:+.{digits}f}%"
        if float(text[:-1]) not in (0.0, -100.0):
            return text
    return f"{value:+.3f}%"


def plural(n: int, word: str, many: str | None = None) -> str:
    """``plural(1, "item")`` -> "1 item", ``plural(1200, "item")`` -> "1,200 items"."""
    return f"{n:,} {word if n == 1 else many or word + 's'}"
