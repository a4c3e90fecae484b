"""The values a number field accepts: its bounds as the generated app checks them, and what its
column holds (an int is a 32-bit INTEGER, a decimal has max_digits and decimal_places, a float is
finite).

`numbers(kind, opts)` gives the accepted values of an int or decimal (`Steps`: whole multiples
of 10**-places, counted exactly with `Decimal`) or of a float (`Floats`, compared as the app
compares them, in floating point). Both answer what test data needs: a round accepted value,
`count` distinct accepted values in steps, and the nearest values beyond each bound.
"""

from __future__ import annotations

import functools
import math
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import MAX_EMAX, MIN_EMIN, ROUND_CEILING, ROUND_FLOOR, Context, Decimal, localcontext
from typing import Any, ParamSpec, TypeVar

from fastgen.spec.constraints import INTEGER_MAX, INTEGER_MIN, digits_and_places
from fastgen.spec.model import FieldType

_P = ParamSpec("_P")
_R = TypeVar("_R")
# Enough digits for any bound a float can write (10**308) with a decimal's 1000 places.
_EXACT = Context(prec=3000, Emax=MAX_EMAX, Emin=MIN_EMIN)


def _exactly(function: Callable[_P, _R]) -> Callable[_P, _R]:
    """Run `function` with exact decimal arithmetic (no rounding to 28 digits)."""

    @functools.wraps(function)
    def exact_arithmetic(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        with localcontext(_EXACT):
            return function(*args, **kwargs)

    return exact_arithmetic


LOWER = ("ge", "gt")
UPPER = ("le", "lt")
_HOLDS = {
    "ge": lambda a, b: a >= b,
    "gt": lambda a, b: a > b,
    "le": lambda a, b: a <= b,
    "lt": lambda a, b: a < b,
}


def exact(value: int | float) -> Decimal:
    """A bound as the decimal the spec wrote (0.1 is 0.1, not the float nearest to it)."""
    return Decimal(value) if isinstance(value, int) else Decimal(repr(value))


def bound_of(opts: Mapping[str, Any], keys: tuple[str, str]) -> tuple[str, int | float] | None:
    return next(((key, opts[key]) for key in keys if opts.get(key) is not None), None)


def _named(
    lower: tuple[str, int | float] | None, upper: tuple[str, int | float] | None, key: str
) -> int | float | None:
    """The bound written as `key`, if any."""
    return next((b[1] for b in (lower, upper) if b is not None and b[0] == key), None)


def numbers(kind: FieldType, opts: Mapping[str, Any]) -> Steps | Floats:
    """The accepted values of a number field of `kind` with options `opts` (ge, max_digits...)."""
    lower, upper = bound_of(opts, LOWER), bound_of(opts, UPPER)
    if kind is FieldType.FLOAT:
        return Floats(lower, upper)
    if kind is FieldType.INT:
        return Steps(lower, upper, 0, Decimal(INTEGER_MIN), Decimal(INTEGER_MAX), None)
    digits, places = digits_and_places(opts.get("max_digits"), opts.get("decimal_places"))
    with localcontext(_EXACT):  # negation rounds to the context's precision too
        largest = Decimal(10) ** (digits - places) - Decimal(1).scaleb(-places)
        smallest = -largest
    return Steps(lower, upper, places, smallest, largest, largest)


def _round(value: Decimal, unit: Decimal, rounding: str) -> Decimal:
    return (value / unit).to_integral_value(rounding=rounding) * unit


@_exactly
def roundest(low: Decimal, high: Decimal, finest: int) -> Decimal | None:
    """The accepted value nearest to zero in [low, high], rounded to the coarsest unit that keeps
    it in range: whole numbers first, then tenths... down to 10**finest; None when none fits."""
    if low > high:
        return None
    if low <= 0 <= high:
        return Decimal(0)
    for exponent in range(0, finest - 1, -1):
        unit = Decimal(1).scaleb(exponent)
        candidate = _round(low, unit, ROUND_CEILING) if low > 0 else _round(high, unit, ROUND_FLOOR)
        if low <= candidate <= high:
            return candidate
    return None


@dataclass(frozen=True)
class Steps:
    """An int (places 0) or a decimal: whole multiples of 10**-places within the column."""

    lower: tuple[str, int | float] | None
    upper: tuple[str, int | float] | None
    places: int
    floor: Decimal  # the smallest value the column holds
    ceiling: Decimal
    magnitude: Decimal | None  # a decimal's largest magnitude (any int can be sent)

    @property
    def unit(self) -> Decimal:
        return Decimal(1).scaleb(-self.places)

    @_exactly
    def expressible(self, value: Decimal) -> bool:
        """Can a client send it without breaking digits or places (bounds aside)?"""
        if value != value.quantize(self.unit):
            return False
        return self.magnitude is None or abs(value) <= self.magnitude

    @_exactly
    def within(self, value: Decimal) -> bool:
        """Do the spec's bounds hold?"""
        return all(
            _HOLDS[bound[0]](value, exact(bound[1]))
            for bound in (self.lower, self.upper)
            if bound is not None
        )

    @_exactly
    def accepts(self, value: Decimal) -> bool:
        """Accepted by the app and stored by the column."""
        return (
            self.expressible(value) and self.floor <= value <= self.ceiling and self.within(value)
        )

    @_exactly
    def lowest(self) -> Decimal | None:
        low = self.floor
        if self.lower is not None:
            low = max(low, _round(exact(self.lower[1]), self.unit, ROUND_CEILING))
            if not self.within(low):
                low += self.unit
        return low if self.accepts(low) else None

    @_exactly
    def highest(self) -> Decimal | None:
        high = self.ceiling
        if self.upper is not None:
            high = min(high, _round(exact(self.upper[1]), self.unit, ROUND_FLOOR))
            if not self.within(high):
                high -= self.unit
        return high if self.accepts(high) else None

    @_exactly
    def count(self) -> int:
        """How many values are accepted."""
        low, high = self.lowest(), self.highest()
        if low is None or high is None or high < low:
            return 0
        return int((high - low) / self.unit) + 1

    @_exactly
    def sample(self) -> Decimal | None:
        """1 when accepted, else the roundest accepted value."""
        low, high = self.lowest(), self.highest()
        if low is None or high is None:
            return None
        if self.accepts(Decimal(1)):
            return Decimal(1)
        return roundest(low, high, -self.places)

    @_exactly
    def progression(self, count: int) -> tuple[Decimal, Decimal] | None:
        """(start, step) with `start + i * step` accepted for every i below `count`; step 1 when
        the range allows it, else finer."""
        low, high = self.lowest(), self.highest()
        if low is None or high is None:
            return None
        for places in range(self.places + 1):
            step = Decimal(1).scaleb(-places)
            span = step * (count - 1)
            start = self.sample()
            assert start is not None
            if start + span > high:
                start = _round(high - span, step, ROUND_FLOOR)
            if start < low:
                start = _round(low, step, ROUND_CEILING)
            if self.accepts(start) and self.accepts(start + span):
                return start, step
        return None

    def below_lower(self) -> Decimal | None:
        """The largest value a client can send that the lower bound refuses."""
        return self._beyond(self.lower, ROUND_FLOOR, -1)

    def above_upper(self) -> Decimal | None:
        """The smallest value a client can send that the upper bound refuses."""
        return self._beyond(self.upper, ROUND_CEILING, 1)

    @_exactly
    def _beyond(
        self, bound: tuple[str, int | float] | None, rounding: str, direction: int
    ) -> Decimal | None:
        if bound is None:
            return None
        value = _round(exact(bound[1]), self.unit, rounding)
        if self.within(value):
            value += direction * self.unit
        return value if self.expressible(value) and not self.within(value) else None

    @_exactly
    def at(self, key: str) -> Decimal | None:
        """The bound `key` itself when it is an accepted value (ge, le)."""
        bound = _named(self.lower, self.upper, key)
        if bound is None:
            return None
        value = exact(bound)
        return value if self.accepts(value) else None

    @_exactly
    def just_inside(self, key: str) -> Decimal | None:
        """The accepted value nearest to an exclusive bound (gt, lt)."""
        if key == "gt" and self.lower is not None and self.lower[0] == key:
            return self.lowest()
        if key == "lt" and self.upper is not None and self.upper[0] == key:
            return self.highest()
        return None


@dataclass(frozen=True)
class Floats:
    """A float: finite, bounds compared in floating point as the app compares them."""

    lower: tuple[str, int | float] | None
    upper: tuple[str, int | float] | None

    def accepts(self, value: float) -> bool:
        return math.isfinite(value) and all(
            _HOLDS[bound[0]](value, float(bound[1]))
            for bound in (self.lower, self.upper)
            if bound is not None
        )

    def interval(self) -> tuple[float, float]:
        """The smallest and largest accepted floats (low > high: none)."""
        low, high = -sys.float_info.max, sys.float_info.max
        if self.lower is not None:
            low = max(low, float(self.lower[1]))
            if not self.accepts(low):
                low = math.nextafter(low, math.inf)
        if self.upper is not None:
            high = min(high, float(self.upper[1]))
            if not self.accepts(high):
                high = math.nextafter(high, -math.inf)
        return low, high

    def sample(self) -> float | None:
        """1.0 when accepted, else the roundest accepted value."""
        low, high = self.interval()
        if not low <= high:
            return None
        if self.accepts(1.0):
            return 1.0
        found = roundest(Decimal(low), Decimal(high), -340)
        candidates = [float(found)] if found is not None else []
        return next((c for c in [*candidates, low] if self.accepts(c)), None)

    def progression(self, count: int) -> tuple[float, float] | None:
        """(start, step): `start + i * step`, computed in floating point, is accepted and
        distinct for every i below `count`."""
        low, high = self.interval()
        start = self.sample()
        if start is None or not low < high:
            return None
        width = high - low
        exponent = min(0, math.floor(math.log10(width / count))) if math.isfinite(width) else 0
        # far from zero, steps must exceed the spacing of floats there to give distinct values
        coarsest = math.ceil(math.log10(4 * math.ulp(start)))
        exponents = [exponent - finer for finer in range(4)] + [coarsest, coarsest + 1]
        for step in (10.0**e for e in exponents):
            for first in (start, high - count * step, low + step):
                values = [first + i * step for i in range(count)]
                if len(set(values)) == count and all(self.accepts(v) for v in values):
                    return first, step
        return None

    def below_lower(self) -> float | None:
        """Something clearly below an inclusive bound; an exclusive bound itself."""
        return self._beyond(self.lower, "ge", -1.0)

    def above_upper(self) -> float | None:
        return self._beyond(self.upper, "le", 1.0)

    def _beyond(
        self, bound: tuple[str, int | float] | None, inclusive: str, direction: float
    ) -> float | None:
        if bound is None:
            return None
        value = float(bound[1])
        if bound[0] == inclusive:
            value += direction * max(1.0, abs(value) * 1e-9)
        return value if math.isfinite(value) and not self.accepts(value) else None

    def at(self, key: str) -> float | None:
        bound = _named(self.lower, self.upper, key)
        if bound is None:
            return None
        value = float(bound)
        return value if self.accepts(value) else None

    def just_inside(self, key: str) -> float | None:
        return None  # the nearest float is no boundary a reader recognises
