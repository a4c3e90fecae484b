"""Test data for generated suites, derived from each field's constraints.

`sample(field)` is the Python expression (over the factory's counter `n`) the factory sends for
a field, rendered from `fastgen.spec.sampling.plan`; `invalid_cases` and `boundary_cases` give
the values just outside and exactly on each declared constraint, so the generated tests prove
every constraint at its boundary. Every value here is one the app's own checks agree with:
patterns through its regex engine, numbers as its types and columns hold them.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from decimal import Decimal

from fastgen.render.literals import quoted
from fastgen.spec.constraints import (
    INTEGER_MAX,
    INTEGER_MIN,
    decimal_digits,
    effective_max_length,
    effective_min_length,
)
from fastgen.spec.model import FieldSpec, FieldType
from fastgen.spec.numbers import Floats, exact, numbers
from fastgen.spec.patterns import Part, matches, value_of_length
from fastgen.spec.sampling import (
    UNIQUE_VALUES,
    Counted,
    Fixed,
    Refusal,
    Spelled,
    Stepped,
    Text,
    plan,
)

_TEXTUAL = (FieldType.STR, FieldType.TEXT, FieldType.PASSWORD)
_NUMERIC = (FieldType.INT, FieldType.FLOAT, FieldType.DECIMAL)
_NON_MATCHING = ("", "!", "~ ~", "0", "a", "A", "-", "\t")
_LITERAL_CHUNK = 40  # characters of one string literal in generated code
_RUN = 8  # a run of this many equal characters is written `"a" * 8`
_SHORT = 40  # a string this long stays one literal

SPELL_IMPORT = "from tests.factories import spell"
TEXT_IMPORT = "from tests.factories import text"
_SEQUENCED: dict[FieldType, tuple[str, tuple[str, ...]]] = {
    FieldType.DATE: (
        f"(date(2024, 1, 1) + timedelta(days=n % {UNIQUE_VALUES})).isoformat()",
        ("from datetime import date", "from datetime import timedelta"),
    ),
    FieldType.DATETIME: (
        f"(datetime(2024, 1, 15, tzinfo=UTC) + timedelta(minutes=n % {UNIQUE_VALUES})).isoformat()",
        (
            "from datetime import UTC",
            "from datetime import datetime",
            "from datetime import timedelta",
        ),
    ),
    FieldType.TIME: (
        "time(n // 3600 % 24, n // 60 % 60, n % 60).isoformat()",
        ("from datetime import time",),
    ),
    FieldType.UUID: ("str(uuid.UUID(int=n))", ("import uuid",)),
}


@dataclass(frozen=True)
class Case:
    id: str
    field: str
    value: str  # Python source of the JSON value


@dataclass(frozen=True)
class Sample:
    """The factory's value for a field: Python source, whether it uses the counter `n`, and the
    imports it needs."""

    source: str
    counter: bool = False
    imports: tuple[str, ...] = field(default=())


# -- Python source of values


def py_text(value: str) -> str:
    """A str as a short Python expression: a literal when short, else runs of one character as
    `"a" * 40` and the rest as literals of at most 40 characters, joined with `+` (the formatter
    wraps long ones)."""
    if len(value) <= _SHORT:
        return quoted(value)
    pieces: list[str] = []
    literal = ""
    for character, group in itertools.groupby(value):
        run = len(list(group))
        if run >= _RUN:
            pieces.extend(
                quoted(literal[i : i + _LITERAL_CHUNK])
                for i in range(0, len(literal), _LITERAL_CHUNK)
            )
            literal = ""
            pieces.append(f"{quoted(character)} * {run}")
        else:
            literal += character * run
    pieces.extend(
        quoted(literal[i : i + _LITERAL_CHUNK]) for i in range(0, len(literal), _LITERAL_CHUNK)
    )
    return " + ".join(pieces) if pieces else '""'


def _decimal_text(value: Decimal, places: int) -> str:
    return py_text(f"{value.quantize(Decimal(1).scaleb(-places)):f}")


def _number(field: FieldSpec, value: Decimal | float) -> str:
    if field.type is FieldType.INT:
        return str(int(value))
    if field.type is FieldType.DECIMAL:
        return _decimal_text(Decimal(value), decimal_digits(field)[1])
    return repr(float(value))


def _parts(parts: tuple[Part, ...]) -> str:
    rendered: list[str] = []
    for part in parts:
        if isinstance(part, str):
            rendered.extend(
                quoted(part[i : i + _LITERAL_CHUNK]) for i in range(0, len(part), _LITERAL_CHUNK)
            )
        else:
            rendered.append(f"({quoted(part[0])}, {part[1]})")
    return ", ".join(rendered)


def _stepped(decided: Stepped) -> Sample:
    start, step, count = decided.start, decided.step, decided.count
    cycle = f"n % {count}"
    if decided.kind is FieldType.FLOAT:
        assert isinstance(start, float) and isinstance(step, float)
        offset = cycle if step == 1.0 else f"({cycle}) * {step!r}"
        return Sample(f"{start!r} + {offset}", counter=True)
    assert isinstance(start, Decimal) and isinstance(step, Decimal)
    if decided.kind is FieldType.INT:
        return Sample(f"{int(start)} + {cycle}" if start else cycle, counter=True)
    places = decided.places
    assert places is not None
    if step == 1 and start == start.to_integral_value():
        whole = f"{int(start)} + {cycle}" if start else cycle
        if places == 0:
            return Sample(f"str({whole})", counter=True)
        if places < _RUN:
            return Sample(f'f"{{{whole}}}.{"0" * places}"', counter=True)
        return Sample(f'f"{{{whole}}}." + "0" * {places}', counter=True)
    unit = Decimal(1).scaleb(-places)
    first, every = int(start / unit), int(step / unit)
    offset = f"({cycle}) * {every}" if every != 1 else cycle
    units = f"{first} + {offset}" if first else offset
    return Sample(
        f'f"{{Decimal({units}).scaleb(-{places}):f}}"',
        counter=True,
        imports=("from decimal import Decimal",),
    )


def _fixed(field: FieldSpec, value: object) -> str:
    if isinstance(value, bool):
        return repr(value)
    if isinstance(value, Decimal | float) or (isinstance(value, int) and field.type in _NUMERIC):
        return _number(field, value)
    if isinstance(value, str):
        return py_text(value)
    return repr(value)


def sample(field: FieldSpec) -> Sample:
    """The factory's value for `field` on its n-th call."""
    decided = plan(field)
    if isinstance(decided, Refusal):  # the loader refuses such fields; no spec gets here
        raise ValueError(f"{field.name}: {decided.message}")
    if isinstance(decided, Fixed):
        return Sample(_fixed(field, decided.value))
    if isinstance(decided, Spelled):
        source = f"spell(n % {UNIQUE_VALUES}, {_parts(decided.shape.parts)})"
        return Sample(source, counter=True, imports=(SPELL_IMPORT,))
    if isinstance(decided, Text):
        call = f"text({quoted(decided.label)}, n, {decided.min_length}, {decided.max_length})"
        pieces = [quoted(decided.prefix)] if decided.prefix else []
        pieces.append(call)
        if decided.suffix:
            pieces.append(quoted(decided.suffix))
        return Sample(" + ".join(pieces), counter=True, imports=(TEXT_IMPORT,))
    if isinstance(decided, Counted):
        # a concatenation in parentheses, not an f-string: the formatter can wrap it when a
        # long field name leaves it no room on the line
        prefix, suffix = decided.template.split("{n}")
        parts = [
            *([quoted(prefix)] if prefix else []),
            "str(n)",
            *([quoted(suffix)] if suffix else []),
        ]
        return Sample("(" + " + ".join(parts) + ")", counter=True)
    if isinstance(decided, Stepped):
        return _stepped(decided)
    source, imports = _SEQUENCED[decided.kind]
    return Sample(source, counter=True, imports=imports)


