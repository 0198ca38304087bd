"""History-aware and cross-reference kinds through the command line: git history
(``history: N``, ``--history N``), a ``--base-path`` snapshots folder, and references
into other files of the project."""

from __future__ import annotations

import subprocess
from typing import Any

import pytest

from tests.conftest import Project

CONFIG = """
version: 1
targets:
  app:
    files: ["conf/*.yaml"]
    rules: [rules.yaml]
"""


def git(project: Project, *args: str) -> None:
    subprocess.run(["git", *args], cwd=project.root, check=True, capture_output=True)


def rules(project: Project, *specs: str) -> None:
    project.write("rules.yaml", "rules:\n" + "".join(f"  - {s}\n" for s in specs))


def hits(report: dict[str, Any], rule: str) -> list[dict[str, Any]]:
    return [f for f in report["findings"] if f["rule"] == rule]


@pytest.fixture
def history_repo(project: Project) -> Project:
    """conf/app.yaml committed four times: mode a, b, c, d (HEAD); generation 1..4."""
    project.write("configguard.yaml", CONFIG)
    git(project, "init", "-q", "-b", "main")
    git(project, "config", "user.email", "t@example.com")
    git(project, "config", "user.name", "t")
    for generation, mode in enumerate("abcd", start=1):
        project.write("conf/app.yaml", f"mode: {mode}\ngeneration: {generation}\n")
        git(project, "add", ".")
        git(project, "commit", "-q", "-m", f"mode {mode}")
    return project


def test_history_5_is_silent_for_a_value_seen_3_versions_ago(history_repo: Project) -> None:
    rules(
        history_repo,
        "{id: last, kind: novel-values, path: /mode}",
        "{id: deep, kind: novel-values, path: /mode, history: 5}",
    )
    history_repo.write("conf/app.yaml", "mode: b\ngeneration: 5\n")  # b: version 2 of 4
    code, report = history_repo.json("check", "--base", "HEAD")
    assert code == 0, "novel-values warns by default"
    [last] = hits(report, "last")
    assert last["severity"] == "warning"
    assert last["message"] == '"b" is new; the previous version had only "d"'
    assert hits(report, "deep") == []


def test_history_option_sets_the_depth_of_rules_that_do_not(history_repo: Project) -> None:
    rules(history_repo, "{id: last, kind: novel-values, path: /mode}")
    history_repo.write("conf/app.yaml", "mode: a\ngeneration: 5\n")
    _, report = history_repo.json("check", "--base", "HEAD", "--history", "3")
    [hit] = hits(report, "last")
    assert "the last 3 versions had only" in hit["message"], hit["message"]
    _, report = history_repo.json("check", "--base", "HEAD", "--history", "4")
    assert hits(report, "last") == []


def test_history_follows_renames(history_repo: Project) -> None:
    rules(history_repo, "{id: deep, kind: novel-values, path: /mode, history: 10}")
    git(history_repo, "mv", "conf/app.yaml", "conf/renamed.yaml")
    git(history_repo, "commit", "-q", "-m", "rename")
    history_repo.write("conf/renamed.yaml", "mode: a\ngeneration: 5\n")
    _, report = history_repo.json("check", "--base", "HEAD")
    assert hits(report, "deep") == []
    history_repo.write("conf/renamed.yaml", "mode: z\ngeneration: 5\n")
    _, report = history_repo.json("check", "--base", "HEAD")
    [hit] = hits(report, "deep")
    assert '"z" is new; the last 4 versions had only "d", "c", "b", "a"' in hit["message"]


def test_history_without_a_baseline_is_a_usage_error(history_repo: Project) -> None:
    rules(history_repo, "{id: last, kind: novel-values, path: /mode}")
    result = history_repo.run("check", "--history", "3")
    assert result.exit_code == 2
    assert "--history needs --base" in result.stderr


