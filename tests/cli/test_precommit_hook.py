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


# Each catalog hook: a path it must take, one it must leave, as pre-commit passes them.
CATALOG_HOOKS = {
    "configguard-github-workflows": (".github/workflows/ci.yml", ".github/ci.yml"),
    "configguard-github-actions": ("tools/lint/action.yaml", "action.json"),
    "configguard-dependabot": (".github/dependabot.yml", "dependabot.yml"),
    "configguard-renovate": (".github/renovate.json", "x/renovate.json"),
    "configguard-drone-ci": (".drone.yml", "ci/.drone.yml"),
    "configguard-travis": (".travis.yml", ".travis.json"),
    "configguard-circle-ci": (".circleci/config.yml", "config.yml"),
    "configguard-cloudbuild": ("cloudbuild.yaml", "build/cloudbuild.txt"),
    "configguard-codecov": ("codecov.yml", "coverage.yml"),
    "configguard-github-issue-forms": (
        ".github/ISSUE_TEMPLATE/bug.yml",
        ".github/ISSUE_TEMPLATE/config.yml",
    ),
    "configguard-github-issue-config": (".github/ISSUE_TEMPLATE/config.yml", ".github/config.yml"),
    "configguard-pre-commit-config": (".pre-commit-config.yaml", ".pre-commit-hooks.yaml"),
    "configguard-helm-chart": ("charts/web/Chart.yaml", "Chart.lock"),
    "configguard-kustomization": ("base/kustomization.yaml", "kustomize.yaml"),
    "configguard-package-json": ("web/package.json", "package-lock.json"),
    "configguard-tsconfig": ("tsconfig.build.json", "jsconfig.json"),
}


def test_catalog_hooks_name_vendored_schemas_and_the_files_the_catalog_matches() -> None:
    import re

    from configguard.catalog import catalog

    defined = hooks()
    assert {h for h in defined if h not in ("configguard", "configguard-fuzz")} == set(
        CATALOG_HOOKS
    )
    for hook_id, (taken, left) in CATALOG_HOOKS.items():
        hook = defined[hook_id]
        prefix = "configguard check --builtin-schema "
        assert hook["entry"].startswith(prefix), hook_id
        entry = catalog().find(hook["entry"][len(prefix) :])
        assert entry.file is not None, hook_id  # vendored: never fetched
        assert re.search(hook["files"], taken), (hook_id, taken)
        assert not re.search(hook["files"], left), (hook_id, left)
        found = catalog().match(taken)
        assert found is not None and found.entry.file == entry.file, (hook_id, found)
        assert hook["require_serial"] is True and hook["language"] == "python"


def test_hook_definitions() -> None:
    defined = hooks()
    assert {"configguard", "configguard-fuzz"} <= set(defined)
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
    # a catalog hook, in the same environment (same dependencies: installed once)
    workflows = dict(hooks()["configguard-github-workflows"])
    workflows["additional_dependencies"] = [str(REPO)]
    (root / ".pre-commit-config.yaml").write_text(
        yaml.safe_dump({"repos": [{"repo": "local", "hooks": [hook, workflows]}]}),
        encoding="utf-8",
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
    (root / ".github/workflows").mkdir(parents=True)
    workflow = root / ".github/workflows/ci.yml"
    workflow.write_text("on: push\njobs:\n  t:\n    runs-on: linux\n    steps: 3\n")
    git(root, "add", "-A", env=env)
    refused = git(root, "commit", "-m", "scale web to 12", env=env)
    output = refused.stdout + refused.stderr
    assert refused.returncode != 0, output
    assert "configguard" in output and "Failed" in output
    assert (
        "conf/app.yaml:2:11: error [schema] /replicas: 12 is greater than the maximum of 10"
        in output
    )
    assert "Validate GitHub Workflows" in output
    assert ".github/workflows/ci.yml:5:12: error [schema] /jobs/t/steps: 3 is not of type" in output
    # nothing was committed
    assert git(root, "rev-parse", "--verify", "HEAD", env=env).returncode != 0

    (root / "conf/app.yaml").write_text("name: web\nreplicas: 8\n", encoding="utf-8")
    workflow.write_text("on: push\njobs:\n  t:\n    runs-on: linux\n    steps: [{run: make}]\n")
    git(root, "add", "-A", env=env)
    accepted = git(root, "commit", "-m", "scale web to 8", env=env)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert "configguard" in accepted.stderr + accepted.stdout
    assert "Passed" in accepted.stderr + accepted.stdout
    assert "Validate GitHub Workflows" in accepted.stderr + accepted.stdout
    log = git(root, "log", "--format=%s", env=env).stdout.split("\n")
    assert log[0] == "scale web to 8"