# -- values on and beyond each constraint


def _valid_text(field: FieldSpec) -> str | None:
    """A concrete valid value of a text field (for the pattern case), when the plan has one."""
    decided = plan(field)
    if isinstance(decided, Fixed) and isinstance(decided.value, str):
        return decided.value
    if isinstance(decided, Spelled):
        return decided.shape.value(0)
    return None


def _non_matching(field: FieldSpec, pattern: str) -> str | None:
    """A value the pattern refuses, of an accepted length when possible (so only the pattern
    is at fault): a valid value with one character changed, then a few usual suspects."""
    low, high = effective_min_length(field) or 0, effective_max_length(field)
    candidates: list[str] = []
    valid = _valid_text(field)
    if valid:
        for position in range(len(valid)):
            for replacement in ("!", "~", "a", "0", " "):
                candidates.append(valid[:position] + replacement + valid[position + 1 :])
    fitting = [c for c in candidates if low <= len(c) <= (high if high is not None else len(c))]
    for candidate in [*fitting[:200], *_NON_MATCHING]:
        if not matches(pattern, candidate):
            return candidate
    return None


def _length_value(field: FieldSpec, length: int) -> str:
    """A value of `length` characters: the pattern's when it has one of that length."""
    if field.pattern is not None:
        found = value_of_length(field.pattern, length)
        if found is not None:
            return py_text(found)
    return f'"a" * {length}'


