"""Values of a pattern: built from its parse tree, deterministic, distinct, of the asked length,
and accepted by the generated app's own regex engine (pydantic's), which is also asked whether
it takes a pattern at all."""

from __future__ import annotations

import re
from typing import Annotated

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import StringConstraints, TypeAdapter, ValidationError

from fastgen.spec.patterns import (
    ALPHANUMERIC,
    Sampler,
    Shape,
    engine_problem,
    matches,
    sampler,
    shape_for,
    spell,
    value_of_length,
)


def app_accepts(pattern: str, value: str) -> bool:
    """The check the generated model makes, through pydantic's public API."""
    try:
        TypeAdapter(Annotated[str, StringConstraints(pattern=pattern)]).validate_python(value)
    except ValidationError:
        return False
    return True


# -- the app's engine


@pytest.mark.parametrize(
    ("pattern", "reason"),
    [
        (r"(?<=a)b", "look-around, including look-ahead and look-behind, is not supported"),
        (
            r"^(?!admin)[a-z]+$",
            "look-around, including look-ahead and look-behind, is not supported",
        ),
        (r"(a)\1", "backreferences are not supported"),
        (r"^a\Z", "unrecognized escape sequence"),
    ],
)
def test_the_engine_refuses_what_python_accepts(pattern: str, reason: str) -> None:
    re.compile(pattern)
    assert engine_problem(pattern) == reason


def test_the_engine_matches_like_the_app() -> None:
    assert engine_problem(r"^[A-Z]{2}[0-9]{6}$") is None
    # `$` is the very end (Python's re would also accept a final newline), search semantics
    assert re.search(r"^abc$", "abc\n") and not matches(r"^abc$", "abc\n")
    assert matches("b", "abc") and not matches("^b", "abc")
    for value in ("abc", "abc\n", "xabc", "ab"):
        assert matches(r"^abc$", value) == app_accepts(r"^abc$", value)


# -- shapes


def test_spell_counts_in_mixed_radix_last_position_fastest() -> None:
    parts = (("AB", 1), "-", ("012", 2))
    assert [spell(n, *parts) for n in range(4)] == ["A-00", "A-01", "A-02", "A-10"]
    assert spell(9, *parts) == "B-00"
    assert spell(18, *parts) == "A-00"  # wraps after every combination
    assert Shape(parts).size == 18
    assert Shape(parts).length == 4


def test_shapes_fold_runs_of_positions() -> None:
    shape = Shape.of(["A", "B", "0123", "0123", "-", "xy"])
    assert shape.parts == ("AB", ("0123", 2), "-", ("xy", 1))


