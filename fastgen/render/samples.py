"""Test data for generated suites, derived from each field's constraints.

`sample(...)` gives a Python expression (over the factory's counter `n`) for a valid value;
`invalid_cases(...)` and `boundary_cases(...)` give the values just outside and exactly on each
declared constraint, so every constraint is proven at its boundary by the generated tests.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from fastgen.spec.constraints import (
    decimal_digits,
    effective_max_length,
    effective_min_length,
    effective_pattern,
)
from fastgen.spec.model import FieldSpec, FieldType

_TEXTUAL = (FieldType.STR, FieldType.TEXT, FieldType.PASSWORD)
_NUMERIC = (FieldType.INT, FieldType.FLOAT, FieldType.DECIMAL)
_NON_MATCHING = ("", "!", "~ ~", "0", "a", "A", "-", "\t")


@dataclass(frozen=True)
class Case:
    id: str
    field: str
    value: str  # Python source of the JSON value


def _q(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _number(field: FieldSpec, value: float | Decimal) -> str:
    if field.type is FieldType.INT:
        return str(int(value))
    if field.type is FieldType.DECIMAL:
        places = decimal_digits(field)[1]
        return _q(f"{Decimal(value):.{places}f}")
    return repr(float(value))


def _lower_bound(field: FieldSpec) -> float | None:
    if field.ge is not None:
        return field.ge
    if field.gt is not None:
        return field.gt + 1
    return None


def _upper_bound(field: FieldSpec) -> float | None:
    if field.le is not None:
        return field.le
    if field.lt is not None:
        return field.lt - 1
    return None


def sample(field: FieldSpec) -> str:
    """A valid value as Python source; may use `n`, the factory's per-call counter."""
    kind = field.type
    unique = field.unique
    if field.example is not None and not unique and kind not in (FieldType.JSON,):
        return repr(field.example) if not isinstance(field.example, str) else _q(field.example)
    if field.pattern is not None:
        example = str(field.example) if field.example is not None else ""
        return f"vary({_q(example)}, n)" if unique else _q(example)
    if kind in _TEXTUAL:
        min_length = effective_min_length(field) or 0
        max_length = effective_max_length(field)
        label = "secret-password" if kind is FieldType.PASSWORD else field.name.replace("_", "-")
        return f"text({_q(label)}, n, {min_length}, {max_length})"
    if kind is FieldType.EMAIL:
        return 'f"user{n}@example.com"'
    if kind is FieldType.URL:
        return f'f"https://example.com/{field.name}/{{n}}"'
    if kind in _NUMERIC:
        low = _lower_bound(field)
        high = _upper_bound(field)
        start = low if low is not None else (high - 10 if high is not None else 1)
        if unique:
            span = int(high - start) + 1 if high is not None else 1_000_000
            if kind is FieldType.INT:
                return f"{int(start)} + n % {span}"
            places = decimal_digits(field)[1] if kind is FieldType.DECIMAL else 2
            expression = f"{start!r} + n % {span}"
            if kind is FieldType.DECIMAL:
                return f'f"{{{expression}:.{places}f}}"'
            return f"float({expression})"
        return _number(field, Decimal(str(start)))
    if kind is FieldType.BOOL:
        return "True"
    if kind is FieldType.DATE:
        return _q("2024-01-15")
    if kind is FieldType.DATETIME:
        return _q("2024-01-15T10:30:00+00:00")
    if kind is FieldType.TIME:
        return _q("10:30:00")
    if kind is FieldType.UUID:
        return "str(uuid.uuid4())"
    if kind is FieldType.ENUM:
        assert field.values
        default = field.default if isinstance(field.default, str) else field.values[0]
        return _q(default)
    return '{"key": "value"}'  # json


def _non_matching(pattern: str) -> str | None:
    compiled = re.compile(pattern)
    for candidate in _NON_MATCHING:
        if compiled.search(candidate) is None:
            return candidate
    return None


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
        cases.append(Case(f"{name}-too-long", name, f'"a" * {max_length + 1}'))
    if kind in _TEXTUAL and min_length:
        cases.append(Case(f"{name}-too-short", name, f'"a" * {min_length - 1}'))
    pattern = effective_pattern(field)
    if kind in _TEXTUAL and pattern is not None:
        bad = _non_matching(pattern)
        if bad is not None:
            cases.append(Case(f"{name}-pattern", name, _q(bad)))
    if kind in _NUMERIC:
        step = 1 if kind is FieldType.INT else Decimal("0.5")
        if field.ge is not None:
            cases.append(
                Case(f"{name}-below-ge", name, _number(field, Decimal(str(field.ge)) - step))
            )
        if field.gt is not None:
            cases.append(Case(f"{name}-at-gt", name, _number(field, Decimal(str(field.gt)))))
        if field.le is not None:
            cases.append(
                Case(f"{name}-above-le", name, _number(field, Decimal(str(field.le)) + step))
            )
        if field.lt is not None:
            cases.append(Case(f"{name}-at-lt", name, _number(field, Decimal(str(field.lt)))))
    if kind is FieldType.DECIMAL:
        digits, places = decimal_digits(field)
        cases.append(Case(f"{name}-too-many-digits", name, _q("9" * (digits - places + 1))))
        if places >= 0:
            cases.append(Case(f"{name}-too-many-places", name, _q("0." + "1" * (places + 1))))
    if kind is FieldType.ENUM:
        cases.append(Case(f"{name}-not-a-choice", name, _q("not-a-choice")))
    if kind is FieldType.EMAIL:
        cases.append(Case(f"{name}-not-an-email", name, _q("not-an-email")))
        cases.append(Case(f"{name}-too-long", name, f'"a" * {max_length} + "@example.com"'))
    if kind is FieldType.URL:
        cases.append(Case(f"{name}-not-a-url", name, _q("not a url")))
    if kind is FieldType.UUID:
        cases.append(Case(f"{name}-not-a-uuid", name, _q("not-a-uuid")))
    if kind is FieldType.DATE:
        cases.append(Case(f"{name}-not-a-date", name, _q("2024-13-45")))
    return cases


def boundary_cases(field: FieldSpec) -> list[Case]:
    """Values exactly on each constraint's boundary that must be accepted."""
    cases: list[Case] = []
    name = field.name
    kind = field.type
    if kind in _TEXTUAL and field.pattern is None:
        max_length = effective_max_length(field)
        min_length = effective_min_length(field)
        if max_length is not None:
            cases.append(Case(f"{name}-max-length", name, f'"a" * {max_length}'))
        if min_length:
            cases.append(Case(f"{name}-min-length", name, f'"a" * {min_length}'))
    if kind in _NUMERIC:
        if field.ge is not None:
            cases.append(Case(f"{name}-at-ge", name, _number(field, Decimal(str(field.ge)))))
        if field.le is not None:
            cases.append(Case(f"{name}-at-le", name, _number(field, Decimal(str(field.le)))))
    if kind is FieldType.ENUM and field.values:
        cases.extend(Case(f"{name}-{value}", name, _q(value)) for value in field.values)
    return cases
