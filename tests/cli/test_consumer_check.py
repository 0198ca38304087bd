"""Smoke in `configguard check`: the consumer runs on each proposed file; the consumer: block."""

from __future__ import annotations

import json
from collections.abc import Callable

from tests.conftest import Project

LOADER = """
class Refused(ValueError):
    pass


def load(data):
    if data.get("name") == "refuse":
        raise Refused("name 'refuse' is reserved")
    return data["ports"][0]
"""

CONFIG = """
version: 1
targets:
  app:
    files: ["conf/*"]
    schema: schemas/app.schema.json
    consumer:
      {consumer}
"""


def make(with_schema: Callable[..., Project], consumer: str) -> Project:
    project = with_schema()
    project.write("loader.py", LOADER)
    project.write("configguard.yaml", CONFIG.format(consumer=consumer))
    return project


def test_crash_is_a_located_consumer_crash_finding(with_schema: Callable[..., Project]) -> None:
    project = make(with_schema, "python: loader:load\n      rejects: [loader.Refused]")
    project.write("conf/ok.yaml", "name: web\nports: [80]\n")
    project.write("conf/bad.yaml", "name: web\n")
    code, report = project.json("check")
    assert code == 1
    (finding,) = report["findings"]
    assert finding["rule"] == finding["kind"] == "consumer-crash"
    assert finding["file"] == "conf/bad.yaml" and finding["line"] == 1
    assert finding["message"] == (
        "consumer loader:load crashed: KeyError: 'ports' (at loader.py:8 in load)"
    )
    assert finding["details"][0] == '  File "loader.py", line 8, in load'
    assert not (project.root / "__pycache__").exists()


def test_clean_refusal_is_reported_and_no_consumer_skips(
    with_schema: Callable[..., Project],
) -> None:
    project = make(with_schema, "python: loader:load\n      rejects: [loader.Refused]")
    project.write("conf/a.yaml", "name: refuse\nports: [80]\n")
    code, report = project.json("check")
    assert code == 1
    assert report["findings"][0]["rule"] == "consumer-rejected"
    assert "name 'refuse' is reserved" in report["findings"][0]["message"]
    code, report = project.json("check", "--no-consumer")
    assert code == 0 and report["findings"] == []


def test_command_consumer_reads_the_file(with_schema: Callable[..., Project]) -> None:
    project = make(with_schema, 'command: ["grep", "-q", "ports", "{file}"]')
    project.write("conf/ok.yaml", "name: web\nports: [80]\n")
    project.write("conf/bad.yaml", "name: web\n")
    code, report = project.json("check")
    assert code == 1
    assert [(f["file"], f["rule"]) for f in report["findings"]] == [
        ("conf/bad.yaml", "consumer-crash")
    ]
    assert "exit code 1" in report["findings"][0]["message"]


def test_stdin_command_and_declared_exit_code(with_schema: Callable[..., Project]) -> None:
    project = make(
        with_schema,
        'command: ["sh", "-c", "grep -q ports || exit 65"]\n      reject_exit_codes: [65]',
    )
    project.write("conf/bad.yaml", "name: web\n")
    code, report = project.json("check")
    assert code == 1 and report["findings"][0]["rule"] == "consumer-rejected"


def test_bad_consumer_blocks_are_exit_two(with_schema: Callable[..., Project]) -> None:
    for block, expected in (
        ('python: loader:load\n      command: ["x"]', "exactly one of 'python' or 'command'"),
        ("python: loader", "consumer.python"),
        ("python: loader:load\n      timeout: soon", "timeout: not a duration"),
        ("python: loader:load\n      memory_limit: 1KB", "memory_limit"),
        ("python: loader:load\n      retries: 3", "unknown key 'retries'"),
        ("python: nowhere:load", "cannot import nowhere"),
    ):
        project = make(with_schema, block)
        project.write("conf/a.yaml", "name: web\nports: [80]\n")
        result = project.run("check")
        assert result.exit_code == 2, (block, result.output)
        assert expected in result.stderr, (block, result.stderr)
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_consumer_block_mistakes_are_located_like_every_configuration_mistake(
    with_schema: Callable[..., Project],
) -> None:
    """configguard.yaml:LINE:COL: key: message, the file as displayed (not an absolute path)."""
    for block, expected in (
        (
            "python: loader:load\n      timeout: soon",
            "configguard.yaml:8:16: targets.app.consumer.timeout: not a duration: 'soon' "
            "(use e.g. 5s, 500ms, 2m)",
        ),
        (
            "python: loader:load\n      memory_limit: 1KB",
            "configguard.yaml:8:21: targets.app.consumer.memory_limit: a memory limit below "
            "32MB cannot start a process: '1KB'",
        ),
        (
            "python: loader:load\n      reject_exit_codes: [3]",
            "configguard.yaml:8:26: targets.app.consumer: reject_exit_codes is for command",
        ),
        (
            'python: loader:load\n      command: ["x"]',
            "configguard.yaml:7:7: targets.app.consumer: give exactly one of",
        ),
    ):
        project = make(with_schema, block)
        project.write("conf/a.yaml", "name: web\nports: [80]\n")
        result = project.run("check")
        assert result.exit_code == 2, (block, result.output)
        assert result.stderr.strip().startswith("configguard: error: " + expected), result.stderr
        assert str(project.root) not in result.stderr


def test_example_proposed_file_gives_a_consumer_crash(project: Project) -> None:
    from tests.conftest import REPO

    project._monkeypatch.chdir(REPO / "examples" / "bot-features")
    from click.testing import CliRunner

    from configguard.cli import main

    result = CliRunner().invoke(main, ["check", "--format", "json"])
    report = json.loads(result.stdout)
    crash = [f for f in report["findings"] if f["rule"] == "consumer-crash"]
    assert result.exit_code == 1
    assert crash and crash[0]["file"] == "features/features.json"
    assert "IndexError" in crash[0]["message"]
