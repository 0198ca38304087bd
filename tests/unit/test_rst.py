"""explain's reStructuredText, rendered: headings and code blocks, plain when piped."""

from __future__ import annotations

from click.testing import CliRunner

from configguard.cli import main
from configguard.reporters.rst import render

DOC = """unique: items repeat ``key``.

Heading
=======

Rule::

    id: x
    kind: unique

PASS::

    a: [1, 2]
"""


def test_plain_when_colour_is_off() -> None:
    out = render(DOC, color=False)
    assert "``" not in out and "::" not in out and "=====" not in out
    assert "unique: items repeat `key`." in out
    assert "Heading\n" in out
    assert "Rule:\n    id: x\n    kind: unique\n\nPASS:\n    a: [1, 2]\n" in out


def test_styled_on_a_terminal() -> None:
    out = render(DOC, color=True)
    assert "\x1b[" in out  # ANSI styles
    assert "::" not in out and "``" not in out
    assert "kind" in out and "unique" in out


def test_explain_command_renders() -> None:
    result = CliRunner().invoke(main, ["explain", "unique"], env={"NO_COLOR": "1"})
    assert result.exit_code == 0
    assert "PASS:\n    features:" in result.stdout
    assert "``" not in result.stdout and "PASS::" not in result.stdout
