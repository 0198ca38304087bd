"""The installed command in a real process: console script, ``python -m``, exit codes, imports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

EXAMPLE = REPO / "examples" / "bot-features"


def run(*args: str, cwd: Path = EXAMPLE) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "configguard", *args],
        cwd=cwd,
        check=False,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
    )


def test_example_is_blocked_in_a_real_process() -> None:
    result = run("check", "--format", "json")
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert report["summary"]["errors"] >= 1
    assert all(f["line"] >= 1 for f in report["findings"])
    assert result.stderr == ""


def test_last_known_good_passes() -> None:
    result = run(
        "check",
        "--schema",
        "schemas/bot-features.schema.json",
        "last-known-good/features/features.json",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_bad_config_is_exit_two_without_traceback(tmp_path: Path) -> None:
    (tmp_path / "configguard.yaml").write_text("targets: {a: {files: 3}}\n")
    result = run("check", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("configguard: error: configguard.yaml:1:")
    assert "Traceback" not in result.stderr


def test_version_imports_nothing_heavy() -> None:
    code = (
        "import sys; sys.argv = ['configguard', '--version']\n"
        "from configguard.cli import run\n"
        "try:\n    run()\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('jsonschema', 'jsonschema_rs', 'hypothesis', 'rich', 'ruamel',"
        " 'yaml') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert "HEAVY []" in result.stdout, result.stdout


def test_one_json_file_check_imports_only_its_path(tmp_path: Path) -> None:
    """What pre-commit pays on every commit: no module of an option that is not in use."""
    (tmp_path / "configguard.yaml").write_text(
        "version: 1\ntargets:\n  conf: {files: ['*.json'], schema: conf.schema.json}\n"
    )
    (tmp_path / "conf.schema.json").write_text('{"type": "object"}')
    (tmp_path / "a.json").write_text('{"a": 1}')
    code = (
        "import sys\n"
        "from configguard.cli import main\n"  # run() would leave at once (configguard.fastexit)
        "try:\n    main(['check', 'a.json'])\n"
        "except SystemExit as exc:\n    print('EXIT', exc.code)\n"
        "lazy = [m for m in ('configguard.consumers', 'configguard.smoke', 'configguard.fuzzing',"
        " 'configguard.init',"
        " 'configguard.vcs', 'configguard.previous', 'configguard.summary', 'configguard.diff',"
        " 'configguard.load.toml', 'configguard.reporters.json', 'configguard.reporters.sarif',"
        " 'tomllib', 'importlib.resources', 'zipfile', 'subprocess', 'tempfile', 'shutil',"
        " 'configguard.catalog', 'ruamel', 'configguard.adopt', 'configguard.remote',"
        " 'multiprocessing', 'hypothesis', 'rich') if m in sys.modules]\n"
        "print('LAZY', lazy)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
    )
    assert "EXIT 0" in result.stdout, result.stdout + result.stderr
    assert "LAZY []" in result.stdout, result.stdout
