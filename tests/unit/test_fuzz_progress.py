"""The fuzz progress on stderr: a rich bar on a terminal, plain periodic lines otherwise."""

from __future__ import annotations

import io

from configguard.cli import _FuzzProgress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_lines_when_not_a_terminal() -> None:
    stream = io.StringIO()
    with _FuzzProgress(stream, False, max_examples=1000, max_time=60.0) as progress:
        progress("bot", 0, 0, 0.0)
        progress("bot", 100, 0, 5.0)  # within 10 s of the last line: nothing new
        progress("bot", 250, 1, 12.5)
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2, lines
    assert lines[0].startswith("configguard: fuzzing bot: 0/1,000 examples, 0 failures")
    # 250 examples in 12.5 s: 750 more take 37.5 s, sooner than the 47.5 s of --max-time
    assert lines[1] == (
        "configguard: fuzzing bot: 250/1,000 examples, 1 failure, 12.5 s elapsed, about 37.5 s left"
    )


def test_time_bounds_what_is_left() -> None:
    progress = _FuzzProgress(io.StringIO(), False, max_examples=10_000, max_time=20.0)
    assert "about 10 s left" in progress.line("t", 100, 0, 10.0)  # the clock stops it first


def test_a_bar_on_a_terminal_and_nothing_when_quiet() -> None:
    stream = _Terminal()
    with _FuzzProgress(stream, False, max_examples=200, max_time=60.0) as progress:
        progress("bot", 50, 2, 1.0)
        task = progress._tasks["bot"]
        shown = progress._progress.tasks[task]
        assert shown.completed == 0.25 and shown.fields["counts"] == "50/200 · 2 failures"
    quiet = io.StringIO()
    with _FuzzProgress(quiet, True, max_examples=200, max_time=60.0) as progress:
        progress("bot", 50, 2, 1.0)
    assert quiet.getvalue() == ""
