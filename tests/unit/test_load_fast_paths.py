"""The loading shortcuts for big files give the answers of the slow paths they replace."""

from __future__ import annotations

import json
import re
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from configguard.load import json as json_loader
from configguard.load import load
from configguard.previous import Previous, load_previous


def _write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_json_from_bytes_decodes_text_only_when_asked(tmp_path: Path) -> None:
    text = '{"name": "caf\u00e9",\n "n": [1, 2]}\n'
    loaded = load(_write(tmp_path, "a.json", text), "a.json")
    source = loaded.source
    assert source is not None and source._text is None  # not decoded yet
    assert loaded.documents[0].data == {"name": "caf\u00e9", "n": [1, 2]}
    assert source.text == text and source.size == len(text.encode())
    assert source.line_text(2) == ' "n": [1, 2]}'
    assert loaded.documents[0].locate("/n/1") == (2, 11)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "the file is empty; JSON needs a value"),
        (b"  \n", "the file is empty; JSON needs a value"),
        (b'{"a": 1,}', None),
        (b'{"a": "\xff"}', "not valid UTF-8 (byte 0xff); save the file as UTF-8"),
    ],
)
def test_json_bytes_that_do_not_parse_are_worded_by_the_exact_path(
    tmp_path: Path, raw: bytes, message: str | None
) -> None:
    loaded = load(_write(tmp_path, "a.json", raw), "a.json")
    (problem,) = loaded.problems
    assert problem.kind == "parse-error"
    if message is not None:
        assert problem.message == message


def test_repeated_key_found_in_a_long_list_serialised_in_slices(tmp_path: Path) -> None:
    items = [{"name": f"f{i}", "w": 1} for i in range(3 * json_loader._CHUNK + 5)]
    text = json.dumps(items).replace('"w": 1}', '"w": 1, "w": 2}', 1)  # one repeat, item 0
    loaded = load(_write(tmp_path, "big.json", text), "big.json")
    (problem,) = loaded.problems
    assert problem.kind == "no-duplicate-keys" and problem.pointer == "/0/w"
    assert json_loader._quotes(items) == json.dumps(items).count('"')
    as_object = {f"k{i}": i for i in range(2 * json_loader._CHUNK + 1)}
    assert json_loader._quotes(as_object) == json.dumps(as_object).count('"')
    # the previous version's repeats are nobody's business
    assert not load(tmp_path / "big.json", "big.json", duplicates=False).problems


@pytest.mark.parametrize("name", ["a.json", "a.yaml"])
def test_previous_with_the_same_bytes_shares_the_documents(tmp_path: Path, name: str) -> None:
    text = '{"items": [1, 2, 3]}\n' if name.endswith("json") else "items: [1, 2, 3]\n"
    current = load(_write(tmp_path, name, text), name)
    previous = load_previous(Previous("old/" + name, text.encode()), None, current)
    assert previous.documents[0].data is current.documents[0].data
    assert previous.source is not None and previous.source.display == "old/" + name
    assert previous.documents[0].locate("/items/2") == current.documents[0].locate("/items/2")
    changed = load_previous(Previous("old/" + name, text.replace("3", "4").encode()), None, current)
    assert changed.documents[0].data == {"items": [1, 2, 4]}


def test_previous_with_a_bom_is_parsed_not_shared(tmp_path: Path) -> None:
    current = load(_write(tmp_path, "a.json", '{"a": 1}'), "a.json")
    raw = b"\xef\xbb\xbf" + b'{"a": 1}'
    previous = load_previous(Previous("old.json", raw), None, current)
    assert previous.documents[0].data == {"a": 1}
    assert previous.documents[0].data is not current.documents[0].data


def test_integers_beyond_64_bits_stay_exact(tmp_path: Path) -> None:
    """orjson would read them as floats; such texts take the exact path."""
    path = tmp_path / "big-int.json"
    path.write_text('{"n": 123456789012345678901234567890, "m": 1.5}')
    [document] = load(path, "big-int.json").documents
    assert document.data == {"n": 123456789012345678901234567890, "m": 1.5}
    straddling = b" " * (json_loader._SLICE - 10) + b"1" * 20  # across two slices
    assert json_loader._long_digit_run(straddling)
    assert not json_loader._long_digit_run(b"1" * 18 + b" " + b"1" * 18)


def test_integers_below_64_bits_stay_exact(tmp_path: Path) -> None:
    """-9223372036854775809 has only 19 digits, and orjson reads it as a float too."""
    path = tmp_path / "small-int.json"
    path.write_text('{"n": -9223372036854775809, "m": 18446744073709551616}')
    [document] = load(path, "small-int.json").documents
    assert document.data == {"n": -9223372036854775809, "m": 18446744073709551616}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 24), st.sampled_from([b" ", b",", b".", b"e"]))))
def test_the_sampled_digit_scan_misses_no_run(runs: list[tuple[int, bytes]]) -> None:
    """The every-sixth-byte sample never hides a run of 19 digits, wherever it starts."""
    raw = b"".join(b"7" * length + gap for length, gap in runs)
    for shift in range(json_loader._STRIDE):
        text = b" " * shift + raw
        expected = bool(re.search(rb"[0-9]{19}", text))
        for looks in (0, 1, json_loader._LOOKS):  # the whole-text scan after `looks` places
            for size in (json_loader._RUN, 32, json_loader._SLICE):  # ... in slices this big
                with (
                    mock.patch.object(json_loader, "_LOOKS", looks),
                    mock.patch.object(json_loader, "_SLICE", size),
                ):
                    assert json_loader._long_digit_run(text) == expected


@pytest.mark.parametrize("sidecar_from", [0, 1 << 40])  # counted beside the parse, or here
def test_the_facts_about_the_bytes_decide_alike_either_way(sidecar_from: int) -> None:
    with mock.patch.object(json_loader, "_SIDECAR_BYTES", sidecar_from):
        assert json_loader.load_json_bytes(b'{"a": 1, "b": [2]}') == ({"a": 1, "b": [2]}, False)
        assert json_loader.load_json_bytes(b'{"a": 1, "a": 2}') == ({"a": 2}, True)
        assert json_loader.load_json_bytes(b'{"a": 1, "a": 2}', duplicates=False) == (
            {"a": 2},
            False,
        )
        assert json_loader.load_json_bytes(b'{"n": 12345678901234567890}') is None
        assert json_loader.load_json_bytes(b'{"a": ') is None
