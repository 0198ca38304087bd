"""The pre-commit hook for real: a git repository, `pre-commit install`, a refused commit.

The hook is the one in ``.pre-commit-hooks.yaml`` (entry, file types, serial run), run
as a ``repo: local`` hook whose environment pre-commit builds itself by installing this
checkout, so it exercises the packaging too. Needs git and the ``pre-commit`` tool (a
test dependency) and a package index to install configguard's dependencies from.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO, SCHEMA

PRE_COMMIT = Path(sys.executable).with_name("pre-commit")


def hooks() -> dict[str, dict[str, Any]]:
    data = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    return {hook["id"]: hook for hook in data}


def test_hook_definitions() -> None:
    defined = hooks()
    assert set(defined) == {"configguard", "configguard-fuzz"}
    check = defined["configguard"]
    assert check["entry"] == "configguard check"
    assert check["language"] == "python"
    assert set(check["types_or"]) == {"json", "yaml", "toml"}
    assert check["require_serial"] is True
    assert "stages" not in check  # runs at commit time
    fuzz = defined["configguard-fuzz"]
    assert fuzz["entry"] == "configguard fuzz"
    assert fuzz["stages"] == ["manual"]
    assert fuzz["pass_filenames"] is False


@pytest.mark.skipif(not PRE_COMMIT.exists(), reason="pre-commit is not installed in this venv")
def test_pre_commit_accepts_the_manifest() -> None:
    result = subprocess.run(
        [str(PRE_COMMIT), "validate-manifest", str(REPO / ".pre-commit-hooks.yaml")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def git(root: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args], cwd=root, env=env, capture_output=True, text=True, timeout=600, check=False
    )


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@pytest.mark.skipif(not PRE_COMMIT.exists(), reason="pre-commit is not installed in this venv")
def test_commit_refused_with_the_located_finding_then_accepted(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    env = {
        "PATH": f"{PRE_COMMIT.parent}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
        "HOME": str(tmp_path),
        "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-cache"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "NO_COLOR": "1",
    }
    for name in ("PIP_INDEX_URL", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS", "PIP_CONFIG_FILE"):
        if name in os.environ:
            env[name] = os.environ[name]
    assert git(root, "init", "-q", env=env).returncode == 0
    git(root, "config", "user.email", "dev@example.com", env=env)
    git(root, "config", "user.name", "dev", env=env)
    git(root, "config", "commit.gpgsign", "false", env=env)

    hook = dict(hooks()["configguard"])
    hook["additional_dependencies"] = [str(REPO)]  # pre-commit pip-installs this checkout
    (root / ".pre-commit-config.yaml").write_text(
        yaml.safe_dump({"repos": [{"repo": "local", "hooks": [hook]}]}), encoding="utf-8"
    )
    (root / "schemas").mkdir()
    (root / "schemas/app.schema.json").write_text(json.dumps(SCHEMA), encoding="utf-8")
    (root / "configguard.yaml").write_text(
        'version: 1\ntargets:\n  app:\n    files: ["conf/*"]\n'
        "    schema: schemas/app.schema.json\n",
        encoding="utf-8",
    )
    (root / "notes.yaml").write_text("not: [claimed\n", encoding="utf-8")  # no target: skipped
    installed = subprocess.run(
        [str(PRE_COMMIT), "install"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr

    (root / "conf").mkdir()
    (root / "conf/app.yaml").write_text("name: web\nreplicas: 12\n", encoding="utf-8")
    git(root, "add", "-A", env=env)
    refused = git(root, "commit", "-m", "scale web to 12", env=env)
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0, output
    assert "configguard" in output and "Failed" in output
    assert (
        "conf/app.yaml:2:11: error [schema] /replicas: 12 is greater than the maximum of 10"
        in output
    )
    # nothing was committed
    assert git(root, "rev-parse", "--verify", "HEAD", env=env).returncode != 0

    (root / "conf/app.yaml").write_text("name: web\nreplicas: 8\n", encoding="utf-8")
    git(root, "add", "-A", env=env)
    accepted = git(root, "commit", "-m", "scale web to 8", env=env)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert "configguard" in accepted.stderr + accepted.stdout
    assert "Passed" in accepted.stderr + accepted.stdout
    log = git(root, "log", "--format=%s", env=env).stdout.split("\n")
    assert log[0] == "scale web to 8"
