"""`configguard check` end to end through click's runner: config discovery, modes, exit codes."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from configguard import __version__
from tests.conftest import SCHEMA, Project


def test_version(project: Project) -> None:
    result = project.run("--version")
    assert result.exit_code == 0
    assert __version__ in result.stdout


def test_clean_files_exit_zero(with_schema: Callable[..., Project]) -> None:
    project = with_schema()
    project.write("conf/a.yaml", "name: web\n")
    project.write("conf/b.json", '{"name": "api"}')
    result = project.run("check")
    assert result.exit_code == 0, result.output
    assert "All 2 files passed." in result.stdout


def test_violation_exit_one_with_location(with_schema: Callable[..., Project]) -> None:
    project = with_schema()
    project.write("conf/a.yaml", "name: web\nreplicas: 12\n")
    result = project.run("check", "--no-color")
    assert result.exit_code == 1
    assert "conf/a.yaml:2:11: error [schema] /replicas: 12 is greater than" in result.stdout
    assert "    2 | replicas: 12" in result.stdout


def test_paths_not_claimed_are_skipped(with_schema: Callable[..., Project]) -> None:
    project = with_schema()
    project.write("other/a.yaml", "replicas: nope\n")
    result = project.run("check", "other/a.yaml")
    assert result.exit_code == 0
    assert "No files checked" in result.stdout


def test_given_paths_only(with_schema: Callable[..., Project]) -> None:
    project = with_schema()
    project.write("conf/good.yaml", "name: web\n")
    project.write("conf/bad.yaml", "replicas: 1\n")
    assert project.run("check", "conf/good.yaml").exit_code == 0
    assert project.run("check", "conf/bad.yaml").exit_code == 1
    assert project.run("check", "conf").exit_code == 1


def test_missing_path_is_usage_error(with_schema: Callable[..., Project]) -> None:
    result = with_schema().run("check", "conf/nope.yaml")
    assert result.exit_code == 2
    assert "conf/nope.yaml: no such file or folder" in result.stderr


def test_adhoc_schema_mode_needs_no_config(project: Project) -> None:
    project.write("s.json", SCHEMA)
    project.write("x.yaml", "name: 3\n")
    result = project.run("check", "--schema", "s.json", "x.yaml")
    assert result.exit_code == 1
    assert "x.yaml:1:7:" in result.stdout


def test_no_config_and_no_catalog_is_exit_two(project: Project) -> None:
    project.write("x.yaml", "a: 1\n")
    result = project.run("check", "--no-catalog")
    assert result.exit_code == 2
    assert "no configguard.yaml" in result.stderr
    assert "Traceback" not in result.output


def test_json_report_shape(with_schema: Callable[..., Project]) -> None:
    project = with_schema()
    project.write("conf/a.json", '{"name": "a", "replicas": "3"}')
    code, report = project.json("check")
    assert code == 1
    assert report == {
        "version": 1,
        "findings": [
            {
                "rule": "schema",
                "kind": "schema",
                "severity": "error",
                "file": "conf/a.json",
                "path": "/replicas",
                "line": 1,
                "column": 27,
                "message": '"3" is not of type "integer"',
            }
        ],
        "summary": {"files": 1, "errors": 1, "warnings": 0},
    }


def test_unknown_format_is_usage_error(with_schema: Callable[..., Project]) -> None:
    result = with_schema().run("check", "--format", "xml")
    assert result.exit_code == 2
    assert "unknown format 'xml'" in result.stderr


@pytest.mark.parametrize(
    ("name", "content"),
    [
        (".configguard.yaml", "targets:\n  app:\n    files: ['conf/*']\n    schema: s.json\n"),
        (
            "pyproject.toml",
            "[tool.configguard]\n[tool.configguard.targets.app]\n"
            'files = ["conf/*"]\nschema = "s.json"\n',
        ),
    ],
)
def test_config_discovery(project: Project, name: str, content: str) -> None:
    project.write("s.json", SCHEMA)
    project.write(name, content)
    project.write("conf/a.yaml", "replicas: 1\n")
    project.write("sub/dir/.keep", "")
    assert project.run("check").exit_code == 1
    assert project.run("check", "--config", str(project.root / name)).exit_code == 1


def test_config_found_from_subfolder(with_schema: Callable[..., Project]) -> None:
    project = with_schema()
    project.write("conf/a.yaml", "replicas: 1\n")
    (project.root / "deep" / "er").mkdir(parents=True)
    project.root = project.root / "deep" / "er"
    result = project.run("check")
    assert result.exit_code == 1
    assert "conf/a.yaml:1:1: error [schema]" in result.stdout


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        (
            "targets:\n  app:\n    fils: ['*.yaml']\n",
            "configguard.yaml:3:5: targets.app: unknown key 'fils' (did you mean 'files'?)",
        ),
        (
            "version: 1\ntargts: {}\n",
            "configguard.yaml:2:1: unknown key 'targts' (did you mean 'targets'?)",
        ),
        (
            "version: 2\ntargets: {a: {files: [x]}}\n",
            "configguard.yaml:1:10: version: 1 was expected",
        ),
        ("targets:\n  app:\n    schema: s.json\n", "targets.app: missing required key 'files'"),
        ("targets: [1, 2\n", "configguard.yaml:2:1:"),
        ("targets:\n  app:\n    files: ['a']\n  app:\n    files: ['b']\n", "duplicate key 'app'"),
    ],
)
def test_config_mistakes_are_one_located_line(project: Project, config: str, expected: str) -> None:
    project.write("configguard.yaml", config)
    result = project.run("check")
    assert result.exit_code == 2
    assert expected in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_remote_ref_is_refused_offline(project: Project) -> None:
    project.write(
        "s.json", {"$ref": "https://schemas.invalid/nowhere.json", "$schema": SCHEMA["$schema"]}
    )
    project.write("x.yaml", "a: 1\n")
    result = project.run("check", "--schema", "s.json", "x.yaml")
    assert result.exit_code == 1  # the file reaches it: a located finding, never a download
    assert "x.yaml:1:1: error [schema] /: $ref https://schemas.invalid/nowhere.json is not " in (
        result.stdout
    )
    assert "not available offline" in result.stdout


def test_an_unavailable_ref_matters_only_where_reached(project: Project) -> None:
    project.write(
        "s.json",
        {
            "properties": {
                "name": {"type": "string"},
                "extra": {"$ref": "https://schemas.invalid/extra.json#/$defs/x"},
            }
        },
    )
    project.write("clean.yaml", "name: a\n")
    project.write("reach.yaml", "name: a\nextra: 1\n")
    code, report = project.json("check", "--schema", "s.json", "clean.yaml", "reach.yaml")
    assert code == 1
    [finding] = report["findings"]
    assert (finding["file"], finding["path"], finding["line"]) == ("reach.yaml", "/extra", 2)
    assert finding["message"].startswith(
        "$ref https://schemas.invalid/extra.json#/$defs/x is not available offline, so this "
        "value is not checked against it: put that schema (with its $id) in a schema_dirs folder"
    )


def test_ref_resolves_from_schema_dir_by_id(project: Project) -> None:
    project.write(
        "lib/port.schema.json",
        {"$id": "https://schemas.example.com/port.json", "type": "integer", "maximum": 65535},
    )
    project.write(
        "s.json",
        {
            "$schema": "http://json-schema.org/draft-07/schema#",
            "properties": {"port": {"$ref": "https://schemas.example.com/port.json"}},
        },
    )
    project.write("x.yaml", "port: 70000\n")
    result = project.run("check", "--schema", "s.json", "--schema-dir", "lib", "x.yaml")
    assert result.exit_code == 1, result.output
    assert "x.yaml:1:7:" in result.stdout


def test_any_of_shows_best_match_and_rest_under_verbose(project: Project) -> None:
    schema = {
        "anyOf": [
            {"type": "object", "properties": {"port": {"type": "integer"}}, "required": ["port"]},
            {"type": "string"},
        ]
    }
    project.write("s.json", schema)
    project.write("x.yaml", "port: http\n")
    quiet = project.run("check", "--schema", "s.json", "x.yaml")
    assert 'x.yaml:1:7: error [schema] /port: "http" is not of type "integer"' in quiet.stdout
    assert "more detail" in quiet.stdout
    verbose = project.run("check", "--schema", "s.json", "x.yaml", "-v")
    assert 'is not of type "string"' in verbose.stdout


def test_format_keyword_is_checked(project: Project) -> None:
    project.write("s.json", {"properties": {"when": {"format": "date-time"}}})
    project.write("x.json", json.dumps({"when": "yesterday"}))
    assert project.run("check", "--schema", "s.json", "x.json").exit_code == 1


def test_no_color_env_and_pipe_give_plain_text(with_schema: Callable[..., Project]) -> None:
    project = with_schema()
    project.write("conf/a.yaml", "replicas: 1\n")
    plain = project.run("check", env={"NO_COLOR": "1"})
    assert "\x1b[" not in plain.stdout
    forced = project.run("check", "--color")
    assert "\x1b[" in forced.stdout
