"""Test data for a field, decided from its constraints alone.

`plan(field)` says how the generated factory fills a field on its n-th call (a fixed value, a
spelled pattern value, a counter in a text, a number in steps...) or why it cannot: a `Refusal`
the loader reports at the option's place. The loader and the renderers both ask this function,
so whatever the loader accepts, the factory can fill.

A unique field gets `UNIQUE_VALUES` distinct values, repeating after that many calls: more than
any generated test creates rows of one resource.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from fastgen.spec.constraints import (
    decimal_digits,
    email_as_returned,
    email_problem,
    length_bounds,
)
from fastgen.spec.model import FieldSpec, FieldType
from fastgen.spec.numbers import Floats, Steps, numbers
from fastgen.spec.patterns import ALPHANUMERIC, Shape, shape_for

UNIQUE_VALUES = 1000
"""Distinct values a unique field's test data takes before repeating. The generated suite's
largest test lists a page of 100 rows with every include: 100 rows of the resource, 100 of each
has_many child, and their required parents, 100 per path that reaches them. 1000 leaves room for
ten such paths to one resource in one test."""

TEXT_ALPHABET = len(ALPHANUMERIC)
"""Characters the factories' `text()` spells short values from (0-9, A-Z, a-z)."""
EMAIL_DOMAIN = "@example.com"
URL_PREFIX = "https://example.com/"
EMAIL_LOCAL_MAX_LENGTH = 64

STRINGY = (FieldType.STR, FieldType.TEXT, FieldType.EMAIL, FieldType.URL, FieldType.PASSWORD)
FIXED_VALUES: dict[FieldType, str] = {
    FieldType.DATE: "2024-01-15",
    FieldType.DATETIME: "2024-01-15T10:30:00+00:00",
    FieldType.TIME: "10:30:00",
    FieldType.UUID: "00000000-0000-4000-8000-000000000001",
}


@dataclass(frozen=True)
class Refusal:
    """Why the generator cannot fill the field: reported at `option` (e.g. `pattern`)."""

    option: str
    message: str
    hint: str


@dataclass(frozen=True)
class Fixed:
    """The same value on every call."""

    value: str | int | float | bool | Decimal | dict[str, str]


@dataclass(frozen=True)
class Spelled:
    """The pattern value `shape.value(n % UNIQUE_VALUES)`: distinct for a unique field."""

    shape: Shape


@dataclass(frozen=True)
class Text:
    """`prefix + text(label, n, min_length, max_length) + suffix` (tests/factories)."""

    label: str
    min_length: int
    max_length: int | None
    prefix: str = ""
    suffix: str = ""


@dataclass(frozen=True)
class Counted:
    """`template` with `{n}` replaced by the call's counter."""

    template: str


@dataclass(frozen=True)
class Stepped:
    """`start + (n % count) * step`: distinct accepted numbers."""

    kind: FieldType
    start: Decimal | float
    step: Decimal | float
    count: int
    places: int | None  # a decimal's places; None for int and float


@dataclass(frozen=True)
class Sequenced:
    """A distinct date, datetime, time or uuid per call."""

    kind: FieldType


Plan = Fixed | Spelled | Text | Counted | Stepped | Sequenced


def text_label(field: FieldSpec) -> str:
    return "secret-password" if field.type is FieldType.PASSWORD else field.name.replace("_", "-")


def usable_example(field: FieldSpec) -> str | None:
    """The example, when the factory can send it as the field's value: a text field's, not
    unique (unique fields always vary), coming back from the app as it was sent."""
    example = field.example
    if field.unique or field.type not in STRINGY or not isinstance(example, str):
        return None
    if field.type is FieldType.EMAIL and not email_as_returned(example):
        return None
    return example


def sample_email(value: str) -> bool:
    """An address the app accepts and returns unchanged (test data compares what comes back)."""
    return email_problem(value) is None and email_as_returned(value)


