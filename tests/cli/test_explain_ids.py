"""Every id configguard can emit is explainable: ``configguard explain ID`` for the ids it
emits itself (SARIF's help text tells users to run exactly that), and ``configguard rules``
lists them beside the kinds."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from configguard.cli import main
from configguard.findings import BUILTIN_FINDINGS
from configguard.kinds import builtin
from configguard.reporters import ReportOptions
from tests.golden.reporters_sample import SAMPLE, render


@pytest.mark.parametrize("name", sorted(BUILTIN_FINDINGS))
def test_every_builtin_id_is_explained(name: str) -> None:
    result = CliRunner().invoke(main, ["explain", name], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    if name in builtin():  # also a rule kind: its documentation, with examples
        assert "FAIL:" in result.output
    else:
        assert BUILTIN_FINDINGS[name].rstrip(".") in result.output


def test_the_ids_sarif_tells_users_to_explain_are_explainable() -> None:
    sarif = json.loads(render("sarif", SAMPLE, ReportOptions()))
    named = {r["id"] for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert named >= {"schema", "parse-error"}
    for rule in named - set(BUILTIN_FINDINGS):  # the sample's rules are not in a project here
        assert rule.count(".") >= 1
    for rule in named & set(BUILTIN_FINDINGS):
        assert CliRunner().invoke(main, ["explain", rule]).exit_code == 0


def test_rules_lists_the_ids_configguard_emits() -> None:
    result = CliRunner().invoke(main, ["rules"])
    assert result.exit_code == 0
    for name in ("consumer-crash", "latent-bug", "suppression", "file-deleted"):
        assert name in result.output
