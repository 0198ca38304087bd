"""Reading files: in one go, bounded, and sizes known without reading when they can be."""

from __future__ import annotations

import os
from pathlib import Path
from unittest import mock

import pytest

from configguard import load as loading
from configguard.api import check
from configguard.load import TooLarge, load, read_bytes
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
    found = baseline.previous_file(tmp_path / "a.json")
    assert found == (tmp_path / "good" / "a.json", "good/a.json", 6)
    assert baseline.previous_file(tmp_path / "new.json") is None
    assert baseline.previous_file(tmp_path / "dir.json") is None
    assert baseline.previous_file(tmp_path / "fifo.json") is None
    single = PathBaseline(tmp_path / "good" / "a.json", tmp_path, tmp_path)
    assert single.previous_file(tmp_path / "anything.json") == found


@pytest.mark.parametrize("chunk", [3, 1 << 20])  # many chunks and a short last one, or one
def test_same_file_compares_without_a_second_copy(tmp_path: Path, chunk: int) -> None:
    text = b'{"names": ["a", "b", "c", "d"]}'
    current = load(_write(tmp_path / "now.json", text), "now.json")
    assert current.source is not None
    with mock.patch.object(loading, "_COMPARE_BYTES", chunk):
        assert current.source.same_file(_write(tmp_path / "same.json", text))
        assert not current.source.same_file(_write(tmp_path / "last.json", text[:-2] + b"x}"))
        assert not current.source.same_file(_write(tmp_path / "longer.json", text + b" "))
        assert not current.source.same_file(tmp_path / "missing.json")
        assert not current.source.same_file(tmp_path)
    yaml_text = load(_write(tmp_path / "a.yaml", b"a: 1\n"), "a.yaml").source
    assert yaml_text is not None and not yaml_text.same_file(tmp_path / "a.yaml")  # text only


def test_an_unchanged_copy_is_shared_not_parsed_again(tmp_path: Path) -> None:
    """--base-path to an identical copy: the documents are the proposed file's own."""
    text = '{"names": ["a", "b"]}'
    (tmp_path / "configguard.yaml").write_text(
        "version: 1\ntargets:\n  t: {files: [now.json], rules: [rules.yaml]}\n"
    )
    (tmp_path / "rules.yaml").write_text(
        "version: 1\nrules:\n  - {id: r.keep, kind: no-removal, path: /names}\n"
    )
    (tmp_path / "now.json").write_text(text)
    (tmp_path / "good.json").write_text(text)
    read_whole: list[str] = []
    original = PathBaseline.previous

    def spy(self: PathBaseline, path: Path) -> object:
        read_whole.append(path.name)
        return original(self, path)

    with mock.patch.object(PathBaseline, "previous", spy):
        assert not check(["now.json"], base_path="good.json", cwd=tmp_path).findings
        assert read_whole == []  # compared a megabyte at a time, documents shared
        (tmp_path / "good.json").write_text('{"names": ["a", "b", "c"]}')  # c removed since
        report = check(["now.json"], base_path="good.json", cwd=tmp_path)
    assert [f.rule for f in report.findings] == ["r.keep"]
    assert read_whole == ["now.json"]


def _write(path: Path, content: bytes | str) -> Path:
    if isinstance(content, str):
        content = content.encode()
    path.write_bytes(content)
    return path
