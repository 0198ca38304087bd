"""Rules ``on: output``: what the consumer makes of a file, and how that changes (issue 14)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from configguard.consumers import PythonRunner
from tests.conftest import Project

COMPILER = """
import dataclasses, enum, typing


class Kind(enum.Enum):
    STATIC = "static"


@dataclasses.dataclass
class Route:
    id: str
    kind: Kind


class Site(typing.NamedTuple):
    name: str
    tags: frozenset


def compile(data):
    if data.get("crash"):
        raise RuntimeError("cannot compile")
    routes = [Route(f"{s['name']}/{p}", Kind.STATIC) for s in data["sites"] for p in s["prefixes"]]
    sites = [Site(s["name"], frozenset(s.get("tags", ()))) for s in data["sites"]]
    routed = {r.id.split("/")[1] for r in routes}
    unrouted = {p for p in data.get("declared", ()) if p not in routed}
    return {"routes": routes, "sites": sites, "unrouted": unrouted}


def broken(data):
    import datetime
    return {"routes": [{"id": "a", "at": datetime.date(2025, 7, 14)}]}


def big(data):
    return {"blob": "x" * 5000}
"""

RULES = """
rules:
  - id: out.unrouted
    kind: max-items
    on: output
    path: /unrouted
    max: 0
  - id: out.shrink
    kind: max-shrink
    on: output
    metric: items
    path: /routes
    ratio: 0.9
  - id: file.sites
    kind: max-items
    path: /sites
    max: 100
"""

OLD = """
sites:
  - {name: ams, prefixes: [p1, p2]}
  - {name: fra, prefixes: [p1, p2]}
"""

NEW = """
sites:
  - {name: ams, prefixes: [p2]}
  - {name: fra, prefixes: [p2]}
