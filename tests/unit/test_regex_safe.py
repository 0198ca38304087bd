"""regex-safe on case-insensitive and scoped-flag patterns (real OWASP CRS ones among them),
and how it reports a pattern it gives up on (an info finding, never an error)."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from configguard.findings import Severity
from configguard.kinds._redos import TooComplex, analyse
from tests.unit.test_cases import run_case

# @rx operands of the OWASP Core Rule Set (coreruleset 2cbd1d019): before the fix every
# one of them raised "TypeError: ord() expected a character, but string of length 2
# found" ("ß".upper() is "SS"), which made the whole run exit 2.
CRS_CASE_INSENSITIVE_SAFE = [
    r"(?i)<APPLET[\s/+>]",
    r"(?i)%uff[0-9a-f]{2}",
    r"(?i)<script[^>]*>[\s\S]*?",
    r"(?i)(?:\$|&dollar;?)(?:\{|&l(?:brace|cub);?)",
    r"(?i)php://(?:std(?:in|out|err)|(?:in|out)put|f(?:d|ilter)|memory|temp)",
    r"(?i)[a-z]+=(?:[^:=]+:[^;]+;)*?[^:=]+:url\(javascript",
]
CRS_CASE_INSENSITIVE_POLYNOMIAL = [
    r"(?i)union.*?select.*?from",
    r"(?i)<EMBED[\s/+].*?(?:src|type).*?=",
]


@pytest.mark.parametrize("pattern", CRS_CASE_INSENSITIVE_SAFE)
def test_crs_case_insensitive_patterns_that_are_linear(pattern: str) -> None:
    assert analyse(pattern) is None


@pytest.mark.parametrize("pattern", CRS_CASE_INSENSITIVE_POLYNOMIAL)
def test_crs_case_insensitive_patterns_that_backtrack(pattern: str) -> None:
    verdict = analyse(pattern)
    assert verdict is not None and verdict.kind == "polynomial", verdict
    # the attack string really slows Python's re down: 8x the input, far more than 8x the time
    short, long = verdict.attack(150), verdict.attack(1200)
    assert _seconds(pattern, long) > 20 * _seconds(pattern, short)


def _seconds(pattern: str, text: str) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        re.search(pattern, text)
        best = min(best, time.perf_counter() - start)
    return best


# Case folding decided exactly as Python's re decides it: (?i) makes the two branches
# overlap (so exponential), the same pattern without it, or with the flag turned off in a
# scoped group, is linear; the Kelvin sign folds to k but not under (?a); ß is not SS.
FLAGS = [
    (r"(?i)(ab|AB)+$", "exponential"),
    (r"(ab|AB)+$", None),
    (r"(?i:ab|AB)+$", "exponential"),
    (r"(?i)(?-i:ab|AB)+$", None),
    ("(?i)(kx|\u212ax)+$", "exponential"),
    ("(kx|\u212ax)+$", None),
    ("(?a)(?i)(kx|\u212ax)+$", None),
    ("(?i)(\u00dfx|\u1e9ex)+$", "exponential"),
    ("(?i)(\u00dfx|SSx)+$", None),
    # [^a] under (?i) excludes A too, so the branches cannot both match
    (r"(?i)([^a]b|Ab)+$", None),
    (r"([^a]b|Ab)+$", "exponential"),
    (r"(?s:(.|\n)+)x", "exponential"),
    (r"(.|\n)+x", None),
]


@pytest.mark.parametrize(("pattern", "kind"), FLAGS)
def test_flags_decide_which_characters_overlap(pattern: str, kind: str | None) -> None:
    verdict = analyse(pattern)
    assert (verdict.kind if verdict else None) == kind, verdict
    if verdict is not None:  # and the attack is real: exponential, so 5 more pumps cost > 30x
        assert _seconds(pattern, verdict.attack(8)) > 30 * _seconds(pattern, verdict.attack(3))


def test_a_case_insensitive_document_is_checked_not_crashed(tmp_path: Path) -> None:
    document = "patterns:\n" + "".join(
        f"  - '{p}'\n" for p in CRS_CASE_INSENSITIVE_SAFE + CRS_CASE_INSENSITIVE_POLYNOMIAL
    )
    findings = run_case(
        "regex-safe", {"rule": {"path": "/patterns/*"}, "document": document}, tmp_path
    )
    first = len(CRS_CASE_INSENSITIVE_SAFE)
    assert [f.path for f in findings] == [
        f"/patterns/{i}" for i in range(first, first + len(CRS_CASE_INSENSITIVE_POLYNOMIAL))
    ]
    assert all(f.severity == Severity.ERROR for f in findings)


def test_giving_up_is_an_info_finding_whatever_the_rule_severity(tmp_path: Path) -> None:
    with pytest.raises(TooComplex):
        analyse("x" * 3100)
    case = {
        "rule": {"path": "/p", "severity": "error"},
        "document": f"p: {'x' * 3100}\nq: '(a+)+$'\n",
    }
    [finding] = run_case("regex-safe", case, tmp_path)
    assert "too complex to analyse" in finding.message
    assert finding.severity == Severity.INFO
    case["rule"]["path"] = "/*"
    too_complex, exponential = run_case("regex-safe", case, tmp_path)
    assert (too_complex.severity, exponential.severity) == (Severity.INFO, Severity.ERROR)


def test_the_budget_bounds_the_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Work is counted in steps: a small budget gives up early, with TooComplex."""
    import configguard.kinds._redos as redos

    pattern = r"(?i)(?:[\n\r;`\{]|\|\|?|&&?)[\s\x0b]*[\s\x0b\"'\(,@]*(?:[0-9A-Z_a-z]+)+\b"
    monkeypatch.setattr(redos, "BUDGET", 1000)
    with pytest.raises(TooComplex, match="too large"):
        analyse(pattern)


def test_a_repeat_count_python_refuses_is_a_finding(tmp_path: Path) -> None:
    case = {"rule": {"path": "/p"}, "document": "p: 'a{4294967296}'\n"}
    [finding] = run_case("regex-safe", case, tmp_path)
    assert "does not compile" in finding.message and finding.severity == Severity.ERROR
