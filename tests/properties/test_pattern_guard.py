"""Guarding backtracking patterns changes no verdict: any pattern, any value, the guarded
schema says what jsonschema-rs alone says (unless the step limit was reached), and
nothing but a ConfigurationError escapes for a pattern no engine compiles."""

from __future__ import annotations

from typing import Any

import jsonschema_rs
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from configguard.errors import ConfigurationError
from configguard.schemas import CompiledSchema, SchemaRegistry

fragment = st.text(alphabet=st.sampled_from(list("ab.*+?()[]{}|^$\\1=!<:,0-9dws")), max_size=8)
# half the patterns carry a construct only the backtracking engine runs
fancy = st.sampled_from(["(?=a)", "(?!b)", "(a)\\1", "(?<=a)", "(?<!b)", "(?=(a+)+)"])
regexish = st.one_of(fragment, st.builds(lambda a, f, b: a + f + b, fragment, fancy, fragment))
values = st.text(alphabet=st.sampled_from(list("ab=1 !\n")), max_size=24)


def compiled(registry: SchemaRegistry, schema: dict[str, Any], tmp: Any) -> CompiledSchema:
    import json

    path = tmp / "s.json"
    path.write_text(json.dumps(schema))
    registry._compiled.clear()
    registry._documents.clear()
    registry._guarded.clear()
    return registry.compiled(path)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(regexish, st.lists(values, max_size=4))
@example("^(?!ab)a", ["ab", "a"])
@example("(a)\\1", ["aa", "ab"])
@example("^(a|a)*(?=b)$", ["a" * 30 + "!"])
def test_guard_agrees_with_jsonschema_rs(tmp_path: Any, pattern: str, items: list[str]) -> None:
    schema = {"type": "array", "items": {"type": "string", "pattern": pattern}}
    try:
        plain = jsonschema_rs.validator_for(schema)
    except (jsonschema_rs.ValidationError, ValueError):
        plain = None
    registry = SchemaRegistry()
    try:
        guarded = compiled(registry, schema, tmp_path)
    except ConfigurationError:
        assert plain is None  # refused only when jsonschema-rs refuses it too
        return
    assert plain is not None
    hits = guarded.hits(items)
    if any("backtracking" in h.message for h in hits):
        return  # the step limit decided: a finding, by design
    assert (not hits) == plain.is_valid(items)
    single = jsonschema_rs.validator_for({"pattern": pattern})
    for item in items:  # value by value, so one item's verdict cannot hide another's
        alone = compiled(registry, {"pattern": pattern}, tmp_path).hits(item)
        if not any("backtracking" in h.message for h in alone):
            assert (not alone) == single.is_valid(item)
