"""TOML ``inf``/``nan`` are parse errors (no JSON equivalent) whose message names the value
and whose line and column are that value's: before, the message named whichever value a
stack popped first while the location was the first ``= inf|nan`` in the text."""

from __future__ import annotations

from pathlib import Path

import pytest

from configguard.load import load

CASES = [
    ("a = inf\nb = nan\n", "inf at /a", 1, 5),
    ("b = nan\na = inf\n", "nan at /b", 1, 5),
    ("a = 1\nb = [1, nan]\n", "nan at /b/1", 2, 9),
    ("x = 1\n[t]\narr = [\n  1.0,\n  -inf,\n]\n", "-inf at /t/arr/1", 5, 3),
    ('s = "= nan"\nt = { u = +inf }\n', "inf at /t/u", 2, 11),
    ("[[p]]\nv = 1\n[[p]]\nv = -nan\n", "nan at /p/1/v", 4, 5),
]


@pytest.mark.parametrize(("text", "message", "line", "column"), CASES)
def test_non_finite_is_located_where_it_is(
    tmp_path: Path, text: str, message: str, line: int, column: int
) -> None:
    path = tmp_path / "c.toml"
    path.write_text(text, encoding="utf-8")
    [problem] = load(path, "c.toml").problems
    assert problem.kind == "parse-error"
    assert problem.message.startswith(message + " has no JSON equivalent"), problem.message
    assert (problem.line, problem.column) == (line, column)
