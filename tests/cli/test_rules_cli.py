"""Rules through the command line: exit codes, --fail-on/--select/--ignore, suppressions,
bad rule files (exit 2, one located line), ``rules`` and ``explain``, and plugins."""

from __future__ import annotations

import datetime
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from configguard import api
from configguard.findings import Hit
from configguard.kinds import _CACHE
from tests.conftest import REPO, Project

CONFIG = """
version: 1
targets:
  app:
    files: ["conf/*"]
    rules: [rules/app.yaml]
"""
RULES = """
rules:
  - id: app.max-hosts
    kind: max-items
    path: /hosts
    max: 2
    why: the balancer has two slots
  - id: app.unique-hosts
    kind: unique
    path: /hosts
    severity: warning
  - id: app.name-length
    kind: max-length
    path: /name
    max: 5
    severity: info
"""


@pytest.fixture
def app(project: Project) -> Project:
    project.write("configguard.yaml", CONFIG)
    project.write("rules/app.yaml", RULES)
    return project


def findings(project: Project, *args: str) -> tuple[int, list[dict[str, object]]]:
    code, report = project.json("check", *args)
    return code, report["findings"]


def test_rule_findings_are_located_with_why(app: Project) -> None:
    app.write("conf/a.yaml", "name: web\nhosts: [a, b, c]\n")
    result = app.run("check", "--no-color")
    assert result.exit_code == 1
    assert "conf/a.yaml:2:8: error [app.max-hosts] /hosts: 3 items, at most 2 allowed" in (
        result.stdout
    )
    assert "= why: the balancer has two slots" in result.stdout
    _, found = findings(app)
    assert found[0]["why"] == "the balancer has two slots"
    assert "old" not in found[0]


def test_severity_and_fail_on(app: Project) -> None:
    app.write("conf/a.yaml", "name: website\nhosts: [a, a]\n")
    code, found = findings(app)
    assert [(f["rule"], f["severity"]) for f in found] == [
        ("app.name-length", "info"),
        ("app.unique-hosts", "warning"),
    ]
    assert code == 0
    assert app.run("check", "--fail-on", "warning").exit_code == 1
    assert app.run("check", "--fail-on", "info").exit_code == 1
    app.write("conf/a.yaml", "name: website\nhosts: [a, b]\n")
    assert app.run("check", "--fail-on", "warning").exit_code == 0
    assert app.run("check", "--fail-on", "info").exit_code == 1
    assert app.run("check", "--fail-on", "fatal").exit_code == 2


def test_select_and_ignore_by_id_kind_or_wildcard(app: Project) -> None:
    app.write("conf/a.yaml", "name: website\nhosts: [a, a, a]\n")
    assert {f["rule"] for f in findings(app, "--select", "unique")[1]} == {"app.unique-hosts"}
    assert {f["rule"] for f in findings(app, "--select", "app.max-*,max-length")[1]} == {
        "app.max-hosts",
        "app.name-length",
    }
    code, found = findings(app, "--ignore", "app.max-hosts", "--ignore", "unique")
    assert code == 0 and {f["rule"] for f in found} == {"app.name-length"}


def test_no_duplicate_keys_is_on_by_default_and_can_be_ignored(app: Project) -> None:
    app.write("conf/a.yaml", "name: a\nname: b\n")
    code, found = findings(app)
    assert code == 1 and found[0]["rule"] == "no-duplicate-keys"
    assert findings(app, "--ignore", "no-duplicate-keys")[0] == 0


def test_inline_suppression_with_and_without_reason(app: Project) -> None:
    app.write(
        "conf/a.yaml",
        """
        name: website  # configguard: ignore[app.name-length] legacy name, renamed in Q3
        # configguard: ignore[app.max-hosts]
        hosts: [a, b, c]
        """,
    )
    code, found = findings(app)
    assert [(f["rule"], f["severity"], f["line"]) for f in found] == [("suppression", "warning", 2)]
    assert "without a reason" in str(found[0]["message"])
    assert code == 0
    assert app.run("check", "--fail-on", "warning").exit_code == 1


def test_inline_suppression_covers_only_its_rule_and_line(app: Project) -> None:
    app.write(
        "conf/a.yaml",
        """
        # configguard: ignore[app.unique-hosts] not this one
        name: website
        hosts: [a, b, c]
        """,
    )
    rules = {f["rule"] for f in findings(app)[1]}
    assert rules == {"app.name-length", "app.max-hosts"}


