"""Two runs at once on one project: reproducers and Hypothesis's database stay whole."""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from configguard.fuzzing.reproducers import atomic_write, crash_dir
from tests.conftest import REPO

EXAMPLE = REPO / "examples" / "bot-features"


def _save_many(root: str, seed: int) -> None:
    """Rewrites the same three big reproducers again and again, as racing runs would."""
    for i in range(60):
        count = 200 + (seed + i) % 3
        text = json.dumps({"features": ["x" * 1000] * count})
        atomic_write(crash_dir(Path(root), "t") / f"{count}.json", text)


def test_atomic_reproducer_writes_under_concurrent_writers_and_readers(tmp_path: Path) -> None:
    context = multiprocessing.get_context("fork")
    writers = [context.Process(target=_save_many, args=(str(tmp_path), n)) for n in range(4)]
    for writer in writers:
        writer.start()
    folder = tmp_path / ".configguard" / "crashes" / "t"
    reads = 0
    while any(w.is_alive() for w in writers):
        for path in folder.glob("*.json") if folder.is_dir() else ():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except FileNotFoundError:
                continue
            assert len(data["features"]) in (200, 201, 202)  # never half a file
            reads += 1
        time.sleep(0.001)
    for writer in writers:
        writer.join()
        assert writer.exitcode == 0
    assert reads > 0
    assert sorted(p.name.endswith(".json") for p in folder.iterdir()) == [True] * 3  # no .tmp


def test_two_fuzz_runs_on_one_project_at_once(tmp_path: Path) -> None:
    root = tmp_path / "bot"
    shutil.copytree(EXAMPLE, root, ignore=shutil.ignore_patterns(".configguard", "__pycache__"))
    shutil.copy(root / "last-known-good" / "features" / "features.json", root / "features")
    env = {**os.environ, "NO_COLOR": "1"}
    argv = [sys.executable, "-m", "configguard", "fuzz"]
    search = ["--max-examples", "80", "--max-time", "1", "--no-headroom", "--format", "json"]
    runs = [
        subprocess.Popen(
            [*argv, "bot-features", "--seed", str(seed), *search],
            cwd=root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for seed in (1, 2)
    ]
    for run in runs:
        out, err = run.communicate(timeout=120)
        assert run.returncode == 1, err
        assert "Traceback" not in err
        assert any(f["rule"] == "latent-bug" for f in json.loads(out)["findings"])
    state = root / ".configguard"
    leftovers = [p for p in state.rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []
    reproducers = list((state / "crashes").rglob("*.json"))
    assert reproducers
    for path in reproducers:
        json.loads(path.read_text(encoding="utf-8"))  # each one whole
    replay = subprocess.run(
        [*argv, "--replay", ".configguard/crashes"],
        cwd=root,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert replay.returncode == 1, replay.stderr  # every reproducer still reproduces