"""


def make(project: Project, consumer: str, rules: str = RULES) -> Project:
    project.write("compiler.py", COMPILER)
    project.write("rules.yaml", rules)
    project.write(
        "configguard.yaml",
        f"""
        version: 1
        targets:
          routes:
            files: ["/conf/*.yaml"]
            rules: [rules.yaml]
            consumer:
              {consumer}
        """,
    )
    return project


def by_rule(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {f["rule"]: f for f in report["findings"]}


def test_return_value_is_checked_by_a_size_rule(project: Project) -> None:
    make(project, "python: compiler:compile\n              output: return")
    project.write("conf/a.yaml", "declared: [p1, p9]\nsites:\n  - {name: ams, prefixes: [p1]}\n")
    code, report = project.json("check")
    assert code == 1
    (finding,) = report["findings"]
    assert finding["rule"] == "out.unrouted"
    assert finding["path"] == "/unrouted"
    assert (finding["file"], finding["line"], finding["column"]) == ("conf/a.yaml", 1, 1)
    assert finding["message"] == "on output of consumer:compiler:compile: 1 item, at most 0 allowed"
    # a file whose output is fine passes; the file rule still reads the file
    project.write("conf/a.yaml", "declared: [p1]\nsites:\n  - {name: ams, prefixes: [p1]}\n")
    assert project.json("check") == (
        0,
        {**report, "findings": [], "summary": {**report["summary"], "errors": 0}},
    )


def test_change_rule_compares_the_previous_versions_output(project: Project) -> None:
    make(project, "python: compiler:compile\n              output: return")
    project.write("conf/a.yaml", NEW)
    project.write("good/conf/a.yaml", OLD)
    code, report = project.json("check", "conf/a.yaml", "--base-path", "good")
    assert code == 1
    finding = by_rule(report)["out.shrink"]
    assert finding["path"] == "/routes" and (finding["old"], finding["new"]) == (4, 2)
    assert finding["message"].startswith("on output of consumer:compiler:compile: 4 → 2 items")
    # the output change summary, keyed like the file's
    (change,) = report["changes"]
    (output,) = change["output"]
    assert output["consumer"] == "compiler:compile"
    routes = next(c for c in output["lists"] if c["path"] == "/routes")
    assert (routes["old"], routes["new"], routes["key"], routes["removed"]) == (4, 2, ["id"], 2)
    # without a previous version the change rule is silent
    code, report = project.json("check", "conf/a.yaml")
    assert code == 0 and "changes" not in report


def test_dataclasses_named_tuples_sets_and_enums_become_json(project: Project) -> None:
    make(
        project,
        "python: compiler:compile\n              output: return",
        """
        rules:
          - id: out.kind
            kind: cel
            on: output
            expr: "self.routes.all(r, r.kind == 'static') && self.sites[0].tags == ['a', 'b']"
        """,
    )
    project.write("conf/a.yaml", "sites:\n  - {name: ams, prefixes: [p1], tags: [b, a]}\n")
    code, report = project.json("check")
    assert (code, report["findings"]) == (0, [])


def test_a_consumer_without_output_runs_once_and_as_before(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    make(
        project,
        "python: compiler:compile",
        "rules:\n  - {id: f, kind: max-items, path: /sites, max: 9}\n",
    )
    project.write("conf/a.yaml", NEW)
    project.write("good/conf/a.yaml", OLD)
    calls = count_runs(monkeypatch)
    code, report = project.json("check", "conf/a.yaml", "--base-path", "good")
    assert code == 0 and report["findings"] == [] and "output" not in report["changes"][0]
    assert calls == [1]


def count_runs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls = [0]
    real = PythonRunner.run

    def counted(self: PythonRunner, *args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return real(self, *args, **kwargs)

    monkeypatch.setattr(PythonRunner, "run", counted)
    return calls


def test_at_most_one_run_per_version(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    make(project, "python: compiler:compile\n              output: return")
    project.write("conf/a.yaml", NEW)
    project.write("good/conf/a.yaml", OLD)
    calls = count_runs(monkeypatch)
    project.json("check", "conf/a.yaml", "--base-path", "good", "-v")
    assert calls == [2]
    # a previous version with the same bytes shares the proposed run
    project.write("good/conf/a.yaml", NEW)
    calls[0] = 0
    code, _ = project.json("check", "conf/a.yaml", "--base-path", "good")
    assert (code, calls) == (0, [1])


def test_previous_version_that_crashes_is_info_and_change_rules_stay_silent(
    project: Project,
) -> None:
    make(project, "python: compiler:compile\n              output: return")
    project.write("conf/a.yaml", "declared: [p1]\n" + NEW)
    project.write("good/conf/a.yaml", "crash: true\n" + OLD)
    code, report = project.json("check", "conf/a.yaml", "--base-path", "good")
    found = by_rule(report)
    assert set(found) == {"consumer-previous", "out.unrouted"}, found
    info = found["consumer-previous"]
    assert info["severity"] == "info" and code == 1
    assert info["message"] == (
        "on output of consumer:compiler:compile: the previous version (good/conf/a.yaml) "
        "crashes: RuntimeError: cannot compile (at compiler.py:21 in compile); change rules "
        "on its output are not checked"
    )


def test_return_value_with_no_json_form_is_exit_two_located(project: Project) -> None:
    make(project, "python: compiler:broken\n              output: return")
    project.write("conf/a.yaml", NEW)
    result = project.run("check")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        "configguard: error: conf/a.yaml:1:1: consumer compiler:broken (output: return) "
        "returned a value with no JSON form: datetime.date at /routes/0/at; return mappings, "
        "lists, sets, strings, numbers, booleans, None, dataclasses, named tuples or enums"
    )


def test_output_over_the_limit_is_a_finding_and_not_read(project: Project) -> None:
    make(
        project,
        "python: compiler:big\n              output: return\n              output_limit: 1KB",
        "rules:\n  - {id: o, kind: max-length, on: output, path: /blob, max: 1}\n",
    )
    project.write("conf/a.yaml", NEW)
    code, report = project.json("check")
    (finding,) = report["findings"]
    assert code == 1 and finding["rule"] == "consumer-output"
    assert finding["message"] == (
        "on output of consumer:compiler:big: output over the limit (5,011 bytes; output_limit "
        "1 KB); rules on output are not checked"
    )


STDOUT_COMPILER = """
import json, sys, yaml
data = yaml.safe_load(open(sys.argv[1]))
routes = [{"id": s["name"] + "/" + p} for s in data["sites"] for p in s["prefixes"]]
if sys.argv[2] == "yaml":
    print(yaml.safe_dump({"routes": routes}))
elif sys.argv[2] == "json":
    print(json.dumps({"routes": routes}))
else:
    with open(sys.argv[2], "w") as fh:
        json.dump({"routes": routes}, fh)
"""

SHRINK = """
rules:
  - {id: out.shrink, kind: max-shrink, on: output, metric: items, path: /routes, ratio: 0.9}
  - {id: out.few, kind: min-items, on: output, path: /routes, min: 3}
