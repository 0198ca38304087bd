"""The consumer runner: outcomes, and consumers that attack it (each contained and reported)."""

from __future__ import annotations

import os
import sys
import textwrap
import time
from pathlib import Path

import pytest

from configguard.consumers import (
    ConsumerSpec,
    PythonRunner,
    open_runner,
    parse_memory_limit,
    spec_from_config,
)
from configguard.errors import ConfigurationError

HOSTILE = """
import os, subprocess, sys, time

class Refused(ValueError):
    pass

def accept(data):
    return data

def refuse(data):
    raise Refused("bad input")

def key_error(data):
    return data["missing"]

def hang(data):
    while True:
        time.sleep(0.01)

def abort(data):
    os.abort()

def memory_bomb(data):
    chunks = []
    while True:
        chunks.append(bytearray(64 << 20))

def exit_code(data):
    os._exit(37)

def sys_exit(data):
    sys.exit(0)

def loud(data):
    sys.stdout.write("o" * 3_000_000)
    sys.stderr.write("e\\n" * 1_000_000)
    return 1

def loud_crash(data):
    sys.stderr.write("x" * 3_000_000)
    raise RuntimeError("after the noise")

def stdin_forever(data):
    return sys.stdin.read()

def leave_child(data):
    subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    return 1

def chdir(data):
    os.chdir("/")

def cwd(data):
    if os.getcwd() != data["expect"]:
        raise RuntimeError("moved to " + os.getcwd())

def pid(data):
    print(os.getpid())

def size_limit(data):
    if len(data["items"]) > 3:
        raise IndexError("too many items")
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "hostile.py").write_text(textwrap.dedent(HOSTILE), encoding="utf-8")
    return tmp_path


def python(root: Path, function: str, **options: object) -> ConsumerSpec:
    return ConsumerSpec(
        root=root, python=f"hostile:{function}", rejects=("hostile.Refused",), **options
    )  # type: ignore[arg-type]


def command(root: Path, *argv: str, **options: object) -> ConsumerSpec:
    return ConsumerSpec(root=root, command=argv, **options)  # type: ignore[arg-type]


def zombies() -> list[str]:
    """Our own children that exited and were never reaped."""
    me = os.getpid()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if fields[0] == "Z" and int(fields[1]) == me:
            found.append(stat)
    return found


def test_accepted_rejected_and_crash(root: Path) -> None:
    with open_runner(python(root, "accept")) as runner:
        assert runner.run({"a": 1}).status == "accepted"
    with open_runner(python(root, "refuse")) as runner:
        outcome = runner.run({})
        assert outcome.status == "rejected"
        assert outcome.type == "hostile.Refused" and outcome.message == "bad input"
    with open_runner(python(root, "key_error")) as runner:
        outcome = runner.run({})
    assert outcome.crashed and outcome.type == "KeyError"
    assert outcome.where == "hostile.py:14 in key_error"
    assert '  File "hostile.py", line 14, in key_error' in outcome.tail
    assert outcome.summary() == "KeyError: 'missing' (at hostile.py:14 in key_error)"


def test_worker_is_reused_across_inputs_and_after_exceptions(root: Path) -> None:
    with open_runner(python(root, "size_limit")) as runner:
        assert isinstance(runner, PythonRunner)
        assert runner.run({"items": [1]}).status == "accepted"
        first = runner._process
        assert runner.run({"items": [1] * 5}).crashed
        assert runner.run({"items": [1]}).status == "accepted"
        assert runner._process is first


def test_hang_is_a_timeout_and_the_next_input_runs(root: Path) -> None:
    with open_runner(python(root, "hang", timeout=0.5)) as runner:
        started = time.monotonic()
        outcome = runner.run({})
        assert time.monotonic() - started < 5
        assert outcome.crashed and outcome.kind == "timeout"
        assert "no answer within 0.5s" in outcome.summary()
        assert runner.run({}).kind == "timeout"  # a fresh worker, timed out again
    assert not zombies()


def test_abort_is_a_signal_crash(root: Path) -> None:
    with open_runner(python(root, "abort")) as runner:
        outcome = runner.run({})
        assert outcome.crashed and outcome.kind == "signal" and outcome.type == "SIGABRT"
        assert runner.run({}).type == "SIGABRT"
    assert not list(root.glob("core*"))  # no core dump beside the config
    assert not zombies()


def test_memory_exhaustion_is_contained(root: Path) -> None:
    with open_runner(python(root, "memory_bomb", memory_limit=256 << 20, timeout=20)) as runner:
        outcome = runner.run({})
    assert outcome.crashed
    assert outcome.kind in ("memory", "signal"), outcome
    assert not zombies()


def test_exit_code_and_sys_exit_are_crashes(root: Path) -> None:
    with open_runner(python(root, "exit_code")) as runner:
        outcome = runner.run({})
        assert outcome.crashed and outcome.kind == "died" and outcome.type == "exit code 37"
    with open_runner(python(root, "sys_exit")) as runner:
        outcome = runner.run({})
        assert outcome.crashed and outcome.type == "SystemExit"
        assert "sys.exit(0)" in outcome.message


def test_megabytes_of_output_neither_block_nor_fill_memory(root: Path) -> None:
    with open_runner(python(root, "loud", timeout=20)) as runner:
        assert runner.run({}).status == "accepted"
    with open_runner(python(root, "loud_crash", timeout=20)) as runner:
        outcome = runner.run({})
    assert outcome.crashed and outcome.type == "RuntimeError"
    assert sum(len(line) for line in outcome.tail) < 20_000


def test_stdin_is_closed_and_cwd_is_restored(root: Path) -> None:
    with open_runner(python(root, "stdin_forever", timeout=5)) as runner:
        assert runner.run({}).status == "accepted"
    spec = ConsumerSpec(root=root, python="hostile:chdir")
    check = ConsumerSpec(root=root, python="hostile:cwd")
    with open_runner(spec) as runner:
        runner.run({})
    with open_runner(check) as runner:
        assert runner.run({"expect": str(root)}).status == "accepted"


def test_children_left_behind_die_with_the_group(root: Path) -> None:
    with open_runner(python(root, "leave_child")) as runner:
        assert runner.run({}).status == "accepted"
        group = runner._process.pid if isinstance(runner, PythonRunner) and runner._process else 0
    time.sleep(0.2)
    alive = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getpgid(int(entry.name)) == group:
                    state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
                    if state != "Z":
                        alive.append(entry.name)
            except (OSError, ProcessLookupError):
                continue
    assert not alive
    assert not zombies()


def test_import_problems_are_configuration_errors(root: Path) -> None:
    with pytest.raises(ConfigurationError, match="cannot import nowhere"):
        open_runner(ConsumerSpec(root=root, python="nowhere:load")).run({})
    with pytest.raises(ConfigurationError, match="has no 'missing'"):
        open_runner(ConsumerSpec(root=root, python="hostile:missing")).run({})
    with pytest.raises(ConfigurationError, match=r"rejects: cannot find hostile\.Nope"):
        open_runner(
            ConsumerSpec(root=root, python="hostile:accept", rejects=("hostile.Nope",))
        ).run({})


def test_commands(root: Path) -> None:
    scratch = root / ".configguard" / "tmp"
    py = sys.executable
    cases = {
        "accepted": command(root, "sh", "-c", "cat > /dev/null"),
        "rejected": command(root, "sh", "-c", "exit 65", reject_exit_codes=(65,)),
        "exit": command(root, "sh", "-c", "echo broken >&2; exit 3"),
        "signal": command(root, "sh", "-c", "kill -ABRT $$"),
        "timeout": command(root, "sleep", "30", timeout=0.5),
        "traceback": command(root, py, "-c", "import sys; sys.stdin.read(); raise ValueError('x')"),
        "file": command(root, "grep", "-q", "needle", "{file}"),
        "loud": command(root, "sh", "-c", "head -c 5000000 /dev/zero; exit 4"),
        "child": command(root, "sh", "-c", "sleep 600 & exit 0"),
    }
    results = {}
    for name, spec in cases.items():
        with open_runner(spec, scratch) as runner:
            started = time.monotonic()
            results[name] = runner.run({"needle": 1})
            assert time.monotonic() - started < 5, name
    assert results["accepted"].status == "accepted"
    assert results["rejected"].status == "rejected"
    assert results["exit"].crashed and results["exit"].type == "exit code 3"
    assert "broken" in results["exit"].tail
    assert results["signal"].type == "SIGABRT"
    assert results["timeout"].kind == "timeout"
    assert results["traceback"].type == "ValueError"
    assert results["file"].status == "accepted"  # {file} was replaced by a real path
    assert results["loud"].type == "exit code 4"
    assert results["child"].status == "accepted"
    assert not list(scratch.glob("*"))  # temporary inputs removed
    assert not zombies()


def test_missing_command_is_a_configuration_error(root: Path) -> None:
    with pytest.raises(ConfigurationError, match="cannot be started"):
        open_runner(command(root, "/nonexistent/consumer")).run({})


def test_option_parsing() -> None:
    # the one size parser of units.py: MB is 10^6 bytes, MiB 2^20, here as in max-bytes
    assert parse_memory_limit("512MB") == 512_000_000 and parse_memory_limit("1GiB") == 1 << 30
    assert parse_memory_limit(None) is None and parse_memory_limit("none") is None
    with pytest.raises(ValueError):
        parse_memory_limit("1KB")
    with pytest.raises(ConfigurationError, match="exactly one of 'python' or 'command'"):
        spec_from_config({"python": "a:b", "command": ["x"]}, Path(), "targets.t.consumer")
    with pytest.raises(ConfigurationError, match="reject_exit_codes is for command"):
        spec_from_config({"python": "a:b", "reject_exit_codes": [3]}, Path(), "t")
