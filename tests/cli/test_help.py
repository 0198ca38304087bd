"""--help reads as a new user needs: no command summary cut mid-sentence."""

from __future__ import annotations

from click.testing import CliRunner

from configguard.cli import main


def test_command_summaries_are_whole_sentences() -> None:
    result = CliRunner().invoke(main, ["--help"], env={"COLUMNS": "80"})
    commands = result.stdout.split("Commands:", 1)[1].strip().splitlines()
    assert len(commands) >= 6
    for line in commands:
        assert line.rstrip().endswith(".") and not line.rstrip().endswith("..."), line
