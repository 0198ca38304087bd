"""A helper for a project's own test suite: fuzz its consumer with configguard's strategies.

    # tests/test_loader_fuzz.py
    from configguard.testing import assert_consumer_survives

    def test_feature_loader_survives_fuzzing():
        assert_consumer_survives("bot-features", config="configguard.yaml", max_examples=500)

It runs exactly what ``configguard fuzz`` runs (the same sources, isolation, shrinking and
reproducers under ``.configguard/crashes/``) and fails the test with the findings.
"""

from __future__ import annotations

from pathlib import Path

from .findings import Severity
from .fuzzing import FuzzReport, fuzz
from .units import plural


def assert_consumer_survives(
    *targets: str,
    config: str | Path | None = None,
    max_examples: int = 1000,
    max_time: float = 30.0,
    seed: int | None = None,
    allow_hardening: bool = False,
    cwd: str | Path | None = None,
) -> FuzzReport:
    """Fuzz ``targets`` (default: all with a consumer); AssertionError on any failure.

    ``allow_hardening``: let crashes on schema-invalid inputs pass (only latent bugs, crashes
    on inputs the schema allows, fail the test). Returns the report for further checks.
    """
    report = fuzz(
        targets,
        config=config,
        max_examples=max_examples,
        max_time=max_time,
        seed=seed,
        cwd=cwd,
        headroom=False,
    )
    failing = [f for f in report.findings if f.severity >= Severity.ERROR or not allow_hardening]
    if failing:
        lines = [f"{plural(len(failing), 'consumer failure')} found by configguard fuzz:"]
        for finding in failing:
            lines.append(f"  [{finding.rule}] {finding.message}")
            lines.extend(f"      {detail}" for detail in finding.details[:4])
            lines.append(f"      reproducer: {finding.file}")
        raise AssertionError("\n".join(lines))
    return report
