"""Every reporter against its golden files (width 80, colour off).

Regenerate with ``python -m tests.golden.reporters_sample`` when a change is intended.
"""

from __future__ import annotations

import pytest

from configguard.findings import Report
from configguard.reporters import ReportOptions
from tests.golden.reporters_sample import CASES, HERE, render


@pytest.mark.parametrize(("name", "fmt", "report", "options"), CASES, ids=[c[0] for c in CASES])
def test_reporter_matches_golden(
    name: str, fmt: str, report: Report, options: ReportOptions
) -> None:
    expected = (HERE / name).read_text(encoding="utf-8")
    assert render(fmt, report, options) == expected, (
        "run `python -m tests.golden.reporters_sample` if the change is intended"
    )
