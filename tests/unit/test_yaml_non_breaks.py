"""YAML 1.2 (spec 5.4): NEL (U+0085), LINE SEPARATOR (U+2028) and PARAGRAPH SEPARATOR
(U+2029) are content, not line breaks. libyaml follows YAML 1.1, which breaks lines on
them: a quoted "a<NEL>b" was read as "a b", a plain or block scalar holding one was a
parse error, and lines after one were miscounted. configguard reads them as JSON does.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from configguard.load import load

CHARS = ["\x85", "\u2028", "\u2029"]
SHAPES = [
    ('a: "x{c}y"\nb: 2\n', {"a": "x{c}y", "b": 2}, (2, 4)),
    ("a: 'x{c}y'\nb: 2\n", {"a": "x{c}y", "b": 2}, (2, 4)),
    ("a: x{c}y\nb: 2\n", {"a": "x{c}y", "b": 2}, (2, 4)),
    ("a: |\n  x{c}y\nb: 2\n", {"a": "x{c}y\n", "b": 2}, (3, 4)),
    ('"k{c}": 1\nb: 2\n', {"k{c}": 1, "b": 2}, (2, 4)),
    ('{{"a": "x{c}y", "b": 2}}\n', {"a": "x{c}y", "b": 2}, (1, 19)),
]


@pytest.mark.parametrize("char", CHARS, ids=["NEL", "LS", "PS"])
@pytest.mark.parametrize(("text", "expected", "b_at"), SHAPES)
def test_non_breaks_are_content(
    tmp_path: Path, char: str, text: str, expected: object, b_at: tuple[int, int]
) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(text.format(c=char), encoding="utf-8")
    loaded = load(path, "c.yaml")
    assert loaded.problems == []
    [document] = loaded.documents
    want = json.loads(json.dumps(expected).replace("{c}", json.dumps(char)[1:-1]))
    assert document.data == want
    # and the value after it is where it is (libyaml counted the character as a break)
    assert document.locate("/b") == b_at


def test_the_nel_escape_still_means_nel(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text('a: "\\N"\nb: "\\L\\P"\n', encoding="utf-8")
    [document] = load(path, "c.yaml").documents
    assert document.data == {"a": "\x85", "b": "\u2028\u2029"}


def test_a_private_use_character_in_the_text_is_kept(tmp_path: Path) -> None:
    """The stand-ins are chosen among characters the text does not hold."""
    path = tmp_path / "c.yaml"
    path.write_text('a: "\ue000\x85\ue001"\n', encoding="utf-8")
    [document] = load(path, "c.yaml").documents
    assert document.data == {"a": "\ue000\x85\ue001"}
