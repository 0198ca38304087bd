"""Every hostile input gets a located one-line finding (or exit 2), within memory and time,
in text and in JSON; no traceback, ever."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hostile.corpus import CASES, Case, build, run


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("hostile")
    build(folder)
    yield folder
    for path in folder.rglob("*"):  # pytest keeps its last temporary folders: not these
        if path.is_file() and not path.is_symlink() and path.stat().st_size > 1 << 20:
            path.unlink()


@pytest.mark.parametrize("case", CASES, ids=[c.file for c in CASES])
def test_hostile_case_text(corpus: Path, case: Case) -> None:
    out = run(corpus, case.file, project=case.project, fault=case.fault)
    assert out.code in case.exit_codes, out.stdout + out.stderr
    assert "Traceback" not in out.stdout + out.stderr
    assert case.expect in out.stdout + out.stderr
    if out.code == 1:
        first = out.stdout.splitlines()[0]
        assert first.startswith(f"{case.file}:"), first  # file:line:col: ...
    if case.max_seconds:
        assert out.seconds < case.max_seconds, out.seconds
    assert out.peak_kib > 0, "the peak was not reported"  # e.g. a new way of exiting
    if case.max_peak_mib:
        assert out.peak_kib / 1024 < case.max_peak_mib, out.peak_kib


@pytest.mark.parametrize("case", CASES, ids=[c.file for c in CASES])
def test_hostile_case_json(corpus: Path, case: Case) -> None:
    out = run(corpus, case.file, "json", project=case.project, fault=case.fault)
    assert out.code in case.exit_codes, out.stdout + out.stderr
    report = json.loads(out.stdout)
    for finding in report["findings"]:
        assert finding["file"] == case.file
        assert finding["line"] >= 0 and finding["column"] >= 0


def test_unreadable_and_vanished_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Running as root defeats chmod 000, so the read itself is made to fail."""
    import configguard
    from configguard import load as load_module

    (tmp_path / "s.json").write_text("{}")
    (tmp_path / "locked.json").write_text("{}")

    def denied(path: Path, limit: int | None = None) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(load_module, "read_bytes", denied)
    report = configguard.check(["locked.json"], schema="s.json", cwd=tmp_path)
    [finding] = report.findings
    assert finding.rule == "parse-error"
    assert "cannot read file: Permission denied" in finding.message

    def vanished(path: Path, limit: int | None = None) -> bytes:
        raise FileNotFoundError(2, "No such file or directory")

    monkeypatch.setattr(load_module, "read_bytes", vanished)
    report = configguard.check(["locked.json"], schema="s.json", cwd=tmp_path)
    assert "No such file or directory" in report.findings[0].message


def test_a_fifo_or_endless_file_as_the_last_known_good_does_not_hang(tmp_path: Path) -> None:
    """--base-path reads the previous version under the same rules as the file itself."""
    import os
    import subprocess
    import sys

    (tmp_path / "s.json").write_text("{}")
    (tmp_path / "x.json").write_text("{}")
    os.mkfifo(tmp_path / "fifo.json")
    os.symlink("/dev/zero", tmp_path / "zero.json")
    for previous in ("fifo.json", "zero.json"):
        argv = ["check", "--schema", "s.json", "x.json", "--base-path", previous]
        done = subprocess.run(
            [sys.executable, "-m", "configguard", *argv],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr  # treated as a new file


def test_a_huge_blob_at_the_base_is_never_read_whole(tmp_path: Path) -> None:
    """--base reads the old version through a bounded pipe: over the limit, no previous."""
    import subprocess

    from configguard import vcs

    def git(*args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@t", *args],
            cwd=tmp_path,
            check=True,
            capture_output=True,
        )

    (tmp_path / "x.json").write_text('{"items": [' + ", ".join(["1"] * 1000) + "]}")
    git("init", "-q")
    git("add", "x.json")
    git("commit", "-qm", "big")
    assert vcs.read_at("HEAD", "x.json", tmp_path) is not None
    assert vcs.read_at("HEAD", "x.json", tmp_path, limit=100) is None
    assert vcs.read_at("HEAD", "missing.json", tmp_path) is None
