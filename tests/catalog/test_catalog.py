"""The built-in SchemaStore catalog: zero-config checks, offline; `schemas`; --builtin-schema."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from configguard.catalog import catalog, glob_regex
from configguard.settings import CatalogChoice as Choice
from tests.catalog import wellknown
from tests.conftest import Project
from tests.hostile.test_offline import hooked


def test_twenty_well_known_files_with_no_configuration_offline(tmp_path: Path) -> None:
    wellknown.write(tmp_path)
    assert len(wellknown.VALID) + len(wellknown.INVALID) == 20
    result = hooked(tmp_path, "check", "--format", "json")
    assert "NETWORK" not in result.stderr, result.stderr  # the audit hook saw no socket
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert {f["file"] for f in report["findings"]} == set(wellknown.INVALID)
    assert all(f["rule"] == "schema" for f in report["findings"])
    assert report["summary"]["files"] == 20  # .gitlab-ci.yml: hosted elsewhere, not checked


def test_verbose_names_each_schema_and_notes_what_is_not_vendored(project: Project) -> None:
    wellknown.write(project.root)
    result = project.run("check", "-v", "--no-color")
    assert result.exit_code == 1
    out = result.stdout
    assert (
        ".github/workflows/ci.yml: checked against GitHub Workflow (catalog: github-workflow)"
        in out
    )
    assert "web/package.json: checked against package.json (catalog: package)" in out
    assert "note: .gitlab-ci.yml matches the catalog's 'gitlab-ci'" in out
    assert "not vendored: not checked" in out
    quiet = project.run("check", "--no-color")
    assert "checked against" not in quiet.stdout  # -v only
    assert "note: .gitlab-ci.yml" in quiet.stdout


def test_pre_commit_style_paths_with_no_configuration(project: Project) -> None:
    wellknown.write(project.root)
    result = project.run("check", "--no-color", "package.json", "tsconfig.json", "action.yml")
    assert result.exit_code == 1
    assert "package.json:1:29: error [schema] /version: 3 is not of type" in result.stdout
    assert "Found 1 error in 1 of 3 files." in result.stdout


def test_targets_win_over_the_catalog(project: Project) -> None:
    project.write("package.json", '{"name": "demo", "version": 3}')
    project.write("any.schema.json", {"type": "object"})
    project.write(
        "configguard.yaml",
        "version: 1\ntargets:\n  p: {files: [package.json], schema: any.schema.json}\n",
    )
    assert project.run("check").exit_code == 0


def test_catalog_off_and_narrowed(project: Project) -> None:
    wellknown.write(project.root)
    project.write("configguard.yaml", "version: 1\ncatalog: false\n")
    assert "No files checked" in project.run("check", "--no-color").stdout
    project.write("configguard.yaml", "version: 1\ncatalog: {only: [package, 'GitHub Work*']}\n")
    code, report = project.json("check")
    assert code == 1
    assert {f["file"] for f in report["findings"]} == {
        "package.json",
        ".github/workflows/release.yaml",
    }
    project.write("configguard.yaml", "version: 1\ncatalog: {exclude: [drone, chart, github-*]}\n")
    code, report = project.json("check")
    assert {f["file"] for f in report["findings"]} == {"package.json", "cloudbuild.yaml"}


def test_a_bad_catalog_setting_is_exit_two(project: Project) -> None:
    project.write("configguard.yaml", "version: 1\ncatalog: {onyl: [x]}\n")
    result = project.run("check")
    assert result.exit_code == 2
    assert "unknown key 'onyl' (did you mean 'only'?)" in result.stderr


def test_no_configuration_and_no_match_says_what_to_do(project: Project) -> None:
    project.write("x.yaml", "a: 1\n")
    result = project.run("check", "--no-color")
    assert result.exit_code == 0
    assert "No configguard.yaml, and no file matches the built-in catalog" in result.stdout
    assert "configguard init" in result.stdout and "--schema FILE" in result.stdout
    off = project.run("check", "--no-catalog")
    assert off.exit_code == 2
    assert "no configguard.yaml" in off.stderr and "configguard init" in off.stderr


def test_schemas_command_lists_the_catalog(project: Project) -> None:
    result = project.run("schemas")
    assert result.exit_code == 0
    assert "github-workflow  GitHub Workflow  [vendored]" in result.stdout
    assert "**/.github/workflows/*.yml" in result.stdout
    assert "gitlab-ci" not in result.stdout
    every = project.run("schemas", "--all")
    assert "gitlab-ci  gitlab-ci  [not vendored (https://gitlab.com/" in every.stdout
    rows = json.loads(project.run("schemas", "--all", "--format", "json").stdout)
    assert len(rows) == len(catalog().entries) > 1000
    assert {"id", "name", "fileMatch", "vendored", "url"} == set(rows[0])


def test_builtin_schema_checks_paths_against_one_entry(project: Project) -> None:
    project.write("ci/build.yml", "on: push\njobs:\n  b:\n    runs-on: x\n    steps: 3\n")
    result = project.run(
        "check", "--no-color", "--builtin-schema", "github-workflow", "ci/build.yml"
    )
    assert result.exit_code == 1
    assert "ci/build.yml:5:12: error [schema] /jobs/b/steps: 3 is not of type" in result.stdout
    by_name = project.run("check", "--builtin-schema", "GitHub Workflow", "ci/build.yml")
    assert by_name.exit_code == 1
    wrong = project.run("check", "--builtin-schema", "github-workflows", "ci/build.yml")
    assert wrong.exit_code == 2
    assert "no built-in schema 'github-workflows' (did you mean github-workflow" in wrong.stderr
    elsewhere = project.run("check", "--builtin-schema", "gitlab-ci", "ci/build.yml")
    assert elsewhere.exit_code == 2 and "hosted elsewhere" in elsewhere.stderr


def test_a_users_schema_may_ref_schemastore_offline(project: Project) -> None:
    project.write(
        "s.json",
        {
            "properties": {
                "deps": {
                    "$ref": "https://json.schemastore.org/package.json#/definitions/dependency"
                }
            }
        },
    )
    project.write("x.json", '{"deps": {"a": 3}}')
    result = project.run("check", "--no-color", "--schema", "s.json", "x.json")
    assert result.exit_code == 1, result.output
    assert "/deps/a" in result.stdout


@pytest.mark.parametrize(
    ("glob", "path", "matches"),
    [
        ("**/.github/workflows/*.yml", ".github/workflows/ci.yml", True),
        ("**/.github/workflows/*.yml", "sub/.github/workflows/ci.yml", True),
        ("**/.github/workflows/*.yml", ".github/workflows/x/ci.yml", False),
        ("package.json", "web/package.json", True),  # no leading /: any depth, as editors do
        ("/package.json", "web/package.json", False),
        ("**/.github/ISSUE_TEMPLATE/!(config).yml", ".github/ISSUE_TEMPLATE/bug.yml", True),
        ("**/.github/ISSUE_TEMPLATE/!(config).yml", ".github/ISSUE_TEMPLATE/config.yml", False),
        ("compose.{yml,yaml}", "compose.yaml", True),
        ("tsconfig*.json", "tsconfig.base.json", True),
        ("**/conjure/**.yml", "conjure/a/b.yml", True),
    ],
)
def test_glob_regex(glob: str, path: str, matches: bool) -> None:
    import re

    assert (re.fullmatch(glob_regex(glob), path) is not None) is matches


def test_the_most_specific_entry_wins() -> None:
    found = catalog().match(".github/ISSUE_TEMPLATE/config.yml")
    assert found is not None and found.entry.id == "github-issue-config"
    assert catalog().match("x/y/z.json") is None
    narrowed = catalog().match("package.json", Choice(True, exclude=("package",)))
    assert narrowed is None


def test_the_archive_is_opened_only_for_a_matched_file(tmp_path: Path) -> None:
    """A claimed file never reads the catalog; an unclaimed one reads only its index."""
    (tmp_path / "configguard.yaml").write_text("version: 1\ntargets:\n  t: {files: ['*.json']}\n")
    (tmp_path / "a.json").write_text("{}")
    (tmp_path / "notes.yaml").write_text("a: 1\n")
    (tmp_path / ".travis.yml").write_text("language: python\n")
    probe = (
        "import sys\n"
        "from configguard.cli import main\n"
        "try:\n    main(sys.argv[1:])\n"
        "except SystemExit as exc:\n    print('EXIT', exc.code)\n"
        "print('CLAIMS', 'configguard.catalog_claims' in sys.modules)\n"
        "print('ZIP', 'zipfile' in sys.modules)\n"
    )

    def run(*args: str) -> str:
        out = subprocess.run(
            [sys.executable, "-c", probe, *args],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
            env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
        )
        return out.stdout + out.stderr

    assert "CLAIMS False" in run("check", "a.json")
    unmatched = run("check", "notes.yaml")
    assert "CLAIMS True" in unmatched and "ZIP False" in unmatched
    assert "ZIP True" in run("check", "a.json", ".travis.yml")


def test_a_discriminator_picks_the_branch_the_headline_comes_from(project: Project) -> None:
    """A drone pipeline with a wrong type: the error is the type, not `kind: secret`."""
    project.write(".drone.yml", "kind: pipeline\ntype: dockerr\nname: default\nsteps: []\n")
    result = project.run("check", "--no-color", ".drone.yml")
    assert result.exit_code == 1
    assert '.drone.yml:2:7: error [schema] /type: "dockerr" is not one of "docker"' in result.stdout
    project.write(
        "s.json",
        {
            "oneOf": [
                {"properties": {"kind": {"const": "secret"}, "data": {"type": "string"}}},
                {
                    "properties": {
                        "kind": {"const": "pipeline"},
                        "steps": {"type": "array", "minItems": 1},
                    }
                },
            ]
        },
    )
    project.write("p.yaml", "kind: pipeline\nsteps: []\n")
    small = project.run("check", "--no-color", "--schema", "s.json", "p.yaml")
    assert "p.yaml:2:8: error [schema] /steps: 0 items, at least 1 required" in small.stdout


def test_init_attaches_the_catalog_schema_and_targets_may_name_it(project: Project) -> None:
    ok = "on: push\njobs:\n  t:\n    runs-on: linux\n    steps: [{run: make}]\n"
    project.write(".github/workflows/ci.yml", ok)
    project.write(".github/workflows/release.yml", ok.replace("make", "make release"))
    project.write("conf/a.json", '{"a": 1}')
    result = project.run("init")
    assert result.exit_code == 0, result.output
    config = (project.root / "configguard.yaml").read_text(encoding="utf-8")
    assert 'schema: "builtin:github-workflow"  # accepts all 2 files today' in config
    project.write(".github/workflows/ci.yml", ok.replace("[{run: make}]", "3"))
    checked = project.run("check", "--no-color", "-q", "--select", "schema")
    assert checked.exit_code == 1
    assert ".github/workflows/ci.yml:5:12: error [schema] /jobs/t/steps" in checked.stdout
    project.write(
        "configguard.yaml", "version: 1\ntargets:\n  t: {files: [a.json], schema: 'builtin:nope'}\n"
    )
    assert "no built-in schema 'nope'" in project.run("check").stderr


def test_schemastore_urls_without_json_resolve_to_the_vendored_copy(project: Project) -> None:
    # grunt-clean-task.json refers to "grunt-task", which SchemaStore serves as grunt-task.json
    project.write("clean.json", '{"version": {"src": ["a"]}}')
    result = project.run(
        "check", "--no-color", "--builtin-schema", "grunt-clean-task", "clean.json"
    )
    assert "not available offline" not in result.stdout, result.stdout
    assert result.exit_code == 0, result.stdout