def test_config_ignore_list_and_until(app: Project) -> None:
    app.write("conf/a.yaml", "name: web\nhosts: [a, b, c]\n")
    app.write("conf/b.yaml", "name: web\nhosts: [a, b, c]\n")
    app.write(
        "configguard.yaml",
        CONFIG
        + """
ignore:
  - rule: app.max-hosts
    files: conf/a.yaml
    reason: migrating to the new balancer
    until: 2999-01-01
""",
    )
    _, found = findings(app)
    assert [(f["file"], f["rule"]) for f in found] == [("conf/b.yaml", "app.max-hosts")]
    report = api.check(cwd=app.root, today=datetime.date(3000, 1, 1))
    got = [(f.file, f.rule, f.line) for f in report.findings]
    assert ("configguard.yaml", "suppression", 8) in got
    assert ("conf/a.yaml", "app.max-hosts", 2) in got
    expired = next(f for f in report.findings if f.rule == "suppression")
    assert "expired on 2999-01-01" in expired.message


def test_config_ignore_without_reason_warns(app: Project) -> None:
    app.write("conf/a.yaml", "name: web\nhosts: [a, b, c]\n")
    app.write("configguard.yaml", CONFIG + "ignore:\n  - rule: max-items\n")
    code, found = findings(app)
    assert code == 0
    assert [(f["file"], f["rule"], f["line"]) for f in found] == [
        ("configguard.yaml", "suppression", 7)
    ]


def test_max_bytes_refuses_a_file_without_parsing_it(app: Project) -> None:
    app.write("rules/app.yaml", "rules:\n  - {id: app.size, kind: max-bytes, max: 1KB}\n")
    app.write("conf/big.json", b"[" + b"1," * 2000)  # would be a parse error
    code, found = findings(app)
    assert code == 1
    assert [(f["rule"], f["line"]) for f in found] == [("app.size", 1)]
    assert "at most 1 KB allowed" in str(found[0]["message"])


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        (
            "rules:\n  - id: a\n    kind: max-itemz\n",
            "rules/app.yaml:3:11: rule 'a': unknown rule kind 'max-itemz' (did you mean "
            "'max-items'?)",
        ),
        (
            "rules:\n  - id: a\n    kind: cel\n    expr: 'self.x +'\n",
            "rules/app.yaml:4:11: rule 'a' (cel): expr is not valid CEL",
        ),
        (
            "rules:\n  - id: a\n    kind: max-bytes\n    max: 3 parsecs\n",
            "rules/app.yaml:4:10: rule 'a' (max-bytes): bad size '3 parsecs'",
        ),
        (
            "rules:\n  - {id: a, kind: max-items, max: 1}\n  - {id: a, kind: max-items, max: 2}\n",
            "rules/app.yaml:3:10: rule 'a': duplicate id (first at line 2)",
        ),
        (
            "rules:\n  - id: a\n    kind: max-items\n    path: nope\n    max: 1\n",
            "rules/app.yaml:4:11: rule 'a': path",
        ),
        ("rulez: []\n", "rules/app.yaml:1:1: unknown key 'rulez' (did you mean 'rules'?)"),
    ],
)
def test_bad_rules_file_is_exit_2_with_a_located_line(
    app: Project, rules: str, expected: str
) -> None:
    app.write("conf/a.yaml", "name: a\n")
    app.write("rules/app.yaml", rules)
    result = app.run("check")
    assert result.exit_code == 2
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0], result.stderr


def test_missing_rules_file_is_exit_2(project: Project) -> None:
    project.write("configguard.yaml", CONFIG)
    result = project.run("check")
    assert result.exit_code == 2
    assert "rules/app.yaml: rules file not found" in result.stderr


def test_ignore_entry_with_a_bad_date(app: Project) -> None:
    app.write("configguard.yaml", CONFIG + "ignore:\n  - {rule: x, until: 2026-13-01}\n")
    result = app.run("check")
    assert result.exit_code == 2
    assert "configguard.yaml:7:22: ignore.0.until: '2026-13-01' is not a date" in result.stderr


def test_rules_command_lists_every_kind(project: Project) -> None:
    result = project.run("rules")
    assert result.exit_code == 0
    for kind in ("max-items", "unique", "regex-safe", "cel", "no-duplicate-keys", "max-bytes"):
        assert f"\n{kind} " in result.stdout


def test_explain_a_project_rule(app: Project) -> None:
    result = app.run("explain", "app.max-hosts")
    assert result.exit_code == 0
    out = result.stdout
    assert "app.max-hosts  (rules/app.yaml:2)" in out
    assert "kind:      max-items" in out
    assert "max:       2" in out
    assert "why:       the balancer has two slots" in out
    assert "PASS:\n" in out and "FAIL:\n" in out  # rendered, not raw reStructuredText


def test_explain_a_kind_or_nothing(app: Project) -> None:
    assert "Cloudflare" in app.run("explain", "regex-safe").stdout
    result = app.run("explain", "app.max-host")
    assert result.exit_code == 2
    assert "did you mean 'app.max-hosts'" in result.stderr


def test_explain_in_the_example() -> None:
    from click.testing import CliRunner

    from configguard.cli import main

    config = str(REPO / "examples" / "bot-features" / "configguard.yaml")
    result = CliRunner().invoke(main, ["explain", "bot-features.max-count", "--config", config])
    assert result.exit_code == 0
    assert "preallocates 200 feature slots" in result.stdout