def test_monotonic_fires_on_a_lower_generation_and_not_on_a_new_file(
    history_repo: Project,
) -> None:
    rules(history_repo, "{id: gen, kind: monotonic, path: /generation}")
    history_repo.write("conf/app.yaml", "mode: d\ngeneration: 3\n")
    history_repo.write("conf/new.yaml", "mode: d\ngeneration: 1\n")
    code, report = history_repo.json("check", "--base", "HEAD")
    assert code == 1
    [hit] = hits(report, "gen")
    assert (hit["file"], hit["line"], hit["column"]) == ("conf/app.yaml", 2, 13)
    assert (hit["old"], hit["new"]) == (4, 3)


def test_snapshots_folder_as_history(project: Project) -> None:
    project.write("configguard.yaml", CONFIG)
    rules(project, "{id: deep, kind: novel-values, path: /mode, history: 3}")
    project.write("good/0009/conf/app.yaml", "mode: a\n")
    project.write("good/0010/conf/app.yaml", "mode: b\n")  # the newest: the previous version
    project.write("good/0011/conf/app.yaml", "mode: c\n")
    project.write("conf/app.yaml", "mode: a\n")
    _, report = project.json("check", "--base-path", "good")
    assert hits(report, "deep") == []
    project.write("conf/app.yaml", "mode: z\n")
    _, report = project.json("check", "--base-path", "good", "-v")
    [hit] = hits(report, "deep")
    assert 'the last 3 versions had only "c", "b", "a"' in hit["message"], hit["message"]
    assert report["changes"][0]["previous"] == "good/0011/conf/app.yaml"


def test_references_across_two_files_with_did_you_mean(project: Project) -> None:
    project.write("configguard.yaml", CONFIG)
    rules(
        project,
        "{id: ref, kind: references, path: /routes/*/cluster, "
        "in: {files: 'clusters/*.yaml', path: /metadata/name}}",
    )
    project.write("clusters/a.yaml", "metadata: {name: backend}\n")
    project.write(
        "clusters/more.yaml", "metadata: {name: static}\n---\nmetadata: {name: payments}\n"
    )
    project.write(
        "conf/routes.yaml",
        """
        routes:
          - {prefix: /api, cluster: backend}
          - {prefix: /pay, cluster: payments}
          - {prefix: /img, cluster: statik}
        """,
    )
    code, report = project.json("check")
    assert code == 1
    [hit] = hits(report, "ref")
    assert (hit["path"], hit["line"], hit["column"]) == ("/routes/2/cluster", 4, 29)
    assert hit["message"] == (
        '"statik" is not among the 3 values at /metadata/name of clusters/*.yaml; '
        'did you mean "static"?'
    )
    project.write("conf/routes.yaml", "routes: [{cluster: static}, {cluster: payments}]\n")
    code, report = project.json("check")
    assert (code, hits(report, "ref")) == (0, [])


def test_references_to_files_that_do_not_exist(project: Project) -> None:
    project.write("configguard.yaml", CONFIG)
    rules(project, "{id: ref, kind: references, path: /c, in: {files: 'nope/*.yaml', path: /n}}")
    project.write("conf/x.yaml", "c: a\n")
    code, report = project.json("check")
    assert code == 1
    assert hits(report, "ref")[0]["message"] == '"a": nope/*.yaml matches no file'


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        ("novel-values", "keys-only"),
        ("monotonic", "strict"),
        ("max-decrease", "max_delta"),
        ("max-increase", "ratio"),
        ("references", "did you mean"),
    ],
)
def test_explain_and_rules_list_the_new_kinds(project: Project, kind: str, words: str) -> None:
    result = project.run("explain", kind)
    assert result.exit_code == 0
    assert result.stdout.startswith(f"{kind}:")
    assert words in result.stdout and "FAIL:" in result.stdout
    listed = project.run("rules").stdout
    assert any(line.startswith(kind + " ") for line in listed.splitlines())


def test_explain_a_project_rule_of_a_new_kind(history_repo: Project) -> None:
    rules(history_repo, "{id: deep, kind: novel-values, path: /mode, history: 5, why: canary}")
    result = history_repo.run("explain", "deep")
    assert result.exit_code == 0
    assert "severity:  warning" in result.stdout
    assert "history:   5" in result.stdout
