"""Checks that a field's `default` fits its type and constraints."""

from __future__ import annotations

import datetime as dt
import math
import re
import uuid
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from fastgen.spec.model import DEFAULT_DECIMAL_PLACES, DEFAULT_MAX_DIGITS, FieldType
from fastgen.spec.source import did_you_mean

STRINGY = frozenset(
    {FieldType.STR, FieldType.TEXT, FieldType.EMAIL, FieldType.URL, FieldType.PASSWORD}
)
NUMERIC = frozenset({FieldType.INT, FieldType.FLOAT, FieldType.DECIMAL})
BOUNDS = ("ge", "gt", "le", "lt")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$")

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
    shown = _show(value)
    if kind in STRINGY:
        if not isinstance(value, str):
            return (
                f"default must be a string for type '{kind.value}', got {shown}",
                f"quote it: '{shown}'",
            )
        return _string_default(kind, value, opts)
    if kind is FieldType.BOOL:
        if isinstance(value, bool):
            return None
        return f"default must be true or false, got {shown}", None
    if kind in NUMERIC:
        return _number_default(kind, value, shown, opts)
    if kind is FieldType.ENUM:
        values = opts.get("values")
        if not isinstance(value, str) or (values is not None and value not in values):
            if values is None:
                return None
            hint = (did_you_mean(str(value), values) if isinstance(value, str) else None) or (
                f"values are: {', '.join(values)}"
            )
            return f"default {shown} is not one of the values", hint
        return None
    if kind is FieldType.JSON:
        return None
    return _temporal_problem(kind, value, shown)


def _string_default(kind: FieldType, value: str, opts: Mapping[str, Any]) -> Problem | None:
    low, high, pattern = opts.get("min_length"), opts.get("max_length"), opts.get("pattern")
    if high is not None and len(value) > high:
        return f"default is {len(value)} characters long, more than max_length ({high})", None
    if low is not None and len(value) < low:
        return f"default is {len(value)} characters long, less than min_length ({low})", None
    if pattern is not None and not re.search(pattern, value):
        return f"default {value!r} does not match pattern {pattern!r}", None
    if kind is FieldType.EMAIL and not _EMAIL.fullmatch(value):
        return f"default {value!r} is not an email address", None
    if kind is FieldType.URL and not _URL.fullmatch(value):
        return f"default {value!r} is not a URL", "URLs start with http:// or https://"
    return None


def _number_default(
    kind: FieldType, value: Any, shown: str, opts: Mapping[str, Any]
) -> Problem | None:
    number: int | float | Decimal
    if isinstance(value, bool):
        return f"default must be a number for type '{kind.value}', got {shown}", None
    if kind is FieldType.INT and not isinstance(value, int):
        return f"default must be a whole number for type 'int', got {shown}", None
    if kind is FieldType.DECIMAL and isinstance(value, str | int | float):
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            return f"default must be a number for type 'decimal', got {shown}", None
        if not number.is_finite():
            return f"default must be a finite number, got {shown}", None
        problem = _decimal_fits(number, opts)
        if problem is not None:
            return problem, None
    elif isinstance(value, int | float):
        number = value
        if not math.isfinite(value):
            return f"default must be a finite number, got {shown}", None
    else:
        return f"default must be a number for type '{kind.value}', got {shown}", None
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
            return f"default {number} is outside the bounds ({key} {bound})", None
    return None


def _decimal_fits(number: Decimal, opts: Mapping[str, Any]) -> str | None:
    digits = opts.get("max_digits") or DEFAULT_MAX_DIGITS
    places = opts.get("decimal_places")
    places = DEFAULT_DECIMAL_PLACES if places is None else places
    _, digit_tuple, exponent = number.normalize().as_tuple()
    assert isinstance(exponent, int)
    decimals = max(0, -exponent)
    whole = max(0, len(digit_tuple) + exponent)
    if decimals > places:
        return f"default {number} has more than {places} decimal places"
    if whole + places > digits:
        return f"default {number} has more digits than max_digits ({digits}) allows"
    return None


_TEMPORAL: dict[FieldType, tuple[str, str, Callable[[str], object]]] = {
    FieldType.DATE: ("a date", "'2024-01-31'", dt.date.fromisoformat),
    FieldType.DATETIME: ("a date and time", "'2024-01-31T12:00:00'", dt.datetime.fromisoformat),
    FieldType.TIME: ("a time", "'12:30:00'", dt.time.fromisoformat),
    FieldType.UUID: ("a UUID", "'5f1c8d7e-0b6a-4b8e-9a53-2f0e6c1d9b10'", uuid.UUID),
}


def _temporal_problem(kind: FieldType, value: Any, shown: str) -> Problem | None:
    what, example, parse = _TEMPORAL[kind]
    if isinstance(value, str):
        try:
            parse(value)
        except ValueError:
            pass
        else:
            return None
    return f"default must be {what} for type '{kind.value}', got {shown}", f"e.g. {example}"
