"""`configguard fuzz` end to end on the bot-features incident, and consumers that attack it."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from configguard import Finding, fuzz
from configguard.cli import main
from configguard.fuzzing import FuzzReport
from configguard.testing import assert_consumer_survives
from tests.conftest import REPO

EXAMPLE = REPO / "examples" / "bot-features"
# 10,000 for the full no-false-positive run (see docs/consumers.md); bounded in `make test`
CORRECT_EXAMPLES = int(os.environ.get("CONFIGGUARD_FUZZ_EXAMPLES", "1000"))

CORRECT_LOADER = '''
TYPES = {"float", "int", "bool"}


class ConfigError(ValueError):
    pass


def load(data):
    """The loader as it should be: every bad input is refused, any size is taken."""
    if not isinstance(data, dict) or not isinstance(data.get("features"), list):
        raise ConfigError("no feature list")
    table = []
    for row in data["features"]:
        if not isinstance(row, dict):
            raise ConfigError("a feature must be an object")
        name, kind, weight = row.get("name"), row.get("type"), row.get("weight")
        if not isinstance(name, str) or not isinstance(kind, str) or kind not in TYPES:
            raise ConfigError("bad name or type")
        if isinstance(weight, bool) or not isinstance(weight, (int, float)):
            raise ConfigError("bad weight")
        table.append((name, kind, float(weight)))
    return table
'''


@pytest.fixture
def bot(tmp_path: Path) -> Path:
    """The example as it was before the incident: the deployed 61-feature file."""
    root = tmp_path / "bot"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".configguard", "__pycache__"))
    shutil.copy(
        root / "last-known-good" / "features" / "features.json", root / "features" / "features.json"
    )
    return root


def invoke(root: Path, *args: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    monkeypatch.chdir(root)
    result = CliRunner().invoke(main, list(args), env={"NO_COLOR": "1"})
    return result.exit_code, result.stdout, result.stderr


def latent(report: FuzzReport) -> list[Finding]:
    return [f for f in report.findings if f.rule == "latent-bug"]


def first_seen_seconds(details: tuple[str, ...]) -> float:
    match = re.search(r"first seen after \d+ examples, ([\d.]+)s", details[0])
    assert match, details
    return float(match.group(1))


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_latent_bug_found_for_each_seed_within_ten_seconds(bot: Path, seed: int) -> None:
    report = fuzz(
        ["bot-features"], cwd=bot, seed=seed, max_examples=400, max_time=10, headroom=False
    )
    bugs = latent(report)
    assert len(bugs) == 1, [f.message for f in report.findings]
    assert "IndexError" in bugs[0].message and "botloader.py:40 in load" in bugs[0].message
    assert first_seen_seconds(bugs[0].details) < 10
    assert report.exit_code() == 1


def test_failure_shrinks_to_the_exact_threshold_and_replays(
    bot: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, err = invoke(
        bot, "fuzz", "bot-features", "--seed", "1", "--max-examples", "400", monkeypatch=monkeypatch
    )
    assert code == 1, out + err
    assert "[latent-bug]" in out
    assert (
        "/features: now 61, consumer fails at 201 (headroom 3.3\u00d7), schema allows 1000: "
        "schema and consumer disagree" in out
    )
    assert "max: 200}" in out
    crashes = bot / ".configguard" / "crashes" / "bot-features"
    reproducers = {p: json.loads(p.read_text()) for p in crashes.glob("*.json")}
    assert any(len(data["features"]) == 201 for data in reproducers.values())
    assert not list(crashes.glob(".*.tmp"))  # atomic writes leave no temporary files
    # replay: still failing, then fixed
    code, out, _ = invoke(bot, "fuzz", "--replay", str(crashes), monkeypatch=monkeypatch)
    assert code == 1 and "still fail" in out
    loader = bot / "botloader.py"
    loader.write_text(
        loader.read_text()
        .replace("MAX_FEATURES = 200", "MAX_FEATURES = 5000")
        .replace("kind not in TYPES", "not isinstance(kind, str) or kind not in TYPES")
    )
    code, out, _ = invoke(bot, "fuzz", "--replay", str(crashes), monkeypatch=monkeypatch)
    assert code == 0, out
    assert f"{len(reproducers)} pass now" in out


def test_correct_consumer_gives_no_finding(bot: Path) -> None:
    (bot / "goodloader.py").write_text(CORRECT_LOADER, encoding="utf-8")
    config = bot / "configguard.yaml"
    config.write_text(config.read_text().replace("botloader", "goodloader"), encoding="utf-8")
    report = fuzz(
        ["bot-features"],
        cwd=bot,
        seed=7,
        max_examples=CORRECT_EXAMPLES,
        max_time=600,
        headroom=True,
    )
    assert not report.findings, [f.message for f in report.findings]
    assert report.targets[0].examples == CORRECT_EXAMPLES
    assert set(report.targets[0].by_source) >= {"mutation", "boundary", "schema", "corpus"}
    assert report.headroom[0].fails_at is None  # accepts the schema's 1000


def test_command_consumer_is_fuzzed_too(bot: Path) -> None:
    config = bot / "configguard.yaml"
    config.write_text(
        config.read_text().replace(
            "python: botloader:load\n      rejects: [botloader.ConfigError]",
            f'command: ["{sys.executable}", "botloader.py", "{{file}}"]\n'
            "      reject_exit_codes: [65]",
            1,
        ),
        encoding="utf-8",
    )
    report = fuzz(["bot-features"], cwd=bot, seed=1, max_examples=80, max_time=10, headroom=False)
    bugs = latent(report)
    assert bugs and "IndexError" in bugs[0].message, [f.message for f in report.findings]
    assert not list((bot / ".configguard" / "tmp").glob("*"))


HOSTILE_LOADERS = {
    "hang": "import time\ndef load(data):\n    if len(data.get('features', [])) > 100:\n"
    "        time.sleep(60)\n",
    "abort": "import os\ndef load(data):\n    if len(data.get('features', [])) > 100:\n"
    "        os.abort()\n",
    "exit": "import os\ndef load(data):\n    if len(data.get('features', [])) > 100:\n"
    "        os._exit(123)\n",
    "memory": "def load(data):\n    if len(data.get('features', [])) > 100:\n"
    "        chunks = []\n        while True:\n            chunks.append(bytearray(1 << 28))\n",
    "loud": "import sys\ndef load(data):\n    sys.stdout.write('x' * 2_000_000)\n"
    "    if len(data.get('features', [])) > 100:\n        raise RuntimeError('boom')\n",
}


@pytest.mark.parametrize("kind", sorted(HOSTILE_LOADERS))
def test_hostile_consumers_are_contained_and_the_run_goes_on(bot: Path, kind: str) -> None:
    (bot / "hostile.py").write_text(HOSTILE_LOADERS[kind], encoding="utf-8")
    config = bot / "configguard.yaml"
    text = config.read_text().replace("botloader:load", "hostile:load", 1)
    # filling 300MB can take longer than 300ms on a loaded machine: it would read as a hang
    timeout = "2s" if kind == "memory" else "300ms"
    text = text.replace(
        "rejects: [botloader.ConfigError]\n      timeout: 5s",
        f"timeout: {timeout}\n      memory_limit: 300MB",
        1,
    )
    config.write_text(text, encoding="utf-8")
    report = fuzz(["bot-features"], cwd=bot, seed=3, max_examples=150, max_time=3, headroom=False)
    assert report.findings, kind
    expected = {
        "hang": "Timeout",
        "abort": "SIGABRT",
        "exit": "exit code 123",
        "memory": "Memory",
        "loud": "RuntimeError",
    }[kind]
    assert any(expected in f.message for f in report.findings), [f.message for f in report.findings]
    # it went on after the first failure (a hang costs a timeout per attempt)
    assert report.targets[0].examples > (5 if kind == "hang" else 20)


def test_usage_errors_are_exit_two(bot: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, err = invoke(bot, "fuzz", "nope", monkeypatch=monkeypatch)
    assert code == 2 and "no target named 'nope'" in err
    code, _, err = invoke(bot, "fuzz", "--max-time", "soon", monkeypatch=monkeypatch)
    assert code == 2 and "--max-time" in err
    config = bot / "configguard.yaml"
    config.write_text(config.read_text().replace("botloader:load", "nowhere:load"))
    code, _, err = invoke(bot, "fuzz", "bot-features", monkeypatch=monkeypatch)
    assert code == 2 and "cannot import nowhere" in err and "Traceback" not in err
    config.write_text("version: 1\ntargets:\n  a:\n    files: ['*.json']\n")
    code, _, err = invoke(bot, "fuzz", monkeypatch=monkeypatch)
    assert code == 2 and "no target has a consumer" in err
    code, _, err = invoke(bot, "fuzz", "a", monkeypatch=monkeypatch)
    assert code == 2 and "target 'a' has no consumer" in err


def test_json_format_and_nothing_written_outside_configguard(
    bot: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def tree() -> dict[str, float]:
        return {
            str(p.relative_to(bot)): p.stat().st_mtime
            for p in bot.rglob("*")
            if ".configguard" not in p.relative_to(bot).parts
        }

    before = tree()
    code, out, _ = invoke(
        bot,
        "fuzz",
        "--seed",
        "2",
        "--max-examples",
        "200",
        "--format",
        "json",
        monkeypatch=monkeypatch,
    )
    assert code == 1
    report = json.loads(out)
    assert {f["rule"] for f in report["findings"]} >= {"latent-bug"}
    assert tree() == before  # no .hypothesis/, no __pycache__, no stray files


def test_pytest_helper(bot: Path) -> None:
    with pytest.raises(AssertionError, match=r"\[latent-bug\].*IndexError"):
        assert_consumer_survives("bot-features", cwd=bot, seed=1, max_examples=300)
    (bot / "goodloader.py").write_text(CORRECT_LOADER, encoding="utf-8")
    config = bot / "configguard.yaml"
    config.write_text(config.read_text().replace("botloader", "goodloader"), encoding="utf-8")
    report = assert_consumer_survives("bot-features", cwd=bot, seed=1, max_examples=200)
    assert report.targets[0].examples == 200


def test_check_and_version_do_not_import_hypothesis() -> None:
    code = (
        "import sys\n"
        "from configguard import check\n"
        f"check(cwd={str(EXAMPLE)!r})\n"
        "heavy = [m for m in ('hypothesis', 'hypothesis_jsonschema') if m in sys.modules]\n"
        "print('LOADED', heavy)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert "LOADED []" in result.stdout


def test_no_real_file_yet_the_schema_alone_finds_it(bot: Path) -> None:
    shutil.rmtree(bot / "features")
    # 60 inputs bound the run; the time only guards it (schema generation is the slow source)
    report = fuzz(["bot-features"], cwd=bot, seed=3, max_examples=60, max_time=10, headroom=False)
    assert "no files yet: inputs come from the schema only" in report.targets[0].notes
    assert latent(report), [f.message for f in report.findings]
