"""No network unless allowed: a remote ``$ref`` or ``$schema`` never opens a socket.

Two witnesses: Python's audit hooks (every ``socket.*`` and ``urllib.Request`` event in
configguard's process, including any library it calls), and, where strace exists, the
kernel's view of the whole process tree (which also sees native code, e.g. Rust).
A control run with ``allow_remote_refs: true`` shows the hook does see a fetch.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REMOTE_REF = {
    "type": "object",
    "properties": {"a": {"$ref": "https://schemas.example.com/defs.json#/$defs/a"}},
}
REMOTE_META = {"$schema": "https://schemas.example.com/meta", "type": "object"}
# The same remote $id, available offline in schema_dirs: resolved without the network.
DEFS = {"$id": "https://schemas.example.com/defs.json", "$defs": {"a": {"type": "integer"}}}

# Records socket and URL events; refuses them, so even the control run never goes out.
_HOOKED = """
import sys
seen = []
def hook(event, args):
    if event.startswith("socket.") or event == "urllib.Request":
        seen.append(event)
        sys.stderr.write("NETWORK " + event + "\\n")
        raise OSError("network refused by the test")
sys.addaudithook(hook)
sys.argv = ["configguard", *sys.argv[1:]]
from configguard.cli import run
run()
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "defs.json").write_text(json.dumps(DEFS))
    (tmp_path / "remote.schema.json").write_text(json.dumps(REMOTE_REF))
    (tmp_path / "meta.schema.json").write_text(json.dumps(REMOTE_META))
    (tmp_path / "x.json").write_text('{"a": "not an integer"}')
    return tmp_path


def hooked(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _HOOKED, *args],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )


def test_remote_refs_are_refused_without_opening_a_socket(project: Path) -> None:
    # a $ref that x.json reaches: a located finding; an unknown $schema: exit 2
    for schema, what, code in (
        ("remote.schema.json", "$ref", 1),
        ("meta.schema.json", "$schema", 2),
    ):
        result = hooked(project, "check", "--schema", schema, "x.json")
        assert "NETWORK" not in result.stderr
        assert result.returncode == code
        output = result.stdout + result.stderr
        assert f"{what} https://schemas.example.com/" in output
        assert "is not available offline" in output
        assert "Traceback" not in result.stderr


def test_a_remote_id_in_schema_dirs_resolves_offline(project: Path) -> None:
    result = hooked(
        project, "check", "--schema", "remote.schema.json", "--schema-dir", "schemas", "x.json"
    )
    assert "NETWORK" not in result.stderr
    assert result.returncode == 1
    assert 'is not of type "integer"' in result.stdout


def test_the_hook_does_see_a_fetch_when_remote_refs_are_allowed(project: Path) -> None:
    (project / "configguard.yaml").write_text(
        "version: 1\nallow_remote_refs: true\ntargets:\n"
        "  t:\n    files: ['x.json']\n    schema: remote.schema.json\n"
    )
    result = hooked(project, "check")
    assert "NETWORK" in result.stderr  # the witness works (and refused the connection)
    assert result.returncode == 2 and "Traceback" not in result.stderr


@pytest.mark.skipif(shutil.which("strace") is None, reason="strace is not installed")
def test_no_internet_socket_in_the_whole_process_tree(project: Path, tmp_path: Path) -> None:
    trace = tmp_path / "trace"
    for schema in ("remote.schema.json", "meta.schema.json"):
        result = subprocess.run(
            [
                *("strace", "-f", "-qq", "-e", "signal=none", "-e", "trace=socket,connect"),
                *("-o", str(trace), sys.executable, "-m", "configguard"),
                *("check", "--schema", schema, "x.json"),
            ],
            cwd=project,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        if "ptrace" in result.stderr and "Operation not permitted" in result.stderr:
            pytest.skip("ptrace is not permitted here")
        assert result.returncode in (1, 2), result.stderr
        calls = trace.read_text()
        assert "AF_INET" not in calls, calls  # AF_INET6 too
