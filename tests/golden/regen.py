"""Regenerate the golden reports: ``python -m tests.golden.regen``. Never edit them by hand."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from click.testing import CliRunner

from configguard.cli import main

HERE = Path(__file__).resolve().parent
PROJECT = HERE / "project"
EXAMPLE = HERE.parent.parent / "examples" / "bot-features"
ROUTES = HERE.parent.parent / "examples" / "route-compiler"
"""Rules on a consumer's output and the output change summary (``output:``)."""

# (golden file, folder to run in, arguments)
CASES: list[tuple[str, Path, list[str]]] = [
    ("project.text.txt", PROJECT, ["check", "--no-color"]),
    ("project.verbose.txt", PROJECT, ["check", "--no-color", "-v"]),
    ("project.json", PROJECT, ["check", "--format", "json"]),
    ("example.text.txt", EXAMPLE, ["check", "--no-color"]),
    ("example.json", EXAMPLE, ["check", "--format", "json"]),
    ("project.sarif", PROJECT, ["check", "--format", "sarif"]),
    ("project.junit.xml", PROJECT, ["check", "--format", "junit"]),
    ("project.github.txt", PROJECT, ["check", "--format", "github"]),
    ("project.md", PROJECT, ["check", "--format", "markdown"]),
    ("project.quiet.txt", PROJECT, ["check", "--no-color", "--quiet"]),
    ("routes.json", ROUTES, ["check", "--base-path", "last-known-good", "--format", "json"]),
    ("routes.md", ROUTES, ["check", "--base-path", "last-known-good", "--format", "markdown"]),
    ("routes.verbose.txt", ROUTES, ["check", "--base-path", "last-known-good", "--no-color", "-v"]),
]


def render(folder: Path, args: list[str]) -> str:
    cwd = Path.cwd()
    os.chdir(folder)
    try:
        result = CliRunner().invoke(main, args, env={"NO_COLOR": "1", "COLUMNS": "100"})
    finally:
        os.chdir(cwd)
    return f"exit {result.exit_code}\n{result.stdout}"


def main_() -> None:
    for name, folder, args in CASES:
        (HERE / name).write_text(render(folder, args), encoding="utf-8")
        print(f"wrote {name}", file=sys.stderr)
    from tests.golden import reporters_sample

    reporters_sample.main()
    adopt()


def adopt() -> None:
    """``adopt/after.yaml``: what ``check --add-ignores`` makes of ``adopt/before.yaml``."""
    import tempfile

    from configguard import adopt as adopt_module
    from tests.cli.test_add_ignores import ADOPTION_DAY, REASON, shop_files

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for name, text in shop_files().items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(text, encoding="utf-8")
        today = adopt_module._today
        adopt_module._today = lambda: ADOPTION_DAY
        try:
            render(root, ["check", "--add-ignores", REASON])
        finally:
            adopt_module._today = today
        after = (root / "configguard.yaml").read_text(encoding="utf-8")
    (HERE / "adopt" / "after.yaml").write_text(after, encoding="utf-8")
    print("wrote adopt/after.yaml", file=sys.stderr)


if __name__ == "__main__":
    main_()
