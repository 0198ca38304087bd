"""Entry matching by key: reorderings change nothing; comparisons are exact and linear."""

from __future__ import annotations

import random
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from configguard.diff import arrays, compare_entries, guess_key

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda kids: (
        st.lists(kids, max_size=4) | st.dictionaries(st.text(max_size=3), kids, max_size=3)
    ),
    max_leaves=15,
)


@settings(max_examples=200, deadline=None)
@given(st.lists(json_values, max_size=20))
def test_comparing_a_list_with_itself_changes_nothing(items: list[Any]) -> None:
    diff = compare_entries(items, list(items))
    assert (diff.added, diff.removed, diff.changed) == ((), (), ())
    assert diff.churn == 0.0


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 10_000), unique=True, max_size=50), st.randoms())
def test_reordering_keyed_entries_is_not_a_change(ids: list[int], rnd: random.Random) -> None:
    old = [{"id": i, "v": i * 2} for i in ids]
    new = list(old)
    rnd.shuffle(new)
    assert compare_entries(old, new, ["id"]).is_empty


def test_added_removed_changed_by_key() -> None:
    old = [{"name": "a", "w": 1}, {"name": "b", "w": 2}, {"name": "c", "w": 3}]
    new = [{"name": "c", "w": 3}, {"name": "b", "w": 9}, {"name": "d", "w": 4}]
    diff = compare_entries(old, new, ["name"])
    assert diff.added == ('"d"',)
    assert diff.removed == ('"a"',)
    assert diff.changed == ('"b"',)
    assert diff.churn == 3 / 4


def test_duplicates_are_counted_in_the_new_version() -> None:
    old = [{"name": n} for n in "abc"]
    new = old * 4
    diff = compare_entries(old, new, ["name"])
    assert (diff.old_count, diff.new_count, diff.duplicates) == (3, 12, 9)
    assert diff.added == diff.removed == ()


def test_multi_field_keys_and_objects() -> None:
    old = [{"a": 1, "b": 1}, {"a": 1, "b": 2}]
    new = [{"a": 1, "b": 2}]
    assert compare_entries(old, new, ["a", "b"]).removed == ("[1,1]",)
    assert compare_entries({"x": 1, "y": 2}, {"x": 1, "y": 3}).changed == ('"y"',)


def test_ten_thousand_entry_reordering() -> None:
    old = [{"id": f"f{i}", "weight": i} for i in range(10_000)]
    new = list(reversed(old))
    assert compare_entries(old, new, ["id"]).is_empty


def test_guess_key_and_arrays() -> None:
    doc = {"features": [{"name": "a"}, {"name": "b"}], "meta": {"tags": ["x"]}, "n": 1}
    assert guess_key(doc["features"], doc["features"]) == ("name",)
    assert guess_key([1, 2], [3]) is None
    assert list(arrays(doc)) == ["/features", "/meta/tags"]
