"""Properties of loading: any JSON text loads to what json.loads gives, as JSON and as YAML,
and every value of the document has a position."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from configguard.load import load
from configguard.locate import join


def documents(text: st.SearchStrategy[str]) -> st.SearchStrategy[Any]:
    numbers = st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    scalars = st.none() | st.booleans() | numbers | text
    return st.recursive(
        scalars,
        lambda kids: st.lists(kids, max_size=4) | st.dictionaries(text, kids, max_size=4),
        max_leaves=25,
    )


values = documents(st.text(st.characters(exclude_categories=("Cs",)), max_size=12))
# YAML text must be printable: no raw control characters or non-characters
yaml_values = documents(st.text(st.characters(exclude_categories=("Cs", "Cc", "Cn")), max_size=12))


def pointers(data: Any, prefix: tuple[Any, ...] = ()) -> list[str]:
    out = [join(prefix)]
    if isinstance(data, dict):
        for key, value in data.items():
            out.extend(pointers(value, (*prefix, key)))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            out.extend(pointers(value, (*prefix, i)))
    return out


def roundtrip(tmp: Path, name: str, content: str) -> Any:
    path = tmp / name
    path.write_text(content, encoding="utf-8")
    loaded = load(path, name)
    assert loaded.problems == []
    [document] = loaded.documents
    index = document.source.positions(0)
    for pointer in pointers(document.data):
        assert pointer in index.values, pointer
    return document.data


@settings(max_examples=150, deadline=None)
@given(values, st.sampled_from([None, 2]))
def test_json_loads_like_json_module(tmp_path_factory: Any, data: Any, indent: int | None) -> None:
    content = json.dumps(data, indent=indent)
    tmp = tmp_path_factory.mktemp("j")
    assert roundtrip(tmp, "x.json", content) == json.loads(content)


@settings(max_examples=150, deadline=None)
@given(yaml_values, st.sampled_from([None, 2]))
def test_json_text_loads_as_yaml_12(tmp_path_factory: Any, data: Any, indent: int | None) -> None:
    # ensure_ascii=False: libyaml refuses JSON's surrogate-pair escapes ("\\ud800\\udc00"),
    # which YAML spells "\\U00010000"
    content = json.dumps(data, indent=indent, ensure_ascii=False)
    tmp = tmp_path_factory.mktemp("y")
    assert roundtrip(tmp, "x.yaml", content) == json.loads(content)
