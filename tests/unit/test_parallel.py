"""The process pool: a parallel run reports exactly what a serial run does.

The pool only starts above ``parallel.MIN_FILES`` files; the tests lower it (and the chunk
size) so that a small generated folder goes through real forked workers.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from configguard import parallel
from configguard.api import check
from configguard.errors import ConfigurationError
from configguard.findings import Report

pytestmark = pytest.mark.skipif(
    not parallel.can_fork(), reason="the pool forks (Linux); elsewhere runs are serial"
)

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["name"],
    "properties": {
        "name": {"type": "string", "pattern": "^[a-z]+$"},
        "replicas": {"type": "integer", "maximum": 10},
        "items": {"type": "array", "items": {"type": "object"}},
    },
}

RULES = """
version: 1
rules:
  - {id: app.unique, kind: unique, path: /items, key: name}
  - {id: app.max-items, kind: max-items, path: /items, max: 3, severity: warning}
  - {id: app.growth, kind: max-growth, metric: items, path: /items, ratio: 1.5}
"""

CONFIG = """
version: 1
targets:
  yaml: {files: ["conf/**/*.yaml"], schema: schemas/app.schema.json, rules: [rules.yaml]}
  json: {files: ["conf/**/*.json"], schema: schemas/app.schema.json, rules: [rules.yaml]}
"""


@pytest.fixture
def small_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    """Workers for as few as 2 files, 3 files per task: many chunks, real boundaries."""
    monkeypatch.setattr(parallel, "MIN_FILES", 2)
    monkeypatch.setattr(parallel, "CHUNK", 3)


def _document(rng: random.Random, i: int) -> tuple[str, Any]:
    """A config file's text: valid, invalid, repeating items or keys, or unparseable."""
    items = [{"name": rng.choice("abcdef")} for _ in range(rng.randint(0, 6))]
    data: dict[str, Any] = {"name": rng.choice(["web", "api", "Bad"]), "items": items}
    if rng.random() < 0.3:
        data["replicas"] = rng.randint(5, 15)
    roll = 0.05 if i % 13 == 5 else rng.random()  # a few parse errors in every folder
    if i % 2:
        text = json.dumps(data, indent=2)
        if roll < 0.1:
            text = text[:-2]  # cut short: a parse error
        elif roll < 0.2:
            text = text.replace('"name"', '"name": "x", "name"', 1)  # repeated key
        return ".json", text
    lines = [f"name: {data['name']}"]
    if "replicas" in data:
        lines.append(f"replicas: {data['replicas']}  # configguard: ignore[schema] ok here")
    lines.append("items:" if items else "items: []")
    lines += [f"  - name: {item['name']}" for item in items]
    text = "\n".join(lines) + "\n"
    if roll < 0.1:
        text += "items: [\n"  # unclosed: a parse error
    return ".yaml", text


def _project(root: Path, seed: int, count: int = 40) -> Path:
    rng = random.Random(seed)
    (root / "schemas").mkdir(parents=True)
    (root / "schemas" / "app.schema.json").write_text(json.dumps(SCHEMA))
    (root / "rules.yaml").write_text(RULES)
    (root / "configguard.yaml").write_text(CONFIG)
    for i in range(count):
        suffix, text = _document(rng, i)
        path = root / "conf" / f"team{i % 4}" / f"app{i:03d}{suffix}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        old = root / "previous" / path.relative_to(root)
        old.parent.mkdir(parents=True, exist_ok=True)
        roll = rng.random()
        if roll < 0.4:  # unchanged
            old.write_text(text)
        elif roll < 0.8:  # fewer items before: growth
            old.write_text(json.dumps({"name": "web", "items": [{"name": "a"}]}))
        # else: a new file
    return root


def _report(root: Path, jobs: int, **options: Any) -> Report:
    return check(cwd=root, jobs=jobs, no_consumer=True, **options)


