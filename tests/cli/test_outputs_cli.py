"""`check --format/--output/--quiet/--color` through click's runner and a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import REPO, Project

BAD = "name: web\nreplicas: 12\n"


@pytest.fixture
def bad_project(with_schema: Callable[..., Project]) -> Project:
    project = with_schema()
    project.write("conf/a.yaml", BAD)
    project.write("conf/b.yaml", "name: api\n")
    return project


def test_output_file_gets_the_format_and_the_terminal_gets_text(bad_project: Project) -> None:
    result = bad_project.run("check", "--format", "sarif", "--output", "out/r.sarif")
    assert result.exit_code == 2  # the folder does not exist: one line, exit 2
    assert result.stderr.startswith("configguard: error: out/r.sarif: cannot write the sarif")
    assert len(result.stderr.splitlines()) == 1
    result = bad_project.run("check", "--format", "sarif", "--output", "r.sarif")
    assert result.exit_code == 1
    assert "conf/a.yaml:2:11: error [schema] /replicas" in result.stdout
    assert "Found 1 error in 1 of 2 files." in result.stdout
    sarif = json.loads((bad_project.root / "r.sarif").read_text(encoding="utf-8"))
    [res] = sarif["runs"][0]["results"]
    assert res["locations"][0]["physicalLocation"]["region"]["startLine"] == 2


def test_output_format_from_suffix_and_extra_reports(bad_project: Project) -> None:
    result = bad_project.run(
        "check", "--format", "github", "-o", "markdown:summary", "-o", "junit.xml", "-o", "r.json"
    )
    assert result.exit_code == 1
    # a bare FILE with --format github: github goes to the file, the terminal gets text
    assert "Found 1 error" in result.stdout
    assert (bad_project.root / "junit.xml").read_text().startswith("::error file=conf/a.yaml")
    assert (bad_project.root / "summary").read_text().startswith("## configguard: ❌ 1 error")
    result = bad_project.run("check", "-o", "r.xml", "-o", "r.sarif.json", "-o", "r.md")
    assert "<testsuites" in (bad_project.root / "r.xml").read_text()
    assert json.loads((bad_project.root / "r.sarif.json").read_text())["version"] == "2.1.0"
    assert (bad_project.root / "r.md").read_text().startswith("## configguard")


def test_github_annotations_on_stdout_and_markdown_to_a_file(bad_project: Project) -> None:
    result = bad_project.run("check", "--format", "github", "--output", "markdown:sum.md")
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0].startswith(
        "::error file=conf/a.yaml,line=2,col=11,title=configguard [schema]::/replicas: 12 is"
    )
    assert "| ❌ error | `conf/a.yaml` | 2:11 |" in (bad_project.root / "sum.md").read_text()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--format", "tap"], "unknown format 'tap' (choose from github, gitlab, json, junit"),
        (["-o", "report.out"], "cannot tell the format from the name"),
    ],
)
def test_bad_format_is_exit_2_before_any_work(
    bad_project: Project, args: list[str], expected: str
) -> None:
    result = bad_project.run("check", *args)
    assert result.exit_code == 2
    assert expected in result.stderr
    assert result.stdout == ""


def test_quiet(bad_project: Project) -> None:
    result = bad_project.run("check", "-q")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "conf/a.yaml:2:11: error [schema] /replicas: 12 is greater than the maximum of 10"
    ]
    (bad_project.root / "conf/a.yaml").write_text("name: web\n")
    result = bad_project.run("check", "--quiet")
    assert (result.exit_code, result.stdout) == (0, "")


def test_quiet_leaves_report_files_whole(bad_project: Project) -> None:
    result = bad_project.run("check", "-q", "-o", "text:full.txt")
    assert "Found 1 error" not in result.stdout
    assert "Found 1 error" in (bad_project.root / "full.txt").read_text()


def test_colour_choices(bad_project: Project) -> None:
    plain = bad_project.run("check")  # not a terminal: plain
    assert "\x1b[" not in plain.stdout
    forced = bad_project.run("check", "--color")
    assert "\x1b[" in forced.stdout
    assert "\x1b[" not in bad_project.run("check", env={"FORCE_COLOR": "1", "NO_COLOR": "1"}).stdout
    assert "\x1b[" in bad_project.run("check", env={"FORCE_COLOR": "1"}).stdout
    assert "\x1b[" not in bad_project.run("check", "--no-color", env={"FORCE_COLOR": "1"}).stdout
    # colour never reaches a report file
    bad_project.run("check", "--color", "-o", "text:t.txt")
    assert "\x1b[" not in (bad_project.root / "t.txt").read_text()


def test_columns_sets_the_width_of_snippets(with_schema: Callable[..., Project]) -> None:
    project = with_schema()
    long_line = "name: web\nreplicas: 12" + " " * 10 + "# " + "x" * 200 + "\n"
    project.write("conf/a.yaml", long_line)
    narrow = project.run("check", env={"COLUMNS": "60"}).stdout.splitlines()
    snippet = next(line for line in narrow if line.startswith("    2 |"))
    assert len(snippet) <= 60
    wide = project.run("check").stdout.splitlines()
    assert len(next(line for line in wide if line.startswith("    2 |"))) <= 100


PLUGIN = '''
"""A third-party reporter: one line per finding, TAP style."""


class TapReporter:
    name = "tap"

    def emit(self, report, stream, options):
        stream.write(f"1..{len(report.findings)}\\n")
        for n, f in enumerate(report.findings, 1):
            stream.write(f"not ok {n} {f.file}:{f.line} {f.rule}\\n")
'''


def test_plugin_reporter_registers_by_entry_point(bad_project: Project, tmp_path: Path) -> None:
    """A real installed distribution (a dist-info on sys.path) adds the ``tap`` format."""
    site = tmp_path / "site"
    (site / "configguard_tap-1.0.dist-info").mkdir(parents=True)
    (site / "configguard_tap.py").write_text(textwrap.dedent(PLUGIN))
    (site / "configguard_tap-1.0.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: configguard-tap\nVersion: 1.0\n"
    )
    (site / "configguard_tap-1.0.dist-info" / "entry_points.txt").write_text(
        "[configguard.reporters]\ntap = configguard_tap:TapReporter\n"
    )
    env = {**os.environ, "PYTHONPATH": str(site), "NO_COLOR": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "configguard", "check", "--format", "tap"],
        cwd=bad_project.root,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1, result.stderr
    assert result.stdout == "1..1\nnot ok 1 conf/a.yaml:2 schema\n"
    result = subprocess.run(
        [sys.executable, "-m", "configguard", "check", "-o", "tap:r.tap"],
        cwd=bad_project.root,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert (bad_project.root / "r.tap").read_text().startswith("1..1")


def test_real_process_output_and_no_traceback(bad_project: Project) -> None:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    result = subprocess.run(
        [sys.executable, "-m", "configguard", "check", "--format", "junit", "-o", "j.xml"],
        cwd=bad_project.root,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "\x1b[" not in result.stdout  # piped: plain text
    assert "Found 1 error" in result.stdout
    assert 'failures="1"' in (bad_project.root / "j.xml").read_text()
    result = subprocess.run(
        [sys.executable, "-m", "configguard", "check", "-o", "/nonexistent/dir/x.sarif"],
        cwd=bad_project.root,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_version_does_not_import_reporters_or_heavy_libraries() -> None:
    code = (
        "import sys\n"
        "from configguard.cli import main\n"
        "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('rich', 'jsonschema_rs', 'jsonschema', 'hypothesis', 'ruamel',"
        " 'configguard.reporters.sarif', 'configguard.init', 'xml.etree.ElementTree')"
        " if m in sys.modules]\n"
        "print(heavy)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert result.stdout.strip().splitlines()[-1] == "[]"
