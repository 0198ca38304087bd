"""Reading files: in one go, bounded, and sizes known without reading when they can be."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from configguard.load import TooLarge, read_bytes
from configguard.previous import PathBaseline


def test_read_bytes_reads_whole_files_and_bounds_them(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_bytes(b"x" * 10_000)
    assert read_bytes(path) == b"x" * 10_000
    assert read_bytes(path, 10_000) == b"x" * 10_000
    with pytest.raises(TooLarge):
        read_bytes(path, 9_999)


def test_read_bytes_reads_what_stat_does_not_count() -> None:
    """/proc files say they are empty; their text is read all the same, and bounded."""
    text = read_bytes(Path("/proc/self/status"), 1 << 20)
    assert b"Name:" in text and len(text) > 100
    with pytest.raises(TooLarge):
        read_bytes(Path("/proc/self/status"), 10)


def test_path_baseline_knows_sizes_without_reading(tmp_path: Path) -> None:
    (tmp_path / "good").mkdir()
    (tmp_path / "good" / "a.json").write_bytes(b"[1, 2]")
    (tmp_path / "good" / "dir.json").mkdir()
    os.mkfifo(tmp_path / "good" / "fifo.json")
    baseline = PathBaseline(tmp_path / "good", tmp_path, tmp_path)
    assert baseline.previous_size(tmp_path / "a.json") == 6
    assert baseline.previous_size(tmp_path / "new.json") is None
    assert baseline.previous_size(tmp_path / "dir.json") is None
    assert baseline.previous_size(tmp_path / "fifo.json") is None
    single = PathBaseline(tmp_path / "good" / "a.json", tmp_path, tmp_path)
    assert single.previous_size(tmp_path / "anything.json") == 6