def _same(a: Report, b: Report) -> None:
    assert a.findings == b.findings
    assert [f.source_line for f in a.findings] == [f.source_line for f in b.findings]
    assert a.files == b.files
    assert a.checked == b.checked
    assert a.changes == b.changes


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_parallel_and_serial_reports_are_identical(
    tmp_path: Path, small_pool: None, seed: int
) -> None:
    root = _project(tmp_path, seed)
    assert parallel.workers_for(40, 2) == 2
    serial = _report(root, 1)
    assert {f.kind for f in serial.findings} >= {"schema", "parse-error", "unique"}
    _same(serial, _report(root, 2))
    _same(serial, _report(root, 0))  # one per core


def test_parallel_with_a_baseline_and_summaries(tmp_path: Path, small_pool: None) -> None:
    root = _project(tmp_path, 7)
    options = {"base_path": "previous", "summarize": True}
    serial = _report(root, 1, **options)
    assert serial.changes and any(f.kind == "max-growth" for f in serial.findings)
    _same(serial, _report(root, 3, **options))


def test_a_configuration_error_in_a_worker_is_the_serial_one(
    tmp_path: Path, small_pool: None
) -> None:
    root = _project(tmp_path, 4)
    (root / "configguard.yaml").write_text(
        CONFIG + '  late: {files: ["conf/team3/*"], schema: schemas/missing.json}\n'
    )
    with pytest.raises(ConfigurationError) as serial:
        _report(root, 1)
    with pytest.raises(ConfigurationError) as pooled:
        _report(root, 2)
    assert str(pooled.value) == str(serial.value)
    assert "schema file not found" in str(serial.value)


def test_consumer_files_run_here_and_agree(tmp_path: Path, small_pool: None) -> None:
    root = _project(tmp_path, 5, count=12)
    (root / "loader.py").write_text(
        "def load(data):\n    if data.get('name') != 'web':\n        raise KeyError('web')\n"
    )
    (root / "configguard.yaml").write_text(
        CONFIG.replace(
            "rules: [rules.yaml]}\n",
            "rules: [rules.yaml], consumer: {python: 'loader:load'}}\n",
            1,
        )
    )
    serial = check(cwd=root, jobs=1)
    assert any(f.kind == "consumer-crash" for f in serial.findings)
    _same(serial, check(cwd=root, jobs=2))


def test_small_runs_and_jobs_1_stay_serial(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "MIN_FILES", 300)
    assert parallel.workers_for(299, 4) == 0
    assert parallel.workers_for(10_000, 1) == 0
    assert parallel.workers_for(300, 4) == 4
    cores = parallel.cores()
    assert parallel.workers_for(300, None) == (0 if cores < 2 else min(cores, 10))


def _work(item: int) -> int:
    if item < 0:
        raise ConfigurationError(f"item {item} refused", "f.json", 1, 2)
    return item * item


@settings(max_examples=15, deadline=None)
@given(st.lists(st.integers(min_value=-3, max_value=50), max_size=25), st.integers(1, 4))
def test_map_files_is_an_ordered_map(items: list[int], chunk: int) -> None:
    """Any items, any chunking, any local subset: the serial result or the serial error."""
    saved = parallel.MIN_FILES, parallel.CHUNK
    parallel.MIN_FILES, parallel.CHUNK = 2, chunk
    try:
        try:
            expected: Any = [_work(i) for i in items]
        except ConfigurationError as exc:
            expected = str(exc)
        try:
            got: Any = parallel.map_files(items, _work, jobs=2, local=lambda i: i % 3 == 0)
        except ConfigurationError as exc:
            got = str(exc)
    finally:
        parallel.MIN_FILES, parallel.CHUNK = saved
    assert got == expected


def test_no_fork_means_serial(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "MIN_FILES", 2)
    monkeypatch.setattr(sys, "platform", "darwin")
    assert not parallel.can_fork()
    assert parallel.workers_for(1000, 4) == 0


def _fragile(item: int) -> int:
    if item == 37:
        raise ValueError("boom")
    return item


def test_a_crash_in_any_process_stops_the_run(small_pool: None) -> None:
    """A bug in a check is not lost in a helper: it stops the run with its traceback."""
    with pytest.raises((ValueError, RuntimeError), match="boom"):
        parallel.map_files(list(range(60)), _fragile, jobs=2)
