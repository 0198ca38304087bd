"""`configguard init`: proposals `check` accepts today, rules in SPEC.md's format, no overwrite."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
import yaml

from configguard import api
from configguard.settings import own_schema
from tests.conftest import REPO, Project

EXAMPLE = REPO / "examples" / "bot-features"
POINTER = {"type": "string", "pattern": "^(/.*)?$"}

# The rules-file format of SPEC.md ("Rule files"), for the kinds init writes.
RULES_FILE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["rules"],
    "additionalProperties": False,
    "properties": {
        "rules": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["id", "kind", "why"],
                "additionalProperties": False,
                "properties": {
                    "id": {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9_.-]*$"},
                    "kind": {"enum": ["max-bytes", "max-items", "unique", "max-growth"]},
                    "path": POINTER,
                    "max": {"type": "integer", "minimum": 1},
                    "key": {"type": "string"},
                    "metric": {"enum": ["bytes", "items"]},
                    "ratio": {"type": "number", "exclusiveMinimum": 1},
                    "severity": {"enum": ["error", "warning", "info"]},
                    "why": {"type": "string", "minLength": 1},
                },
                "allOf": [
                    {
                        "if": {"properties": {"kind": {"const": "max-items"}}},
                        "then": {"required": ["max"]},
                    },
                    {
                        "if": {"properties": {"kind": {"const": "max-bytes"}}},
                        "then": {"required": ["max"], "not": {"required": ["path"]}},
                    },
                    {
                        "if": {"properties": {"kind": {"const": "max-growth"}}},
                        "then": {"required": ["metric", "ratio"]},
                    },
                ],
            },
        }
    },
}


def rules_of(path: Path) -> list[dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    errors = [e.message for e in jsonschema_rs.validator_for(RULES_FILE_SCHEMA).iter_errors(data)]
    assert errors == [], f"{path}: {errors}"
    ids = [r["id"] for r in data["rules"]]
    assert len(ids) == len(set(ids)), ids
    return list(data["rules"])


def config_of(root: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((root / "configguard.yaml").read_text(encoding="utf-8"))
    return data


def reads_rules() -> bool:
    return "rules" in own_schema("configguard.schema.json")["$defs"]["target"]["properties"]


def copy_example(tmp_path: Path) -> Path:
    root = tmp_path / "bot"
    shutil.copytree(EXAMPLE, root)
    (root / "configguard.yaml").unlink()
    return root


def test_init_on_the_example_is_accepted_by_check(project: Project, tmp_path: Path) -> None:
    root = copy_example(tmp_path)
    project.root = root
    result = project.run("init")
    assert result.exit_code == 0, result.output
    assert "Wrote configguard.yaml: 2 targets, 2 files." in result.stdout
    config = config_of(root)
    assert config["version"] == 1
    assert config["schema_dirs"] == ["schemas/"]
    assert config["targets"]["last-known-good-features"] == {
        "files": ["last-known-good/features/features.json"],
        "schema": "schemas/bot-features.schema.json",
        **({"rules": ["rules/last-known-good-features.yaml"]} if reads_rules() else {}),
    }
    # the proposed (bad) file fails the schema today: init says so instead of attaching it
    assert "schema" not in config["targets"]["features"]
    text = (root / "configguard.yaml").read_text()
    assert "# schema: schemas/bot-features.schema.json rejects features/features.json:310" in text
    assert api.check(cwd=root).errors == 0
    assert project.run("check").exit_code == 0
    good = rules_of(root / "rules/last-known-good-features.yaml")
    by_kind = {r["kind"]: r for r in good}
    assert by_kind["max-items"] == {
        "id": "last-known-good-features.features.max-items",
        "kind": "max-items",
        "path": "/features",
        "max": 122,
        "why": "starter limit: 2 x the 61 items seen by init",
    }
    assert by_kind["unique"]["key"] == "name"
    assert by_kind["max-growth"]["ratio"] == 1.5
    assert by_kind["max-bytes"]["max"] == 64 * 1024  # 2 x 5,730 bytes is under the floor
    bad_rules = (root / "rules/features.yaml").read_text()
    assert "no unique rule on /features by 'name': it already repeats" in bad_rules
    assert (
        "# /features: largest now 244 items (features/features.json, 1 list seen); "
        "limit 2 x 244 = 488" in bad_rules
    )
    assert "unique" not in {r["kind"] for r in rules_of(root / "rules/features.yaml")}


def test_init_from_the_last_known_good_blocks_the_incident(
    project: Project, tmp_path: Path
) -> None:
    """Run init on the healthy repository, then propose the 18 Nov feature file."""
    root = copy_example(tmp_path)
    bad = (root / "features/features.json").read_bytes()
    shutil.copy(root / "last-known-good/features/features.json", root / "features/features.json")
    project.root = root
    assert project.run("init").exit_code == 0
    config = config_of(root)
    assert config["targets"]["features"]["schema"] == "schemas/bot-features.schema.json"
    assert project.run("check").exit_code == 0
    (root / "features/features.json").write_bytes(bad)
    result = project.run("check", "--no-color")
    assert result.exit_code == 1
    assert "features/features.json:310:5: error" in result.stdout


MIXED: dict[str, str] = {
    ".gitignore": "local/\nservices/local.yaml\n",
    "services/api.yaml": (
        "name: api\nport: 8080\nroutes:\n  - {id: a, path: /a}\n  - {id: b, path: /b}\n"
    ),
    "services/web.yaml": "name: web\nport: 80\nroutes:\n  - {id: w, path: /}\n",
    "services/local.yaml": "name: [unclosed\n",  # git-ignored, and does not parse
    "services/notes.yaml": "- one\n- two\n",
    "deploy/app.toml": (
        '[server]\nhost = "0.0.0.0"\n\n[[workers]]\nid = "w1"\n\n[[workers]]\nid = "w2"\n'
    ),
    "deploy/multi.yaml": "kind: a\nitems: [1, 2, 3]\n---\nkind: b\nitems: [1]\n",
    "flags.json": json.dumps({"flags": [{"key": f"f{n}", "on": n % 2 == 0} for n in range(30)]}),
    "schemas/service.schema.json": json.dumps(
        {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "object",
            "required": ["name", "port"],
            "properties": {"name": {"type": "string"}, "port": {"type": "integer"}},
        }
    ),
    "broken/bad.json": '{"a": 1,,}',
    "dup.yaml": "a: 1\na: 2\n",
    "local/gen.json": "[1, 2",
    "weird dir/odd[1].json": '{"x": [1, 2]}',
}


def make_mixed(root: Path, git: bool = True) -> None:
    for name, content in MIXED.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
    if git and shutil.which("git"):
        subprocess.run(["git", "init", "-q"], cwd=root, check=True)


@pytest.mark.parametrize("git", [True, False], ids=["git-repo", "plain-folder"])
def test_init_on_mixed_configs_is_accepted_by_check(project: Project, git: bool) -> None:
    make_mixed(project.root, git)
    if not git:  # without git nothing is ignored: the broken generated files are left out
        (project.root / "services/local.yaml").unlink()
        (project.root / "local/gen.json").unlink()
    result = project.run("init")
    assert result.exit_code == 0, result.output
    assert "Left out broken/bad.json: does not parse at line 1" in result.stdout
    assert "Left out dup.yaml: repeats a key at line 2" in result.stdout
    config = config_of(project.root)
    targets = config["targets"]
    assert config["schema_dirs"] == ["schemas/"]
    # services/*.yaml would also claim the ignored local.yaml: the files are listed instead
    assert targets["services"]["files"] == ["services/api.yaml", "services/web.yaml"]
    assert targets["services"]["schema"] == "schemas/service.schema.json"
    assert targets["services-notes"]["files"] == ["services/notes.yaml"]
    assert targets["flags"]["files"] == ["/flags.json"]
    assert targets["deploy"]["files"] == ["deploy/app.toml"]
    assert targets["deploy-multi"]["files"] == ["deploy/multi.yaml"]
    assert targets["weird-dir"]["files"] == ["weird dir/odd\\[1\\].json"]
    claimed = {f for t in targets.values() for f in t["files"]}
    assert not any("bad.json" in f or "dup.yaml" in f or "gen.json" in f for f in claimed)
    report = api.check(cwd=project.root)
    assert (report.files, report.errors) == (7, 0), report.findings
    assert project.run("check").exit_code == 0

    flags = {
        r["kind"] + ":" + r.get("path", ""): r for r in rules_of(project.root / "rules/flags.yaml")
    }
    assert flags["max-items:/flags"]["max"] == 60
    assert flags["unique:/flags"]["key"] == "key"
    assert flags["max-growth:/flags"]["metric"] == "items"
    services = {
        r["kind"] + ":" + r.get("path", ""): r
        for r in rules_of(project.root / "rules/services.yaml")
    }
    assert services["max-items:/routes"]["max"] == 10  # 2 routes: the floor for short lists
    assert services["max-items:/routes"]["why"] == (
        "starter limit: the floor of 10 for short lists (2 seen)"
    )
    assert services["unique:/routes"]["key"] == "id"
    assert "max-growth:/routes" not in services
    workers = {
        r["kind"] + ":" + r.get("path", ""): r for r in rules_of(project.root / "rules/deploy.yaml")
    }
    assert workers["unique:/workers"]["key"] == "id"
    multi = (project.root / "rules/deploy-multi.yaml").read_text()
    assert "# /items: largest now 3 items (deploy/multi.yaml, 2 lists seen); limit 10" in multi
    notes = {
        r["kind"] + ":" + r.get("path", ""): r
        for r in rules_of(project.root / "rules/services-notes.yaml")
    }
    assert "max-items:" in notes and "path" not in notes["max-items:"]


def test_init_never_overwrites(project: Project) -> None:
    make_mixed(project.root, git=False)
    (project.root / "services/local.yaml").unlink()
    (project.root / "local/gen.json").unlink()
    (project.root / "rules").mkdir()
    (project.root / "rules/flags.yaml").write_text("mine\n")
    result = project.run("init")
    assert result.exit_code == 2
    assert result.stderr == (
        "configguard: error: rules/flags.yaml: exists already; init never overwrites "
        "(move it, or see the proposal with `configguard init --dry-run`)\n"
    )
    assert not (project.root / "configguard.yaml").exists()
    assert (project.root / "rules/flags.yaml").read_text() == "mine\n"
    (project.root / "rules/flags.yaml").unlink()
    assert project.run("init").exit_code == 0
    before = (project.root / "configguard.yaml").read_text()
    again = project.run("init")
    assert again.exit_code == 2
    assert "configguard.yaml: a configuration exists already; init never overwrites" in again.stderr
    assert (project.root / "configguard.yaml").read_text() == before


def test_init_respects_a_pyproject_configuration(project: Project) -> None:
    project.write("a.json", "{}")
    project.write("pyproject.toml", '[tool.configguard]\ntargets = {a = {files = ["a.json"]}}\n')
    result = project.run("init")
    assert result.exit_code == 2
    assert "pyproject.toml: a configuration exists already" in result.stderr


def test_init_dry_run_writes_nothing(project: Project) -> None:
    project.write("conf/a.json", '{"items": [1, 2, 3]}')
    result = project.run("init", "--dry-run")
    assert result.exit_code == 0
    assert "# ---- configguard.yaml ----" in result.stdout
    assert "# ---- rules/conf.yaml ----" in result.stdout
    assert sorted(p.name for p in project.root.iterdir()) == ["conf"]


def test_init_with_nothing_to_check_is_exit_2(project: Project) -> None:
    project.write("README.md", "hello\n")
    result = project.run("init")
    assert result.exit_code == 2
    assert "found no JSON, YAML or TOML file to check here" in result.stderr
    assert project.run("init", "missing-dir").exit_code == 2


def test_init_and_check_in_a_real_process(tmp_path: Path) -> None:
    root = copy_example(tmp_path)
    run = [sys.executable, "-m", "configguard"]
    result = subprocess.run(
        [*run, "init"], cwd=root, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    result = subprocess.run(
        [*run, "check"], cwd=root, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All 2 files passed." in result.stdout