"""


@pytest.mark.parametrize(
    ("argument", "output"), [("json", "stdout"), ("yaml", "stdout"), ("{out}", '"{out}"')]
)
def test_command_output_on_stdout_or_in_an_out_file(
    project: Project, argument: str, output: str
) -> None:
    project.write("compile.py", STDOUT_COMPILER)
    command = json.dumps([sys.executable, "compile.py", "{file}", argument])
    make(project, f"command: {command}\n              output: {output}", SHRINK)
    project.write("conf/a.yaml", NEW)
    project.write("good/conf/a.yaml", OLD)
    before = sorted(p.name for p in project.root.rglob("*"))
    code, report = project.json("check", "conf/a.yaml", "--base-path", "good")
    assert code == 1
    found = by_rule(report)
    assert set(found) == {"out.shrink", "out.few"}, found
    assert (found["out.shrink"]["old"], found["out.shrink"]["new"]) == (4, 2)
    assert found["out.few"]["message"].startswith("on output of consumer:")
    assert report["changes"][0]["output"][0]["lists"][0]["removed"] == 2
    after = sorted(p.name for p in project.root.rglob("*") if ".configguard" not in p.parts)
    assert after == before  # the output file lived in a private temporary folder


def test_command_output_that_is_not_data_or_missing(project: Project) -> None:
    project.write("say.py", "import sys\nprint('routes: [unclosed')\n")
    make(
        project,
        f"command: {json.dumps([sys.executable, 'say.py'])}\n              output: stdout",
        SHRINK,
    )
    project.write("conf/a.yaml", NEW)
    code, report = project.json("check")
    (finding,) = report["findings"]
    assert code == 1 and finding["rule"] == "consumer-output"
    assert "output not JSON or YAML" in finding["message"]
    make(
        project,
        f"command: {json.dumps([sys.executable, 'say.py', '{out}'])}\n"
        "              output: '{out}'",
        SHRINK,
    )
    code, report = project.json("check")
    assert "the command wrote no {out} file" in report["findings"][0]["message"]


def test_command_stdout_over_the_limit(project: Project) -> None:
    project.write("flood.py", "print('[' + '1,' * 100000 + '1]')\n")
    make(
        project,
        f"command: {json.dumps([sys.executable, 'flood.py'])}\n"
        "              output: stdout\n              output_limit: 10KB",
        SHRINK,
    )
    project.write("conf/a.yaml", NEW)
    code, report = project.json("check")
    (finding,) = report["findings"]
    assert code == 1
    assert (
        finding["rule"] == "consumer-output"
        and "over the limit (200,004 bytes" in finding["message"]
    )


@pytest.mark.parametrize(
    ("consumer", "message"),
    [
        ("python: compiler:compile\n              output: stdout", "'output: return'"),
        ('command: ["true"]\n              output: return', "'stdout' or '{out}'"),
        ('command: ["true"]\n              output: "{out}"', "put {out} in its arguments"),
    ],
)
def test_output_modes_must_fit_the_consumer(project: Project, consumer: str, message: str) -> None:
    make(project, consumer)
    project.write("conf/a.yaml", NEW)
    result = project.run("check")
    assert result.exit_code == 2 and message in result.stderr


def test_rule_on_output_needs_a_consumer_that_declares_one(project: Project) -> None:
    make(project, "python: compiler:compile")
    project.write("conf/a.yaml", NEW)
    result = project.run("check")
    assert result.exit_code == 2
    assert result.stderr.startswith("configguard: error: rules.yaml:2: rule 'out.unrouted'")
    assert "declares none (add output: to its consumer)" in result.stderr


def test_verbose_shows_what_the_output_change_does(project: Project) -> None:
    make(project, "python: compiler:compile\n              output: return")
    project.write("conf/a.yaml", NEW)
    project.write("good/conf/a.yaml", OLD)
    result = project.run("check", "conf/a.yaml", "--base-path", "good", "-v", "--no-color")
    assert "    output of consumer compiler:compile: " in result.stdout
    assert "      /routes: 4 -> 2 entries by id (-50%) (+0 added, -2 removed, ~0 changed)" in (
        result.stdout
    )


def test_the_example_blocks_the_withdrawal_in_a_real_process(tmp_path: Path) -> None:
    import subprocess

    from tests.conftest import REPO

    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "configguard",
            "check",
            "--base-path",
            "last-known-good",
            "--format",
            "json",
        ],
        cwd=REPO / "examples" / "route-compiler",
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
    )
    assert result.returncode == 1, result.stderr
    report = json.loads(result.stdout)
    rules = sorted(f["rule"] for f in report["findings"])
    assert rules == [
        "announcements.every-prefix-routed",
        "announcements.no-withdrawn-route",
        "announcements.withdrawals",
    ]
    routes = report["changes"][0]["output"][0]["lists"][0]
    assert (routes["path"], routes["old"], routes["new"]) == ("/routes", 24, 16)


def test_explain_says_a_rule_reads_the_output(project: Project) -> None:
    make(project, "python: compiler:compile\n              output: return")
    result = project.run("explain", "out.shrink")
    assert result.exit_code == 0
    assert "  on:        output (what its target's consumer makes of the file)" in result.stdout
    assert "compare the output of the previous version" in result.stdout
    assert project.run("explain", "output").stdout.startswith("on: output: the rule reads")
    for name in ("consumer-output", "consumer-previous", "output-invariant"):
        assert project.run("explain", name).exit_code == 0


EXPORTER = """
def export(data):
    return {"exported": [r["name"] for r in data["routes"] if r["weight"] > 50]}
