"""The command line leaves the last file's documents to the OS; a library caller never does."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from pathlib import Path

from configguard import fastexit
from configguard.api import check


def test_a_library_run_holds_nothing(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text('{"a": 1}')
    (tmp_path / "s.json").write_text('{"type": "object"}')
    frozen = gc.get_freeze_count()
    assert check(["a.json"], schema="s.json", cwd=tmp_path).exit_code() == 0
    assert not fastexit.holding()
    assert gc.get_freeze_count() == frozen  # the caller's objects stay collectable


def test_the_command_line_exits_fast_with_its_report_and_code(tmp_path: Path) -> None:
    """Everything written before os._exit arrives, through pipes and files alike."""
    names = [f"n{i}" for i in range(20_000)] + ["n7"]  # a repeat: exit 1, one finding
    (tmp_path / "big.json").write_text(json.dumps({"names": names}))
    (tmp_path / "configguard.yaml").write_text(
        "version: 1\ntargets:\n  big: {files: [big.json], rules: [rules.yaml]}\n"
    )
    (tmp_path / "rules.yaml").write_text(
        "version: 1\nrules:\n  - {id: names.unique, kind: unique, path: /names}\n"
    )
    done = subprocess.run(
        [sys.executable, "-m", "configguard", "check", "--format", "json", "-o", "sarif:out"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    assert [f["rule"] for f in json.loads(done.stdout)["findings"]] == ["names.unique"]
    assert json.loads((tmp_path / "out").read_text())["runs"][0]["results"]


def test_exit_now_flushes_before_leaving() -> None:
    code = "from configguard import fastexit\nprint('said', end='')\nfastexit.exit_now(3)\n"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60
    )
    assert (done.returncode, done.stdout) == (3, "said")


def test_a_command_line_run_settles_what_it_parsed(tmp_path: Path) -> None:
    """Parsed documents leave the cycle collector's sight, and are still checked alike."""
    (tmp_path / "a.json").write_text('{"a": [1, 2, 3]}')
    (tmp_path / "s.json").write_text('{"properties": {"a": {"maxItems": 2}}}')
    code = (
        "import gc, sys\n"
        "from configguard import fastexit\n"
        "from configguard.cli import main\n"
        "fastexit.enable()\n"
        "try:\n    main(['check', '--schema', 's.json', 'a.json'])\n"
        "except SystemExit as exc:\n    print('EXIT', exc.code, gc.get_freeze_count() > 0)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert "EXIT 1 True" in done.stdout, done.stdout + done.stderr