# -- plugins -------------------------------------------------------------------------------
def install_plugin(site: Path) -> Path:
    """Install the fixture plugin as pip would: the module and a .dist-info with entry points."""
    site.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "tests" / "fixtures" / "plugin" / "cg_even_plugin.py", site)
    info = site / "cg_even_plugin-0.1.dist-info"
    info.mkdir(exist_ok=True)
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: cg-even-plugin\nVersion: 0.1\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        "[configguard.rules]\neven-items = cg_even_plugin:EvenItems\n", encoding="utf-8"
    )
    return site


def plugin_project(project: Project) -> Project:
    project.write("configguard.yaml", CONFIG)
    project.write(
        "rules/app.yaml",
        "rules:\n  - id: app.pairs\n    kind: even-items\n    path: /pairs\n    why: pairs\n",
    )
    project.write("conf/a.yaml", "pairs: [a, b, c]\n")
    return project


def test_plugin_kind_in_process(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(install_plugin(tmp_path / "site")))
    _CACHE.pop("even-items", None)
    plugin_project(project)
    code, found = findings(project)
    assert code == 1
    assert (found[0]["rule"], found[0]["kind"], found[0]["line"], found[0]["column"]) == (
        "app.pairs",
        "even-items",
        1,
        8,
    )
    assert "even-items" in project.run("rules").stdout
    assert "A tiny third-party rule kind" in project.run("explain", "even-items").stdout
    _CACHE.pop("even-items", None)
    sys.modules.pop("cg_even_plugin", None)


def test_plugin_kind_in_a_real_process(project: Project, tmp_path: Path) -> None:
    site = install_plugin(tmp_path / "site")
    plugin_project(project)
    env = {**os.environ, "PYTHONPATH": str(site), "NO_COLOR": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "configguard", "check", "--format", "json"],
        cwd=project.root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    assert [f["kind"] for f in report["findings"]] == ["even-items"]
    without = subprocess.run(
        [sys.executable, "-m", "configguard", "check"],
        cwd=project.root,
        env={k: v for k, v in env.items() if k != "PYTHONPATH"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert without.returncode == 2
    assert "unknown rule kind 'even-items'" in without.stderr


def test_version_imports_no_rule_machinery() -> None:
    code = (
        "import sys\n"
        "from configguard.cli import main\n"
        "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('celpy', 'jsonschema_rs', 'configguard.kinds', 'rich') "
        "if m in sys.modules]\n"
        "print(heavy)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip().endswith("[]"), result.stdout


def test_an_ignored_max_bytes_rule_does_not_stop_parsing(app: Project) -> None:
    app.write(
        "rules/app.yaml",
        "rules:\n  - {id: app.size, kind: max-bytes, max: 10}\n"
        "  - {id: app.hosts, kind: max-items, path: /hosts, max: 1}\n",
    )
    app.write("conf/a.yaml", "hosts: [a, b, c]\n")
    code, found = findings(app)
    assert code == 1
    assert [f["rule"] for f in found] == ["app.size"]
    assert "not parsed or checked further" in str(found[0]["message"])
    _, found = findings(app, "--ignore", "app.size")
    assert [f["rule"] for f in found] == ["app.hosts"]
    app.write("configguard.yaml", CONFIG + "ignore:\n  - {rule: max-bytes, reason: known}\n")
    _, found = findings(app)
    assert [f["rule"] for f in found] == ["app.hosts"]


def test_pyproject_ignore_with_a_toml_date(project: Project) -> None:
    project.write(
        "pyproject.toml",
        """
        [tool.configguard]
        version = 1
        [[tool.configguard.ignore]]
        rule = "max-items"
        reason = "legacy"
        until = 2999-01-01
        [tool.configguard.targets.app]
        files = ["conf/*"]
        rules = "rules/app.yaml"
        """,
    )
    project.write("rules/app.yaml", RULES)
    project.write("conf/a.json", '{"name": "x", "hosts": ["a", "b", "c"]}')
    code, found = findings(project)
    assert code == 0 and found == []


def test_a_kind_that_crashes_is_exit_2_naming_the_rule(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    from configguard.kinds import Kind

    class Boom(Kind):
        name = "boom"
        uses_path = False

        def check(self, document: object, rule: object, previous: object) -> Iterator[Hit]:
            raise RuntimeError("kaput")

    monkeypatch.setitem(_CACHE, "boom", Boom())
    project.write("configguard.yaml", CONFIG)
    project.write("rules/app.yaml", "rules:\n  - {id: app.boom, kind: boom}\n")
    project.write("conf/a.yaml", "a: 1\n")
    result = project.run("check")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "configguard: error: rule 'app.boom' (kind boom) failed on conf/a.yaml: RuntimeError: kaput"
    )
