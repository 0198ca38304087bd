"""`configguard init` in a git repository: limits learned from the files' history."""

from __future__ import annotations

import json
import subprocess
from typing import Any

import yaml

from configguard import init as init_
from tests.conftest import Project


def git(project: Project, *args: str) -> None:
    subprocess.run(["git", *args], cwd=project.root, check=True, capture_output=True)


def app(version: int) -> dict[str, Any]:
    """Version ``version`` of conf/app.json: one more rule each time, eight more at 12."""
    count = 10 + version + (8 if version >= 12 else 0)
    actions = ["block", "log", "allow"]
    rules = [{"name": f"r{i}", "action": actions[i % 3], "weight": i} for i in range(count)]
    return {"generation": version + 1, "rules": rules}


def twenty_commits(project: Project) -> Project:
    git(project, "init", "-q", "-b", "main")
    git(project, "config", "user.email", "t@example.com")
    git(project, "config", "user.name", "t")
    for version in range(20):
        project.write("conf/app.json", app(version))
        project.write("conf/other.yaml", f"serial: {100 + version}\nmode: fast\n")
        git(project, "add", ".")
        git(project, "commit", "-q", "-m", f"version {version}")
    return project


def by_kind(text: str) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {}
    for rule in yaml.safe_load(text)["rules"]:
        out.setdefault(rule["kind"], []).append(rule)
    return out


def test_init_proposes_history_based_limits(project: Project) -> None:
    twenty_commits(project)
    result = project.run("init")
    assert result.exit_code == 0, result.output
    text = (project.root / "rules" / "conf.yaml").read_text()
    rules = by_kind(text)
    [growth] = rules["max-growth"]
    # the largest real step: 21 -> 30 items (x1.43) at version 12; x 1.25 headroom
    assert growth["ratio"] == 1.79
    assert "the largest step in the last 20 versions in git was 21 -> 30 items (x1.43" in text
    [novel] = rules["novel-values"]
    assert (novel["path"], novel["history"]) == ("/rules/*/action", 20)
    assert novel["severity"] == "warning"
    assert "only 3 distinct values (allow, block, log)" in text
    [rising] = rules["monotonic"]
    assert rising["path"] == "/generation"
    assert "rose 19 times in the last 20 versions of conf/app.json in git (1 -> 20)" in text
    assert "weight" not in text, "numbers inside lists, and id-like fields, are left alone"
    other = by_kind((project.root / "rules" / "conf-other.yaml").read_text())
    assert [r["path"] for r in other["monotonic"]] == ["/serial"]
    assert "novel-values" not in other, "one value (fast) is not an enum"

    assert project.run("check").exit_code == 0, "the proposal passes on today's files"
    changed = app(19)
    changed["generation"] = 3
    changed["rules"][0]["action"] = "execute"
    project.write("conf/app.json", changed)
    code, report = project.json("check", "--base", "HEAD")
    assert code == 1
    fired = {(f["kind"], f["severity"]) for f in report["findings"]}
    assert fired == {("monotonic", "error"), ("novel-values", "warning")}, report["findings"]


def test_init_without_git_history_keeps_the_defaults(project: Project) -> None:
    project.write("conf/app.json", app(5))
    plan = init_.propose(project.root)
    text = plan.files[project.root / "rules" / "conf.yaml"]
    assert "ratio: 1.5" in text
    assert "novel-values" not in text and "monotonic" not in text
    assert json.loads((project.root / "conf" / "app.json").read_text())["generation"] == 6
