"""The composite GitHub Action: its definition, and its two scripts run as the runner would."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO, Project

BIN = Path(sys.executable).parent


def action() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
    return data


def test_action_is_a_composite_with_the_documented_inputs() -> None:
    data = action()
    assert data["runs"]["using"] == "composite"
    assert {
        "paths",
        "base",
        "config",
        "args",
        "summary",
        "sarif-file",
        "junit-file",
        "version",
        "python-version",
        "working-directory",
    } <= set(data["inputs"])
    assert data["inputs"]["summary"]["default"] == "true"
    assert data["inputs"]["sarif-file"]["default"] == ""  # nothing uploaded or written by default
    steps = data["runs"]["steps"]
    assert all(s.get("shell") == "bash" for s in steps if "run" in s)
    for step in steps:
        for script in re.findall(r"scripts/[\w.-]+\.sh", step.get("run", "")):
            assert (REPO / script).is_file(), script
            # every variable the script reads comes from the step's env or the runner
            used = set(
                re.findall(
                    r"\$\{?(INPUT_\w+|CONFIGGUARD_\w+|PR_\w+|PUSH_\w+)", (REPO / script).read_text()
                )
            )
            assert used <= set(step.get("env", {})), (script, used - set(step["env"]))
    # values reach the scripts through env, never pasted into the script (injection)
    for step in steps:
        assert "${{ inputs." not in step.get("run", "")


def runner_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    summary = tmp_path / "step_summary"
    summary.write_text("earlier step\n")
    return {
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
        "RUNNER_TEMP": str(tmp_path),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(tmp_path / "github_output"),
        "NO_COLOR": "1",
        **extra,
    }


def run_script(name: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", str(REPO / "scripts" / name)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_check_step_annotates_summarises_and_fails(
    with_schema: Callable[..., Project], tmp_path: Path
) -> None:
    project = with_schema()
    project.write("conf/a.yaml", "name: web\nreplicas: 12\n")
    env = runner_env(
        tmp_path, INPUT_SARIF="results.sarif", INPUT_JUNIT="junit.xml", INPUT_SUMMARY="true"
    )
    result = run_script("action-check.sh", project.root, env)
    assert result.returncode == 1, result.stderr
    assert result.stdout.startswith(
        "::error file=conf/a.yaml,line=2,col=11,title=configguard [schema]::/replicas:"
    )
    summary = Path(env["GITHUB_STEP_SUMMARY"]).read_text()
    assert summary.startswith("earlier step\n## configguard: ❌ 1 error in 1 of 1 file")
    assert Path(env["GITHUB_OUTPUT"]).read_text() == "exit-code=1\n"
    assert '"version": "2.1.0"' in (project.root / "results.sarif").read_text()
    assert 'failures="1"' in (project.root / "junit.xml").read_text()


@pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")
def test_check_step_passes_base_config_args_and_paths(tmp_path: Path) -> None:
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "configguard").write_text('#!/bin/sh\nprintf "%s\\n" "$@" > "$ARGS_FILE"\n')
    (fake / "configguard").chmod(0o755)
    env = runner_env(
        tmp_path,
        CONFIGGUARD_BASE="abc123",
        INPUT_CONFIG="ci/configguard.yaml",
        INPUT_ARGS="--fail-on warning",
        INPUT_PATHS="conf a.json",
        INPUT_SUMMARY="false",
        ARGS_FILE=str(tmp_path / "args"),
    )
    env["PATH"] = f"{fake}{os.pathsep}{env['PATH']}"
    result = run_script("action-check.sh", tmp_path, env)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "args").read_text().split("\n")[:-1] == [
        "check",
        "--format",
        "github",
        "--base",
        "abc123",
        "--config",
        "ci/configguard.yaml",
        "--fail-on",
        "warning",
        "conf",
        "a.json",
    ]


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
@pytest.mark.parametrize(
    ("inputs", "expected"),
    [
        ({"INPUT_BASE": "none", "PR_BASE_SHA": "HEAD"}, ""),
        ({"INPUT_BASE": "HEAD"}, "HEAD"),
        ({"PR_BASE_SHA": "{sha}", "PUSH_BEFORE": "{sha}"}, "{sha}"),
        ({"PUSH_BEFORE": "0" * 40}, ""),
        ({"PUSH_BEFORE": "{sha}"}, "{sha}"),
        ({}, ""),
    ],
)
def test_base_step(tmp_path: Path, inputs: dict[str, str], expected: str) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    git_env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "a",
        "GIT_AUTHOR_EMAIL": "a@b",
        "GIT_COMMITTER_NAME": "a",
        "GIT_COMMITTER_EMAIL": "a@b",
    }
    subprocess.run(["git", "init", "-q"], cwd=root, check=True, env=git_env)
    subprocess.run(
        ["git", "commit", "-q", "--allow-empty", "-m", "x"], cwd=root, check=True, env=git_env
    )
    sha = subprocess.run(
        ["git", "rev-parse", "HEAD"],
        cwd=root,
        check=True,
        env=git_env,
        capture_output=True,
        text=True,
    ).stdout.strip()
    env = runner_env(tmp_path, **{k: v.format(sha=sha) for k, v in inputs.items()})
    result = run_script("action-base.sh", root, env)
    assert result.returncode == 0, result.stderr
    assert Path(env["GITHUB_OUTPUT"]).read_text() == f"base={expected.format(sha=sha)}\n"


@pytest.mark.skipif(
    shutil.which("git") is None or shutil.which("bash") is None, reason="git and bash are needed"
)
def test_pull_request_run_compares_with_the_base_commit(tmp_path: Path) -> None:
    """Both steps as on a pull request: only changed files, and what the change does."""
    root = tmp_path / "repo"
    (root / "conf").mkdir(parents=True)
    git_env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "a",
        "GIT_AUTHOR_EMAIL": "a@b",
        "GIT_COMMITTER_NAME": "a",
        "GIT_COMMITTER_EMAIL": "a@b",
    }

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=root, check=True, env=git_env, capture_output=True, text=True
        ).stdout.strip()

    (root / "configguard.yaml").write_text('version: 1\ntargets:\n  app:\n    files: ["conf/*"]\n')
    (root / "conf/flags.json").write_text('{"flags": [{"key": "a"}, {"key": "b"}]}\n')
    (root / "conf/other.yaml").write_text("a: 1\n")
    git("init", "-q")
    git("add", "-A")
    git("commit", "-q", "-m", "base")
    base = git("rev-parse", "HEAD")
    (root / "conf/flags.json").write_text(
        '{"flags": [{"key": "a"}, {"key": "b"}, {"key": "b"}, {"key": "c"}],\n "x": 1, "x": 2}\n'
    )
    git("commit", "-q", "-am", "proposed")

    env = runner_env(tmp_path, PR_BASE_SHA=base)
    assert run_script("action-base.sh", root, env).returncode == 0
    assert Path(env["GITHUB_OUTPUT"]).read_text() == f"base={base}\n"
    env["CONFIGGUARD_BASE"] = base
    result = run_script("action-check.sh", root, env)
    assert result.returncode == 1, result.stdout + result.stderr
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::")]
    assert annotations == [
        "::error file=conf/flags.json,line=2,col=10,title=configguard [no-duplicate-keys]::"
        "/x: duplicate key 'x' (first at line 2, column 2): consumers disagree on which copy wins"
    ]
    assert result.stdout.splitlines()[-1] == "configguard: Found 1 error in 1 of 1 file."
    summary = Path(env["GITHUB_STEP_SUMMARY"]).read_text()
    assert "### What the change does" in summary
    assert "| `conf/flags.json` | modified |" in summary
    assert "`/flags`: 2 → 4 (1 added, 1 duplicated)" in summary
