"""Fuzz campaigns: a shared database (a real redis-server), --workers, --fail-on,
--export-corpus, and a hang that costs its timeout once."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import jsonschema_rs
import pytest

from configguard import fuzz
from tests.cli.test_fuzz import EXAMPLE, bot, invoke, latent  # noqa: F401 - the fixture

CONFIGGUARD = [sys.executable, "-m", "configguard"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    """A redis-server of our own on the loopback address, stopped at the end."""
    server = shutil.which("redis-server")
    if server is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server); skipped")
    pytest.importorskip("redis", reason="the redis client is not installed; skipped")
    port = _free_port()
    process = subprocess.Popen(
        [
            server,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(tmp_path),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.1):
                break
            time.sleep(0.05)
        else:
            pytest.skip("redis-server did not start")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def _fuzz_process(root: Path, *args: str) -> tuple[int, dict[str, object], str]:
    done = subprocess.run(
        [*CONFIGGUARD, "fuzz", "bot-features", "--no-headroom", "--format", "json", *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )
    report = json.loads(done.stdout) if done.stdout.strip().startswith("{") else {}
    return done.returncode, report, done.stderr


def _copy(root: Path, name: str) -> Path:
    other = root.parent / name
    shutil.copytree(root, other, ignore=shutil.ignore_patterns(".configguard"))
    return other


def test_two_processes_share_a_redis_database(bot: Path, redis_url: str) -> None:  # noqa: F811
    # the first runner searches (no seed: it reads and writes the database)
    code, report, err = _fuzz_process(bot, "--database", redis_url, "--max-examples", "400")
    assert code == 1, err
    assert any(f["rule"] == "latent-bug" for f in report["findings"])  # type: ignore[index, union-attr]
    # another runner, another checkout, one input of search: it replays what the first found
    other = _copy(bot, "other-runner")
    code, report, err = _fuzz_process(other, "--database", redis_url, "--max-examples", "1")
    assert code == 1, err
    bugs = [f for f in report["findings"] if f["rule"] == "latent-bug"]  # type: ignore[union-attr]
    assert bugs and "found by replay" in bugs[0]["details"][0], bugs
    # without the shared database, one input finds nothing
    lonely = _copy(bot, "lonely-runner")
    code, report, err = _fuzz_process(lonely, "--database", "private-db", "--max-examples", "1")
    assert code == 0, (err, report)


def test_two_local_workers_share_one_database(bot: Path) -> None:  # noqa: F811
    report = fuzz(
        ["bot-features"], cwd=bot, seed=1, workers=2, max_examples=300, max_time=8, headroom=False
    )
    assert latent(report), [f.message for f in report.findings]
    summary = report.targets[0]
    assert summary.workers == 2 and summary.examples >= 2
    assert (bot / ".configguard" / "hypothesis").is_dir()


HARDENING_ONLY = "def load(data):\n    return len(data['features'])\n"


def test_fail_on_and_export_corpus(bot: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    (bot / "fragile.py").write_text(HARDENING_ONLY, encoding="utf-8")
    config = bot / "configguard.yaml"
    config.write_text(
        config.read_text().replace("botloader:load", "fragile:load", 1), encoding="utf-8"
    )
    args = ("fuzz", "bot-features", "--seed", "4", "--max-examples", "300", "--no-headroom")
    code, out, _ = invoke(bot, *args, "--export-corpus", "corpus", monkeypatch=monkeypatch)
    assert "[hardening]" in out and "[latent-bug]" not in out
    assert code == 0  # hardening is a warning: not a failure by default, as in check
    code, out, _ = invoke(bot, *args, "--fail-on", "warning", monkeypatch=monkeypatch)
    assert code == 1
    exported = list((bot / "corpus" / "bot-features").glob("*.json"))
    assert len(exported) > 10
    schema = json.loads((bot / "schemas" / "bot-features.schema.json").read_text())
    validator = jsonschema_rs.validator_for(schema)
    assert all(validator.is_valid(json.loads(p.read_text())) for p in exported)


HANG = (
    "import time\n"
    "def load(data):\n"
    "    if len(data.get('features', [])) > 100:\n"
    "        while True:\n"
    "            time.sleep(0.01)\n"
)


def test_a_hang_costs_its_timeout_once(bot: Path, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    (bot / "stuck.py").write_text(HANG, encoding="utf-8")
    config = bot / "configguard.yaml"
    text = config.read_text().replace("botloader:load", "stuck:load", 1)
    config.write_text(text.replace("timeout: 5s", "timeout: 2s", 1), encoding="utf-8")
    started = time.monotonic()
    report = fuzz(["bot-features"], cwd=bot, seed=2, max_examples=10**6, max_time=6, headroom=False)
    assert any("Timeout" in f.message for f in report.findings)
    summary = report.targets[0]
    # at 2 s an attempt, a search that paid the timeout for every hang would run ~3 inputs
    assert summary.examples > 30, summary
    assert time.monotonic() - started < 30
    code, out, _ = invoke(
        bot,
        "fuzz",
        "bot-features",
        "--seed",
        "2",
        "--max-time",
        "4s",
        "--no-headroom",
        monkeypatch=monkeypatch,
    )
    assert code in (0, 1) and "  source mutation: " in out and "inputs in" in out
