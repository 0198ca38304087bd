"""The kind registry, each kind's documented PASS/FAIL examples, and the ReDoS analysis."""

from __future__ import annotations

import re
import time
import tomllib
from pathlib import Path

import pytest

from configguard.errors import ConfigurationError
from configguard.explain import explain, kinds_table
from configguard.kinds import available, builtin, examples, get_kind
from configguard.kinds._redos import analyse
from tests.conftest import REPO
from tests.unit.test_cases import run_case


def test_builtins_register_through_entry_points() -> None:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    declared = pyproject["project"]["entry-points"]["configguard.rules"]
    # one module per kind, named after it, declared as an entry point like any plugin
    assert set(declared) == set(builtin())
    assert {n: t.partition(":")[0] for n, t in declared.items()} == builtin()
    for name, target in declared.items():
        assert type(get_kind(name)).__name__ == target.partition(":")[2]
    assert set(builtin()) <= set(available())


def test_unknown_kind_suggests_the_nearest() -> None:
    with pytest.raises(ConfigurationError, match="did you mean 'max-items'"):
        get_kind("max-itmes")


@pytest.mark.parametrize("name", sorted(builtin()))
def test_documented_examples_hold(name: str, tmp_path: Path) -> None:
    """Every kind's docstring has a Rule, a PASS and a FAIL block, and they are true."""
    import yaml

    blocks = examples(get_kind(name).doc())
    labels = [label for label, _ in blocks]
    assert labels.count("Rule") == 1 and "PASS" in labels and "FAIL" in labels, labels
    rule = yaml.safe_load(dict(blocks)["Rule"])
    assert rule["kind"] == name
    options = {k: v for k, v in rule.items() if k not in ("id", "kind")}
    old = dict(blocks).get("Old")
    for label, text in blocks:
        if label not in ("PASS", "FAIL"):
            continue
        case = {"rule": options, "document": text, **({"old": old} if old else {})}
        findings = run_case(name, case, tmp_path)
        if label == "PASS":
            assert findings == [], [f.message for f in findings]
        else:
            assert findings, f"{name}: the FAIL example does not fire"


def test_rules_table_lists_every_kind_with_arguments() -> None:
    table = kinds_table()
    for name in builtin():
        assert f"\n{name} " in table
    assert "path values | pattern" in table
    assert "metric [ratio] [max_added]" in table


def test_explain_a_kind_and_an_unknown_name() -> None:
    assert "PASS::" in explain("unique", None)
    assert "on by default" in explain("no-duplicate-keys", None).lower()
    with pytest.raises(ConfigurationError, match="did you mean 'regex-safe'"):
        explain("regex-saf", None)


# -- catastrophic backtracking ----------------------------------------------------------
EXPONENTIAL = [
    r"(a+)+$",
    r"(\w+\s?)*$",
    r"^([a-z0-9]+)*@",
    r"(x+x+)+y",
    r"(.*,)*x",
    r"^(\s*\w+\s*=\s*\w+\s*;?)*$",
]
POLYNOMIAL = [
    r".*(?:.*=.*)",  # Cloudflare, 2 July 2019
    r"a*a*b",
    r"\s*#?\s*$x",
]
SAFE = [
    r"^[a-z]+$",
    r"\d+\.\d+",
    r"(?:[a-z]+,)*$",
    r"^\d{1,3}(?:\.\d{1,3}){3}$",
    r"a*a*",
    r"^[\w.+-]+@[\w-]+\.[\w.-]+$",
    r"(a|a)*b",
    r"^(?:(?!--)[a-z-])+$",
    r"abc",
]


def _seconds(pattern: str, text: str) -> float:
    start = time.perf_counter()
    re.search(pattern, text)
    return time.perf_counter() - start


@pytest.mark.parametrize("pattern", EXPONENTIAL)
def test_exponential_patterns_and_their_attack(pattern: str) -> None:
    verdict = analyse(pattern)
    assert verdict is not None and verdict.kind == "exponential"
    # the attack really is slow: a linear match of 80 characters takes microseconds
    n, took = 1, 0.0
    while took < 0.05 and len(verdict.attack(n)) <= 80:
        n += 1
        took = _seconds(pattern, verdict.attack(n))
    assert took >= 0.05, f"{verdict.example()} stayed fast up to n={n}"


@pytest.mark.parametrize("pattern", POLYNOMIAL)
def test_polynomial_patterns(pattern: str) -> None:
    verdict = analyse(pattern)
    assert verdict is not None and verdict.kind == "polynomial", verdict


def test_the_cloudflare_2019_attack_is_slow() -> None:
    pattern = r".*(?:.*=.*)"
    verdict = analyse(pattern)
    assert verdict is not None
    slow = _seconds(pattern, verdict.attack(1500))
    assert slow > 20 * _seconds(r"^[a-z]*$", verdict.attack(1500) + "!")


@pytest.mark.parametrize("pattern", SAFE)
def test_safe_patterns(pattern: str) -> None:
    assert analyse(pattern) is None


def test_a_pattern_that_does_not_compile() -> None:
    with pytest.raises(re.error):
        analyse("(unclosed")


def test_a_pattern_too_large_is_reported_not_passed(tmp_path: Path) -> None:
    from configguard.kinds._redos import TooComplex

    with pytest.raises(TooComplex):
        analyse("x" * 3100)
    case = {"rule": {"path": "/p"}, "document": f"p: {'x' * 3100}\n"}
    [finding] = run_case("regex-safe", case, tmp_path)
    assert "too complex to analyse" in finding.message