"""

ROUTE_SCHEMA = {
    "type": "object",
    "required": ["routes"],
    "additionalProperties": False,
    "properties": {
        "routes": {
            "type": "array",
            "maxItems": 50,
            "items": {
                "type": "object",
                "required": ["name", "weight"],
                "additionalProperties": False,
                "properties": {
                    "name": {"type": "string"},
                    "weight": {"type": "integer", "minimum": 0, "maximum": 100},
                },
            },
        }
    },
}


def test_fuzz_finds_and_shrinks_an_output_invariant_violation(project: Project) -> None:
    project.write("exporter.py", EXPORTER)
    project.write("schemas/routes.schema.json", ROUTE_SCHEMA)
    project.write(
        "rules.yaml",
        """
        rules:
          - {id: out.export, kind: max-items, on: output, path: /exported, max: 3}
          - {id: out.shrink, kind: max-shrink, on: output, metric: items, path: /exported,
             ratio: 0.5}
        """,
    )
    project.write(
        "configguard.yaml",
        """
        version: 1
        targets:
          routes:
            files: ["/conf/*.json"]
            schema: schemas/routes.schema.json
            rules: [rules.yaml]
            consumer: {python: "exporter:export", output: return}
        """,
    )
    project.write(
        "conf/a.json", {"routes": [{"name": "a", "weight": 90}, {"name": "b", "weight": 10}]}
    )
    result = project.run(
        "fuzz",
        "--seed",
        "3",
        "--max-time",
        "60s",
        "--max-examples",
        "3000",
        "--no-headroom",
        "--format",
        "json",
    )
    assert result.exit_code == 1, result.stdout
    findings = json.loads(result.stdout)["findings"]
    (finding,) = [f for f in findings if f["rule"] == "output-invariant"]
    assert finding["severity"] == "error"
    assert "breaks out.export: /exported: 4 items, at most 3 allowed" in finding["message"]
    # shrunk: the smallest input that exports too much has exactly 4 routes, all over 50
    saved = json.loads((project.root / finding["file"]).read_text())
    assert len(saved["routes"]) == 4 and all(r["weight"] > 50 for r in saved["routes"])
    assert not [f for f in findings if f["rule"] == "latent-bug"]  # it never crashes on one
    # replaying the reproducer reports it again
    replay = project.run("fuzz", "--replay", ".configguard/crashes", "--format", "json")
    replayed = json.loads(replay.stdout)["findings"]
    assert [f["file"] for f in replayed if f["rule"] == "output-invariant"] == [finding["file"]]


def test_change_rule_on_output_against_a_git_ref(project: Project) -> None:
    import subprocess

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=project.root, check=True, capture_output=True)

    project.write("stdout.py", STDOUT_COMPILER)
    command = json.dumps([sys.executable, "stdout.py", "{file}", "json"])
    make(project, f"command: {command}\n              output: stdout", SHRINK)
    project.write("conf/a.yaml", OLD)
    git("init", "-q", "-b", "main")
    git("config", "user.email", "t@example.com")
    git("config", "user.name", "t")
    git("add", ".")
    git("commit", "-q", "-m", "base")
    project.write("conf/a.yaml", NEW)
    code, report = project.json("check", "--base", "HEAD")
    assert code == 1
    shrink = by_rule(report)["out.shrink"]
    assert (shrink["old"], shrink["new"]) == (4, 2)
    assert report["changes"][0]["output"][0]["bytes"]["old"] > 0
