"""Checks that a field's `default` or `example` fits its type and every constraint the generated
app enforces (patterns through the app's own regex engine, lengths, bounds, digits, email and URL
shape): a default the app would refuse, or an example that would break its test data, is an error
at its place."""

from __future__ import annotations

import datetime as dt
import math
import uuid
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from fastgen.plural import counted
from fastgen.spec.constraints import (
    INTEGER_MAX,
    INTEGER_MIN,
    URL_PATTERN,
    app_pattern,
    digits_and_places,
    email_problem,
    length_bounds,
)
from fastgen.spec.model import FieldType
from fastgen.spec.patterns import engine_problem, matches
from fastgen.spec.source import did_you_mean

STRINGY = frozenset(
    {FieldType.STR, FieldType.TEXT, FieldType.EMAIL, FieldType.URL, FieldType.PASSWORD}
)
NUMERIC = frozenset({FieldType.INT, FieldType.FLOAT, FieldType.DECIMAL})
BOUNDS = ("ge", "gt", "le", "lt")

# (message, hint)
Problem = tuple[str, str | None]


def _show(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def default_problem(kind: FieldType, value: Any, opts: Mapping[str, Any]) -> Problem | None:
    """Why `value` cannot be the default of a field of type `kind` with options `opts`."""
    return value_problem(kind, value, opts, "default")


def value_problem(
    kind: FieldType, value: Any, opts: Mapping[str, Any], what: str
) -> Problem | None:
    """Why `value` cannot be the `what` (default, example) of a field of type `kind` with
    options `opts`: the generated app would refuse it."""
    shown = _show(value)
    if kind in STRINGY:
        if not isinstance(value, str):
            return (
                f"{what} must be a string for type '{kind.value}', got {shown}",
                f"quote it: '{shown}'",
            )
        return _string_problem(kind, value, opts, what)
    if kind is FieldType.BOOL:
        if isinstance(value, bool):
            return None
        return f"{what} must be true or false, got {shown}", None
    if kind in NUMERIC:
        return _number_problem(kind, value, shown, opts, what)
    if kind is FieldType.ENUM:
        values = opts.get("values")
        if not isinstance(value, str) or (values is not None and value not in values):
            if values is None:
                return None
            hint = (did_you_mean(str(value), values) if isinstance(value, str) else None) or (
                f"values are: {', '.join(values)}"
            )
            return f"{what} {shown} is not one of the values", hint
        return None
    if kind is FieldType.JSON:
        return None
    return _temporal_problem(kind, value, shown, what)


def _string_problem(
    kind: FieldType, value: str, opts: Mapping[str, Any], what: str
) -> Problem | None:
    low, high = length_bounds(kind, opts.get("min_length"), opts.get("max_length"))
    if high is not None and len(value) > high:
        limit = (
            f"max_length ({high})"
            if opts.get("max_length") is not None
            else (f"the {high} characters a {kind.value} field holds")
        )
        return f"{what} is {counted(len(value), 'character')} long, more than {limit}", None
    if len(value) < low:
        limit = (
            f"min_length ({low})"
            if opts.get("min_length") is not None
            else (f"the {low} characters a {kind.value} field needs")
        )
        return f"{what} is {counted(len(value), 'character')} long, less than {limit}", None
    pattern = app_pattern(kind, opts.get("pattern"))
    if pattern is not None and engine_problem(pattern) is None and not matches(pattern, value):
        if opts.get("pattern") is not None:
            return f"{what} {value!r} does not match pattern {pattern!r}", None
        if pattern == URL_PATTERN:
            return f"{what} {value!r} is not a URL", "URLs start with http:// or https://"
        return f"{what} contains a NUL character, which PostgreSQL text cannot hold", None
    if kind is FieldType.EMAIL:
        problem = email_problem(value)
        if problem is not None:
            return f"{what} {value!r} {problem}", "e.g. 'someone@example.com'"
    return None


def _number_problem(
    kind: FieldType, value: Any, shown: str, opts: Mapping[str, Any], what: str
) -> Problem | None:
    number: int | float | Decimal
    if isinstance(value, bool):
        return f"{what} must be a number for type '{kind.value}', got {shown}", None
    if kind is FieldType.INT and not isinstance(value, int):
        return f"{what} must be a whole number for type 'int', got {shown}", None
    if kind is FieldType.DECIMAL and isinstance(value, str | int | float):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return f"{what} must be a number for type 'decimal', got {shown}", None
        if not number.is_finite():
            return f"{what} must be a finite number, got {shown}", None
        problem = _decimal_fits(number, opts, what)
        if problem is not None:
            return problem, None
    elif isinstance(value, int | float):
        number = value
        if not math.isfinite(value):
            return f"{what} must be a finite number, got {shown}", None
    else:
        return f"{what} must be a number for type '{kind.value}', got {shown}", None
    if kind is FieldType.INT and not INTEGER_MIN <= number <= INTEGER_MAX:
        return (
            f"{what} {number} is outside what an int column holds ({INTEGER_MIN} to {INTEGER_MAX})",
            None,
        )
    for key in BOUNDS:
        bound = opts.get(key)
        if bound is None:
            continue
        limit = Decimal(str(bound)) if isinstance(number, Decimal) else bound
        outside = {
            "ge": number < limit,
            "gt": number <= limit,
            "le": number > limit,
            "lt": number >= limit,
        }[key]
        if outside:
            return f"{what} {number} is outside the bounds ({key} {bound})", None
    return None


def _decimal_fits(number: Decimal, opts: Mapping[str, Any], what: str) -> str | None:
    digits, places = digits_and_places(opts.get("max_digits"), opts.get("decimal_places"))
    _, digit_tuple, exponent = number.as_tuple()
    assert isinstance(exponent, int)
    significant = list(digit_tuple)
    while len(significant) > 1 and significant[-1] == 0 and exponent < 0:  # 1.50 is 1.5
        significant.pop()
        exponent += 1
    decimals = max(0, -exponent)
    whole = max(0, len(significant) + exponent) if any(significant) else 0
    if decimals > places:
        return f"{what} {number} has more than {places} decimal places"
    if whole + places > digits:
        return f"{what} {number} has more digits than max_digits ({digits}) allows"
    return None


_TEMPORAL: dict[FieldType, tuple[str, str, Callable[[str], object]]] = {
    FieldType.DATE: ("a date", "'2024-01-31'", dt.date.fromisoformat),
    FieldType.DATETIME: ("a date and time", "'2024-01-31T12:00:00'", dt.datetime.fromisoformat),
    FieldType.TIME: ("a time", "'12:30:00'", dt.time.fromisoformat),
    FieldType.UUID: ("a UUID", "'5f1c8d7e-0b6a-4b8e-9a53-2f0e6c1d9b10'", uuid.UUID),
}


def _temporal_problem(kind: FieldType, value: Any, shown: str, what: str) -> Problem | None:
    what_kind, example, parse = _TEMPORAL[kind]
    if isinstance(value, str):
        try:
            parsed = parse(value)
        except ValueError:
            pass
        else:
            if isinstance(parsed, dt.time) and parsed.utcoffset() is not None:
                return (
                    f"{what} must be a time of day without a UTC offset, got {shown}",
                    "e.g. '12:30:00'",
                )
            return None
    return f"{what} must be {what_kind} for type '{kind.value}', got {shown}", f"e.g. {example}"
