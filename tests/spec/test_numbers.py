"""The values a number field accepts, checked against pydantic with the constraints the
generated model declares: samples and steps are accepted, the values beyond each bound are not,
and no "below" value equals its bound."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import Field, TypeAdapter, ValidationError

from fastgen.spec.constraints import INTEGER_MAX, INTEGER_MIN, digits_and_places
from fastgen.spec.model import FieldType
from fastgen.spec.numbers import Floats, Steps, numbers


def app_type(kind: FieldType, opts: dict[str, Any]) -> TypeAdapter[Any]:
    """What the generated model declares for the field (fastgen/render/model_fields.py)."""
    bounds = {key: opts[key] for key in ("ge", "gt", "le", "lt") if key in opts}
    if kind is FieldType.INT:
        if "ge" not in bounds and "gt" not in bounds:
            bounds["ge"] = INTEGER_MIN
        if "le" not in bounds and "lt" not in bounds:
            bounds["le"] = INTEGER_MAX
        return TypeAdapter(Annotated[int, Field(**bounds)])
    if kind is FieldType.FLOAT:
        return TypeAdapter(Annotated[float, Field(allow_inf_nan=False, **bounds)])
    digits, places = digits_and_places(opts.get("max_digits"), opts.get("decimal_places"))
    return TypeAdapter(
        Annotated[Decimal, Field(max_digits=digits, decimal_places=places, **bounds)]
    )


def as_json(kind: FieldType, value: Decimal | float, places: int | None) -> Any:
    """The value as the generated tests send it (decimals as strings with their places)."""
    if kind is FieldType.INT:
        assert value == int(value)
        return int(value)
    if kind is FieldType.DECIMAL:
        assert isinstance(value, Decimal) and places is not None
        return f"{value.quantize(Decimal(1).scaleb(-places)):f}"
    return float(value)


def accepted(kind: FieldType, opts: dict[str, Any], value: Decimal | float) -> bool:
    places = digits_and_places(opts.get("max_digits"), opts.get("decimal_places"))[1]
    try:
        app_type(kind, opts).validate_python(as_json(kind, value, places))
    except ValidationError:
        return False
    return True


CASES: list[tuple[FieldType, dict[str, Any]]] = [
    (FieldType.DECIMAL, {"max_digits": 5, "decimal_places": 0, "ge": 0}),
    (FieldType.DECIMAL, {"max_digits": 4, "decimal_places": 2, "gt": 0.1, "lt": 0.3}),
    (FieldType.DECIMAL, {"max_digits": 3, "decimal_places": 3, "ge": 0}),
    (FieldType.DECIMAL, {"max_digits": 6, "decimal_places": 2, "le": -5}),
    (FieldType.DECIMAL, {"ge": 0.25, "decimal_places": 1}),
    (FieldType.DECIMAL, {"max_digits": 4, "decimal_places": 2, "le": 1000}),
    (FieldType.FLOAT, {"gt": 0, "lt": 0.5}),
    (FieldType.FLOAT, {"ge": -7.25, "le": -7.0}),
    (FieldType.FLOAT, {"gt": 1e300}),
    (FieldType.FLOAT, {}),
    (FieldType.INT, {"gt": -3, "lt": 5000}),
    (FieldType.INT, {"ge": 7, "le": 7}),
    (FieldType.INT, {}),
    (FieldType.INT, {"ge": 2**31 - 5}),
]


@pytest.mark.parametrize(("kind", "opts"), CASES)
def test_samples_and_steps_are_accepted_and_beyond_the_bounds_is_not(
    kind: FieldType, opts: dict[str, Any]
) -> None:
    values = numbers(kind, opts)
    sample = values.sample()
    assert sample is not None
    assert accepted(kind, opts, sample)
    progression = values.progression(50)
    if progression is not None:
        start, step = progression
        steps = [start + i * step for i in range(50)]  # type: ignore[operator]
        assert len(set(steps)) == 50
        assert all(accepted(kind, opts, value) for value in steps)
    for outside in (values.below_lower(), values.above_upper()):
        if outside is not None:
            assert not accepted(kind, opts, outside), outside
    for key in ("ge", "le"):
        at = values.at(key)
        if at is not None:
            assert at == Decimal(repr(opts[key])) or at == opts[key]
            assert accepted(kind, opts, at)
    for key in ("gt", "lt"):
        inside = values.just_inside(key)
        if inside is not None:
            assert accepted(kind, opts, inside)


def test_below_ge_of_a_decimal_without_places_is_a_whole_step_below() -> None:
    """It was "-0" (0 - 0.5 shown with no places): equal to the bound, so accepted."""
    values = numbers(FieldType.DECIMAL, {"max_digits": 5, "decimal_places": 0, "ge": 0})
    assert values.below_lower() == Decimal(-1)
    assert isinstance(values, Steps) and values.lowest() == 0


def test_exclusive_float_bounds_keep_samples_strictly_inside() -> None:
    """`gt: 0, lt: 0.5` gave 1 (gt + 1)."""
    values = numbers(FieldType.FLOAT, {"gt": 0, "lt": 0.5})
    assert isinstance(values, Floats)
    assert values.sample() == 0.1
    assert values.below_lower() == 0.0  # gt itself: refused
    assert values.above_upper() == 0.5
    progression = values.progression(1000)
    assert progression is not None
    start, step = progression
    assert start > 0 and start + 999 * step < 0.5


def test_max_digits_limit_the_range_of_a_decimal() -> None:
    values = numbers(FieldType.DECIMAL, {"max_digits": 4, "decimal_places": 2, "ge": 100})
    assert isinstance(values, Steps)
    assert values.ceiling == Decimal("99.99")
    assert values.highest() is None
    assert values.sample() is None
    assert values.count() == 0
    values = numbers(FieldType.DECIMAL, {"max_digits": 4, "decimal_places": 2, "le": 1000})
    assert values.above_upper() is None  # 1000.01 breaks max_digits before the bound


def test_small_ranges_have_no_progression() -> None:
    values = numbers(FieldType.INT, {"ge": 1, "le": 5})
    assert isinstance(values, Steps) and values.count() == 5
    assert values.progression(1000) is None
    assert values.progression(5) == (Decimal(1), Decimal(1))


def test_int_samples_stay_within_an_integer_column() -> None:
    values = numbers(FieldType.INT, {"ge": -(10**12)})
    assert isinstance(values, Steps)
    assert values.lowest() == INTEGER_MIN
    assert numbers(FieldType.INT, {"gt": INTEGER_MAX}).sample() is None


def test_decimal_steps_get_finer_when_whole_numbers_do_not_fit() -> None:
    values = numbers(FieldType.DECIMAL, {"max_digits": 3, "decimal_places": 3, "ge": 0})
    assert values.progression(1000) == (Decimal(0), Decimal("0.001"))
    assert values.progression(1001) is None


@settings(max_examples=200, deadline=None, database=None)
@given(
    kind=st.sampled_from([FieldType.INT, FieldType.DECIMAL, FieldType.FLOAT]),
    low=st.none() | st.tuples(st.sampled_from(["ge", "gt"]), st.integers(-50, 50)),
    high=st.none() | st.tuples(st.sampled_from(["le", "lt"]), st.integers(-50, 50)),
    places=st.integers(0, 3),
    whole=st.integers(1, 4),
    tenths=st.booleans(),
)
def test_drawn_bounds_agree_with_the_app(
    kind: FieldType,
    low: tuple[str, int] | None,
    high: tuple[str, int] | None,
    places: int,
    whole: int,
    tenths: bool,
) -> None:
    opts: dict[str, Any] = {}
    for bound in (low, high):
        if bound is not None:
            key, value = bound
            opts[key] = value / 10 if tenths and kind is not FieldType.INT else value
    if kind is FieldType.DECIMAL:
        opts.update(max_digits=whole + places, decimal_places=places)
    values = numbers(kind, opts)
    sample = values.sample()
    if sample is None:
        if isinstance(values, Steps):
            assert values.count() == 0
        return
    assert accepted(kind, opts, sample), (opts, sample)
    for outside in (values.below_lower(), values.above_upper()):
        if outside is not None:
            assert not accepted(kind, opts, outside), (opts, outside)
    if isinstance(values, Steps):
        count = values.count()
        progression = values.progression(min(count, 20))
        assert progression is not None
        start, step = progression
        assert all(accepted(kind, opts, start + i * step) for i in range(min(count, 20)))