def _bound_cases(field: FieldSpec) -> list[Case]:
    name = field.name
    values = numbers(field.type, field.model_dump())
    cases: list[Case] = []
    for value, inclusive, exclusive, beyond in (
        (values.below_lower(), "ge", "gt", "below"),
        (values.above_upper(), "le", "lt", "above"),
    ):
        if value is None:
            continue
        label = f"{beyond}-{inclusive}"
        bound = getattr(field, exclusive)
        if bound is not None:  # the bound itself when the type can express it
            at = value == (bound if isinstance(values, Floats) else exact(bound))
            label = f"{'at' if at else beyond}-{exclusive}"
        cases.append(Case(f"{name}-{label}", name, _number(field, value)))
    if field.type is FieldType.INT:
        if field.ge is None and field.gt is None:
            cases.append(Case(f"{name}-below-integer-range", name, str(INTEGER_MIN - 1)))
        if field.le is None and field.lt is None:
            cases.append(Case(f"{name}-above-integer-range", name, str(INTEGER_MAX + 1)))
    return cases


def invalid_cases(field: FieldSpec) -> list[Case]:
    """One value per declared constraint that must be rejected with 422."""
    cases: list[Case] = []
    name = field.name
    kind = field.type
    if not field.optional and not field.has_default:
        cases.append(Case(f"{name}-missing", name, "MISSING"))
    max_length = effective_max_length(field)
    min_length = effective_min_length(field)
    if kind in _TEXTUAL and max_length is not None:
        cases.append(Case(f"{name}-too-long", name, _length_value(field, max_length + 1)))
    if kind in _TEXTUAL and min_length:
        cases.append(Case(f"{name}-too-short", name, _length_value(field, min_length - 1)))
    if kind in _TEXTUAL and field.pattern is not None:
        bad = _non_matching(field, field.pattern)
        if bad is not None:
            cases.append(Case(f"{name}-pattern", name, py_text(bad)))
    if kind in _NUMERIC:
        cases.extend(_bound_cases(field))
    if kind is FieldType.DECIMAL:
        digits, places = decimal_digits(field)
        cases.append(Case(f"{name}-too-many-digits", name, py_text("9" * (digits - places + 1))))
        valid = numbers(kind, field.model_dump()).sample()
        assert isinstance(valid, Decimal)
        exact = f"{valid.quantize(Decimal(1).scaleb(-places)):f}"
        finer = f"{exact}1" if places else f"{exact}.1"
        cases.append(Case(f"{name}-too-many-places", name, py_text(finer)))
    if kind is FieldType.ENUM:
        cases.append(Case(f"{name}-not-a-choice", name, quoted("not-a-choice")))
    if kind is FieldType.EMAIL:
        cases.append(Case(f"{name}-not-an-email", name, quoted("not-an-email")))
        cases.append(Case(f"{name}-too-long", name, f'"a" * {max_length} + "@example.com"'))
    if kind is FieldType.URL:
        cases.append(Case(f"{name}-not-a-url", name, quoted("not a url")))
    if kind is FieldType.UUID:
        cases.append(Case(f"{name}-not-a-uuid", name, quoted("not-a-uuid")))
    if kind is FieldType.DATE:
        cases.append(Case(f"{name}-not-a-date", name, quoted("2024-13-45")))
    return cases


def boundary_cases(field: FieldSpec) -> list[Case]:
    """Values exactly on each constraint's boundary that must be accepted."""
    cases: list[Case] = []
    name = field.name
    kind = field.type
    if kind in _TEXTUAL:
        max_length = effective_max_length(field)
        min_length = effective_min_length(field)
        for length, label in ((max_length, "max-length"), (min_length, "min-length")):
            if not length:
                continue
            if field.pattern is None:
                cases.append(Case(f"{name}-{label}", name, f'"a" * {length}'))
            elif (found := value_of_length(field.pattern, length)) is not None:
                cases.append(Case(f"{name}-{label}", name, py_text(found)))
    if kind in _NUMERIC:
        values = numbers(kind, field.model_dump())
        for key, label in (
            ("ge", "at-ge"),
            ("gt", "above-gt"),
            ("le", "at-le"),
            ("lt", "below-lt"),
        ):
            value = values.at(key) if key in ("ge", "le") else values.just_inside(key)
            if value is not None:
                cases.append(Case(f"{name}-{label}", name, _number(field, value)))
    if kind is FieldType.ENUM and field.values:
        cases.extend(Case(f"{name}-{value}", name, quoted(value)) for value in field.values)
    return cases


def uses(samples: list[Sample]) -> tuple[bool, list[str]]:
    """(whether any sample uses the counter `n`, the sorted imports they need)."""
    return any(s.counter for s in samples), sorted({line for s in samples for line in s.imports})
