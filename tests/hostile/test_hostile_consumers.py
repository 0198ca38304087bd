"""Consumers that attack the runner, end to end through ``check`` (the runner's own tests
cover each attack one by one in tests/unit/test_consumers.py): writing next to the
config is reported, and a check of many hostile consumers at once goes on to the end,
leaving no process behind."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from configguard import fuzz
from tests.conftest import REPO
from tests.unit.test_consumers import zombies

WRITER = """
import os, sys

def load(data):
    with open("cache.txt", "w") as fh:       # relative: the consumer's working folder
        fh.write("x")
    with open(os.path.join("conf", "copy.json"), "w") as fh:  # beside the checked file
        fh.write("{}")
    return data
"""


def test_writes_next_to_the_config_are_reported(tmp_path: Path) -> None:
    (tmp_path / "writer.py").write_text(WRITER)
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "a.json").write_text('{"n": 1}')
    (tmp_path / "configguard.yaml").write_text(
        "version: 1\ntargets:\n  app:\n    files: ['conf/a.json']\n"
        "    consumer:\n      python: writer:load\n"
    )
    import configguard

    report = configguard.check(cwd=tmp_path)
    assert len(report.findings) == 1, report.findings
    [finding] = report.findings
    assert (finding.rule, finding.severity.name, finding.file) == (
        "consumer-wrote",
        "WARNING",
        "conf/a.json",
    )
    assert finding.message == (
        "consumer writer:load wrote next to the config: created cache.txt, changed conf/, "
        "created conf/copy.json (configguard does not undo it; have the consumer write "
        "to a temporary folder)"
    )
    assert report.exit_code() == 0  # a warning: the file itself is fine


REWRITER = """
def load(data):
    with open("conf/a.json", "w") as fh:   # the very file being checked
        fh.write('{"n": 2}')
    return data
"""


def test_a_consumer_that_rewrites_the_checked_file_is_reported(tmp_path: Path) -> None:
    import configguard

    (tmp_path / "rewriter.py").write_text(REWRITER)
    (tmp_path / "conf").mkdir()
    for name in ("a.json", "b.json"):
        (tmp_path / "conf" / name).write_text('{"n": 1}')
    (tmp_path / "configguard.yaml").write_text(
        "version: 1\ntargets:\n  app:\n    files: ['conf/*.json']\n"
        "    consumer:\n      python: rewriter:load\n"
    )
    findings = configguard.check(cwd=tmp_path).findings
    # a.json changed while a.json was checked; while b.json was, a.json is rewritten with the
    # same size (and maybe the same mtime tick): only what is seen is claimed
    assert findings[0].file == "conf/a.json"
    assert "wrote next to the config: changed conf/a.json" in findings[0].message


def test_fuzz_notes_a_consumer_that_writes(tmp_path: Path) -> None:
    root = tmp_path / "bot"
    shutil.copytree(
        REPO / "examples" / "bot-features",
        root,
        ignore=shutil.ignore_patterns(".configguard", "__pycache__"),
    )
    loader = root / "botloader.py"
    loader.write_text(
        loader.read_text()
        + "\n\n_load = load\n\ndef load(data):\n"
        + "    open('scratch.out', 'w').close()\n    return _load(data)\n"
    )
    result = fuzz(cwd=root, seed=1, max_examples=5, max_time=1, headroom=False)
    notes = [n for summary in result.targets for n in summary.notes]
    assert any("wrote next to the config" in n and "scratch.out" in n for n in notes), notes


HOSTILE = {
    "hang": "import time\ndef load(data):\n    time.sleep(60)\n",
    "abort": "import os\ndef load(data):\n    os.abort()\n",
    "exit0": "import sys\ndef load(data):\n    sys.exit(0)\n",
    "memory": "def load(data):\n    b = []\n    while True:\n"
    "        b.append(bytearray(1 << 26))\n",
    "loud": "import sys\ndef load(data):\n    sys.stdout.write('x' * 5_000_000)\n"
    "    sys.stderr.write('y' * 5_000_000)\n",
    "stdin": "import sys\ndef load(data):\n    return sys.stdin.read()\n",
    "chdir": "import os\ndef load(data):\n    os.chdir('/')\n",
    "child": "import subprocess, sys\ndef load(data):\n"
    "    subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)', 'MARK'])\n",
}


def test_a_check_of_every_hostile_consumer_goes_on_and_leaves_nothing_running(
    tmp_path: Path,
) -> None:
    targets = []
    for name, code in HOSTILE.items():
        (tmp_path / f"{name}.py").write_text(code.replace("MARK", tmp_path.name))
        (tmp_path / f"{name}.json").write_text('{"n": 1}')
        targets.append(
            f"  {name}:\n    files: ['{name}.json']\n    consumer:\n      python: {name}:load\n"
            "      timeout: 500ms\n      memory_limit: 256MB\n"
        )
    (tmp_path / "configguard.yaml").write_text("version: 1\ntargets:\n" + "".join(targets))
    result = subprocess.run(
        [sys.executable, "-m", "configguard", "check", "--format", "json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    import json

    found = {f["file"]: f["message"] for f in json.loads(result.stdout)["findings"]}
    assert "Timeout" in found["hang.json"]
    assert "SIGABRT" in found["abort.json"]
    assert "sys.exit(0)" in found["exit0.json"]
    assert "Memory" in found["memory.json"] or "SIG" in found["memory.json"]
    assert {"loud.json", "stdin.json", "chdir.json", "child.json"}.isdisjoint(found)
    # the sleeper the "child" consumer started died with its process group
    sleepers = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if tmp_path.name.encode() in cmdline and b"time.sleep(600)" in cmdline:
                stat = (entry / "stat").read_text()
                if stat.rsplit(")", 1)[1].split()[0] != "Z":
                    sleepers.append(textwrap.shorten(cmdline.decode(errors="replace"), 80))
    assert sleepers == [], sleepers
    assert not zombies()