def plan(field: FieldSpec) -> Plan | Refusal:
    """How the factory fills `field`, or why it cannot."""
    kind = field.type
    if kind in STRINGY:
        return _stringy(field)
    if kind in (FieldType.INT, FieldType.FLOAT, FieldType.DECIMAL):
        return _number(field)
    if kind is FieldType.BOOL:
        if field.unique:
            return _too_few(field, "a unique bool allows only 2 rows", "drop unique")
        return Fixed(True)
    if kind is FieldType.ENUM:
        assert field.values
        if field.unique:
            return _too_few(
                field,
                f"a unique enum allows one row per value ({len(field.values)})",
                "drop unique, or use a str field",
            )
        return Fixed(field.default if isinstance(field.default, str) else field.values[0])
    if kind is FieldType.JSON:
        return Fixed({"key": "value"})
    return Sequenced(kind) if field.unique else Fixed(FIXED_VALUES[kind])


def _too_few(field: FieldSpec, message: str, remedy: str) -> Refusal:
    return Refusal(
        "unique",
        message,
        f"the generated tests create up to {UNIQUE_VALUES} rows of one resource; {remedy}",
    )


def _need(field: FieldSpec) -> int:
    return UNIQUE_VALUES if field.unique else 1


# -- text


def _stringy(field: FieldSpec) -> Plan | Refusal:
    low, high = length_bounds(field.type, field.min_length, field.max_length)
    if field.pattern is not None:
        return _patterned(field, field.pattern, low, high)
    example = usable_example(field)
    if example is not None:
        return Fixed(example)
    if field.type is FieldType.EMAIL:
        counted = _counted("user{n}" + EMAIL_DOMAIN, low, high)
        return counted or _framed(
            field, "user", low, high, "", EMAIL_DOMAIN, EMAIL_LOCAL_MAX_LENGTH
        )
    if field.type is FieldType.URL:
        counted = _counted(f"{URL_PREFIX}{field.name}/{{n}}", low, high)
        return counted or _framed(field, text_label(field), low, high, URL_PREFIX, "", None)
    return _framed(field, text_label(field), low, high, "", "", None)


def _counted(template: str, low: int, high: int | None) -> Counted | None:
    """`template` with the counter, when every counter (up to 20 digits) fits the lengths."""
    shortest = len(template.replace("{n}", "1"))
    if low <= shortest and (high is None or high >= shortest + 19):
        return Counted(template)
    return None


def _framed(
    field: FieldSpec,
    label: str,
    low: int,
    high: int | None,
    prefix: str,
    suffix: str,
    most: int | None,
) -> Plan | Refusal:
    """`prefix + text(label, ...) + suffix` within the field's lengths; `most` caps the text
    (the part of an email before '@')."""
    frame = len(prefix) + len(suffix)
    inner_high = None if high is None else high - frame
    if most is not None:
        inner_high = most if inner_high is None else min(inner_high, most)
    inner_low = max(low - frame, 0)
    alternative = "or give a pattern and an example"
    if high is not None and high - frame < 1:
        return Refusal(
            "max_length",
            f"max_length {high} leaves no room for test values such as "
            f"{prefix + label + '-1' + suffix!r}",
            f"raise max_length to {frame + 1} or more, {alternative}",
        )
    if inner_high is not None and inner_low > inner_high:
        return Refusal(
            "min_length",
            f"min_length {low} asks for test values such as {prefix + label + suffix!r} whose "
            f"middle part is longer than {inner_high} characters",
            f"lower min_length to {frame + inner_high} or less, {alternative}",
        )
    if field.unique and inner_high is not None and TEXT_ALPHABET**inner_high < UNIQUE_VALUES:
        wanted = frame + next(k for k in range(1, 10) if TEXT_ALPHABET**k >= UNIQUE_VALUES)
        return _too_few(
            field,
            f"a unique {field.type.value} of at most {high} character{'s' if high != 1 else ''} "
            "leaves the test data "
            f"{TEXT_ALPHABET**inner_high} values ({prefix}<0-9 A-Z a-z>{suffix})",
            f"raise max_length to {wanted} or more, or drop unique",
        )
    return Text(label, inner_low, inner_high, prefix, suffix)


