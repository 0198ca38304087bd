"""units.py: the one reading of sizes and durations, shared by max-bytes and consumers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from configguard.consumers import parse_memory_limit
from configguard.kinds.max_bytes import MaxBytes
from configguard.units import (
    format_duration,
    format_size,
    parse_duration,
    parse_size,
    percent,
    plural,
)


def test_sizes_are_si_and_iec() -> None:
    assert parse_size("1MB") == 1_000_000 and parse_size("1MiB") == 1 << 20
    assert parse_size("1.5 kB") == 1500 and parse_size("2K") == 2000 and parse_size(7) == 7
    for bad in ("1 parsec", "-1MB", "", True, -3):
        with pytest.raises(ValueError):
            parse_size(bad)


def test_max_bytes_and_memory_limit_agree_on_1mb() -> None:
    """The defect: "1MB" was 10^6 bytes in max-bytes but 2^20 in memory_limit."""
    assert MaxBytes().prepare({"max": "64MB"}) == parse_memory_limit("64MB") == 64_000_000
    assert MaxBytes().prepare({"max": "64MiB"}) == parse_memory_limit("64MiB") == 64 << 20


def test_durations() -> None:
    assert parse_duration("5s") == 5 and parse_duration("500ms") == 0.5
    assert parse_duration("2m") == 120 and parse_duration(3) == 3 and parse_duration("1h") == 3600
    for bad in ("soon", 0, -1, "0s", False):
        with pytest.raises(ValueError):
            parse_duration(bad)
    assert format_duration(0.25) == "250 ms" and format_duration(12.5) == "12.5 s"
    assert format_duration(150) == "2 min 30 s"


def test_formatting() -> None:
    assert format_size(999) == "999 B" and format_size(1_234_567) == "1.23 MB"
    assert format_size(120 * 10**12) == "120 TB"
    assert percent(0.5) == "+50%" and percent(-0.9999) == "-99.99%" and percent(0.125) == "+12.5%"
    assert plural(1, "item") == "1 item" and plural(1200, "item") == "1,200 items"
    assert plural(2, "entry", "entries") == "2 entries"


@given(st.integers(min_value=0, max_value=10**19))
def test_formatted_size_reads_back_close(size: int) -> None:
    """What configguard prints is a size it would read, within the 3 digits it shows."""
    back = parse_size(format_size(size).replace(" ", ""))  # "1.23 MB" -> "1.23MB"
    assert abs(back - size) <= max(size * 0.005, 0)
