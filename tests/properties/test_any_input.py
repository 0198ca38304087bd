"""Whatever bytes a file holds, ``check`` returns a report (or a ConfigurationError), the
JSON report parses, and no other exception escapes."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import configguard
from configguard.reporters import ReportOptions, get_reporter

SCHEMA = {"type": "object", "properties": {"a": {"type": "array", "maxItems": 3}}}
yamlish = st.text(
    alphabet=st.sampled_from(list("ab:-[]{},'\"#&*!|>~ \n\t.0123456789<")), max_size=80
)


def check_bytes(folder: Path, name: str, content: bytes) -> None:
    (folder / "s.json").write_text(json.dumps(SCHEMA))
    (folder / name).write_bytes(content)
    try:
        report = configguard.check([name], schema="s.json", cwd=folder)
    except configguard.ConfigurationError:
        return
    assert report.exit_code() in (0, 1)
    out = io.StringIO()
    get_reporter("json").emit(report, out, ReportOptions())
    parsed: dict[str, Any] = json.loads(out.getvalue())
    assert parsed["summary"]["files"] == 1
    get_reporter("text").emit(report, io.StringIO(), ReportOptions())


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.binary(max_size=200), st.sampled_from(["x.json", "x.yaml", "x.toml"]))
@example(b"\xff\xfe\x00", "x.json")
@example(b"a: *x", "x.yaml")
def test_arbitrary_bytes(tmp_path: Path, content: bytes, name: str) -> None:
    check_bytes(tmp_path, name, content)


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(yamlish, st.sampled_from(["x.json", "x.yaml", "x.toml"]))
@example("<<: 1", "x.yaml")
@example("a: &x [*x]", "x.yaml")
@example("? [a]\n: 1", "x.yaml")
def test_yamlish_text(tmp_path: Path, text: str, name: str) -> None:
    check_bytes(tmp_path, name, text.encode())