def test_the_reproduced_license_pattern_gets_distinct_values() -> None:
    """`license_no: {pattern: "^[A-Z]{2}[0-9]{6}$", unique: true}` had no values at all."""
    pattern = r"^[A-Z]{2}[0-9]{6}$"
    shape = shape_for(pattern, 0, None, 1000)
    assert shape is not None
    assert shape.parts == (("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 2), ("0123456789", 6))
    values = [shape.value(n) for n in range(1000)]
    assert values[:3] == ["AA000000", "AA000001", "AA000002"]
    assert len(set(values)) == 1000
    assert all(app_accepts(pattern, value) for value in values)


PATTERNS = [
    r"^[A-Z]{3}-[0-9]{4}$",
    r"^[0-9-]{10,17}$",
    r"^SN-[0-9a-f]{4,8}$",
    r"\bcode\d+",
    r"^[a-z]+\.[a-z]+@corp\.example\.com$",
    r"^(?:[a-z]{2}|[A-Z]{3})_\d{2,}$",
    r"(?i)^id-[a-f0-9]{6}$",
    r"^[^\x00-\x7f]{3,}$",
    "^[\u0430-\u044f]{4}$",  # Cyrillic
    r"^\S+\s\S+$",
    r"^x*[a-z]{0,3}$",
    r"^([a-z]+\.)+[a-z]{2,}$",
    r"^.{5}$",
    r"^(?:[a-z]*){3}[0-9]{3}$",  # a repeat of something that may be empty
]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_values_are_distinct_accepted_and_deterministic(pattern: str) -> None:
    shape = shape_for(pattern, 1, None, 1000)
    assert shape is not None, pattern
    values = [shape.value(n) for n in range(1000)]
    assert len(set(values)) == 1000
    assert all(app_accepts(pattern, value) for value in values)
    assert all("\x00" not in value for value in values)
    fresh = Sampler(pattern)  # no cache: the same input gives the same values
    again = fresh.positions(shape.length, 1000)
    assert again is not None and Shape.of(again[1]) == shape


@pytest.mark.parametrize(
    ("pattern", "low", "high"),
    [(r"^[0-9-]{10,17}$", 12, 14), (r"^[a-z]+$", 40, 50), (r"^SN-[0-9a-f]{4,8}$", 10, 11)],
)
def test_values_honour_the_field_lengths(pattern: str, low: int, high: int) -> None:
    shape = shape_for(pattern, low, high, 1000)
    assert shape is not None
    assert low <= shape.length <= high
    assert shape.length == low  # the shortest that works


@pytest.mark.parametrize(
    ("pattern", "length", "expected"),
    [
        (r"^[0-9-]{10,17}$", 17, "0" * 17),
        (r"^[0-9-]{10,17}$", 18, None),
        (r"^SN-[0-9a-f]{4,8}$", 7, "SN-0000"),
        (r"^[a-z]+$", 255, "a" * 255),
        (r"^(ab|c)+$", 5, "cabab"),  # the fewest copies, the first one shortest
        (r"^[a-z]{3}$", 4, None),
        (r"^[a-z]+$", 5000, None),  # beyond LENGTH_LIMIT: left to an example
    ],
)
def test_value_of_an_exact_length(pattern: str, length: int, expected: str | None) -> None:
    found = value_of_length(pattern, length)
    assert found == expected
    if found is not None:
        assert app_accepts(pattern, found)


@pytest.mark.parametrize(
    ("pattern", "need"),
    [
        (r"^(red|green|blue)$", 1000),  # varies only in alternatives
        (r"^[ab]{3}$", 1000),  # 8 values
        (r"^\s*$", 1000),  # only spaces: one value per length
        (r"a^b", 1),  # an anchor in the middle: nothing matches
        (r"\bfoo\bbar", 1),
    ],
)
def test_too_few_values_is_none(pattern: str, need: int) -> None:
    assert shape_for(pattern, 0, None, need) is None


def test_a_fixed_pattern_has_its_one_value() -> None:
    shape = shape_for(r"^(red|green|blue)$", 1, None, 1)
    assert shape is not None and shape.value(0) == "red"


def test_unsupported_constructs_give_no_sampler() -> None:
    assert sampler(r"(a)\1") is None
    assert sampler(r"(?=a)a") is None


# -- property: patterns drawn from a grammar of supported constructs


CLASSES = [r"[a-z]", r"[A-Z]", r"[0-9]", r"\d", r"\w", r"[a-f0-9]", r"[^a-z]", r"[._-]", "."]
LITERALS = ["a", "Z", "7", "-", r"\.", "@", "_", "x", " ", "é"]


def atoms() -> st.SearchStrategy[str]:
    return st.sampled_from(CLASSES) | st.sampled_from(LITERALS)


def quantified(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.tuples(
        inner,
        st.sampled_from(["", "?", "*", "+", "{2}", "{1,3}", "{0,2}", "{2,}", "+?"]),
    ).map(lambda pair: pair[0] + pair[1] if not pair[0].endswith(("?", "*", "+", "}")) else pair[0])


def sequences(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.lists(quantified(inner), min_size=1, max_size=5).map("".join)


bodies = st.recursive(
    sequences(atoms()),
    lambda inner: st.one_of(
        sequences(inner.map(lambda body: f"(?:{body})") | atoms()),
        st.lists(inner, min_size=2, max_size=3).map(lambda options: "(" + "|".join(options) + ")"),
    ),
    max_leaves=10,
)
patterns = st.tuples(st.sampled_from(["", "^"]), bodies, st.sampled_from(["", "$"])).map("".join)


@settings(
    max_examples=300,
    deadline=None,
    database=None,
    derandomize=True,  # the same patterns on every run, on every machine
    suppress_health_check=[HealthCheck.too_slow],
)
@given(pattern=patterns, need=st.sampled_from([1, 50, 1000]), low=st.integers(0, 6))
def test_drawn_patterns_give_accepted_distinct_values(pattern: str, need: int, low: int) -> None:
    assert engine_problem(pattern) is None, pattern
    # every construct of the grammar spells something, anchors only at the ends
    assert shape_for(pattern, 0, None, 1) is not None, pattern
    high = low + 30
    shape = shape_for(pattern, low, high, need)
    if shape is None:
        return
    assert low <= shape.length <= high
    values = [shape.value(n) for n in range(need)]
    assert len(set(values)) == need, pattern
    for value in values:
        assert app_accepts(pattern, value), (pattern, value)
    assert shape_for(pattern, low, high, need) == shape


def test_the_characters_offered_are_letters_and_digits_first() -> None:
    shape = shape_for(r"^.{3}$", 0, None, 1)
    assert shape is not None and shape.parts == ((ALPHANUMERIC, 3),)
