"""Reporter output against golden files (fixed width, colour off); regenerate with regen.py."""

from __future__ import annotations

import pytest

from tests.golden.regen import CASES, HERE, render


@pytest.mark.parametrize(("name", "folder", "args"), CASES, ids=[c[0] for c in CASES])
def test_report_matches_golden(name: str, folder: object, args: list[str]) -> None:
    expected = (HERE / name).read_text(encoding="utf-8")
    assert render(folder, args) == expected, "run `python -m tests.golden.regen` if intended"  # type: ignore[arg-type]