def _patterned(field: FieldSpec, pattern: str, low: int, high: int | None) -> Plan | Refusal:
    extra = sample_email if field.type is FieldType.EMAIL else None
    if not field.unique:
        example = usable_example(field)
        if example is not None:
            return Fixed(example)
        shape = shape_for(pattern, max(low, 1), high, 1, extra)
        if shape is None and low == 0:
            shape = shape_for(pattern, 0, 0, 1, extra)
        if shape is not None:
            return Fixed(shape.value(0))
        return Refusal(
            "pattern",
            f"cannot build a test value that matches {pattern!r}{_within(field, low, high)}",
            "add an `example` that matches",
        )
    shape = shape_for(pattern, max(low, 1), high, UNIQUE_VALUES, extra)
    if shape is not None:
        return Spelled(shape)
    return Refusal(
        "pattern",
        f"cannot build {UNIQUE_VALUES} distinct test values that match {pattern!r}"
        f"{_within(field, low, high)}",
        f"a unique field needs {UNIQUE_VALUES} distinct values (the generated tests create up "
        "to that many rows of one resource): let the pattern vary in characters (e.g. "
        "[A-Z]{3}[0-9]{4}) rather than only in alternatives, allow longer values, or drop "
        "unique",
    )


def _within(field: FieldSpec, low: int, high: int | None) -> str:
    parts = []
    if field.type is FieldType.EMAIL:
        parts.append("is an email address")
    if low:
        parts.append(f"has at least {low} characters")
    if high is not None:
        parts.append(f"at most {high}")
    return f" and {', '.join(parts)}" if parts else ""


# -- numbers


def _number(field: FieldSpec) -> Plan | Refusal:
    values = numbers(field.type, field.model_dump())
    sample = values.sample()
    if sample is None:
        return _no_number(field, values)
    if not field.unique:
        return Fixed(sample)
    progression = values.progression(UNIQUE_VALUES)
    if progression is None:
        bounds = _bounds_text(field)
        if isinstance(values, Steps):
            message = f"a unique {field.type.value} with {bounds} allows only {values.count()} rows"
        else:
            message = f"a unique float with {bounds} has too few distinct values"
        return _too_few(field, message, "widen the range or drop unique")
    start, step = progression
    places = (
        values.places if isinstance(values, Steps) and field.type is FieldType.DECIMAL else None
    )
    return Stepped(field.type, start, step, UNIQUE_VALUES, places)


def _bounds_text(field: FieldSpec) -> str:
    """`ge: 1, le: 5`: the field's bounds as the spec writes them."""
    return ", ".join(
        f"{key}: {getattr(field, key)}"
        for key in ("ge", "gt", "le", "lt")
        if getattr(field, key) is not None
    )


def _no_number(field: FieldSpec, values: Steps | Floats) -> Refusal:
    option = next((k for k in ("ge", "gt", "le", "lt") if getattr(field, k) is not None), "type")
    held = ""
    if isinstance(values, Steps) and field.type is FieldType.INT:
        held = f" (an int column holds {values.floor} to {values.ceiling})"
    elif isinstance(values, Steps):
        digits, places = decimal_digits(field)
        held = (
            f" (a decimal with max_digits {digits} and decimal_places {places} holds "
            f"{values.floor:f} to {values.ceiling:f})"
        )
    return Refusal(
        option,
        f"no {field.type.value} value satisfies {_bounds_text(field)}{held}",
        "widen the bounds",
    )


def refusals(field: FieldSpec) -> list[Refusal]:
    """What keeps the generator from filling `field` (nothing for read-only fields: the
    factory never sends them)."""
    if field.read_only:
        return []
    decided = plan(field)
    return [decided] if isinstance(decided, Refusal) else []
