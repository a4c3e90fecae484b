"""Checks for the `fields:` section: shorthand, option types and constraint combinations."""

from __future__ import annotations

import keyword
import math
import re
import sys
import warnings
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from fastgen.spec.capacity import (
    INTEGER_MAX,
    INTEGER_MIN,
    MAX_LENGTH,
    MAX_NUMERIC_PRECISION,
    TYPE_MAX_LENGTH,
)
from fastgen.spec.defaults import BOUNDS, NUMERIC, STRINGY, default_problem, value_problem
from fastgen.spec.model import (
    DEFAULT_DECIMAL_PLACES,
    DEFAULT_MAX_DIGITS,
    FieldSpec,
    FieldType,
)
from fastgen.spec.patterns import engine_problem
from fastgen.spec.reserved import attribute_name_problem, enum_value_problem
from fastgen.spec.sampling import refusals
from fastgen.spec.source import (
    Entry,
    Report,
    Span,
    YMap,
    YNode,
    YScalar,
    YSeq,
    describe,
    did_you_mean,
)
from fastgen.spec.source import to_plain as plain

IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
ENUM_VALUE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
TYPE_NAMES = [t.value for t in FieldType]
OPTIONS = [name for name in FieldSpec.model_fields if name != "name"]

# Options that make the list endpoint take a query parameter on the field (never for values the
# API does not return, nor for JSON).
LIST_OPTIONS = ("sortable", "filterable")
LIST_PARAMETERS = ("limit", "offset", "sort", "include")
"""Query parameters every list endpoint has: a filter on a field of that name would clash."""
_BOOL_OPTIONS = ("optional", "unique", "index", "read_only", "write_only", *LIST_OPTIONS)
_INT_OPTIONS = {"min_length": 0, "max_length": 1, "max_digits": 1, "decimal_places": 0}
_LENGTH = ("min_length", "max_length", "pattern")
_LARGEST_BOUND = sys.float_info.max  # bounds are compared with floats too
_DIGITS = ("max_digits", "decimal_places")

# loc tuple (as pydantic reports it) -> (dotted path, span), used to locate pydantic errors.
Where = dict[tuple[str | int, ...], tuple[str, Span]]


def types_hint(word: str) -> str:
    return did_you_mean(word, TYPE_NAMES) or f"types are: {', '.join(TYPE_NAMES)}"


def name_hint(name: str) -> str:
    cleaned = re.sub(r"[^a-z0-9]+", "_", re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower())
    cleaned = cleaned.strip("_")
    if cleaned and not cleaned[0].isalpha():
        cleaned = f"f_{cleaned}"
    return f"e.g. '{cleaned}'" if IDENTIFIER.fullmatch(cleaned) else "e.g. 'title'"


def check_attribute_name(report: Report, kind: str, entry: Entry, path: str) -> bool:
    """A field or relation name: snake_case and not reserved. Reports and returns False if bad."""
    name = entry.key
    if not IDENTIFIER.fullmatch(name) and not name.startswith("_"):
        report.error(
            entry.key_span,
            path,
            f"{kind} name '{name}' must be snake_case (lowercase letters, digits and '_', "
            "starting with a letter)",
            name_hint(name),
        )
        return False
    problem = attribute_name_problem(name)
    if problem is not None:
        report.error(entry.key_span, path, problem.message, problem.hint)
        return False
    return True


@dataclass
class _Option:
    value: Any
    entry: Entry

    @property
    def key_span(self) -> Span:
        return self.entry.key_span

    @property
    def span(self) -> Span:
        return self.entry.value.span


class FieldChecker:
    """Checks one field (`entry` is the `name: ...` item under `fields:`)."""

    def __init__(
        self, report: Report, entry: Entry, where: Where, loc: tuple[str | int, ...]
    ) -> None:
        self.report = report
        self.entry = entry
        self.name = entry.key
        self.path = f"fields.{entry.key}"
        self.where = where
        self.loc = loc
        self.opts: dict[str, _Option] = {}
        self.present: dict[str, Entry] = {}
        self.type: FieldType | None = None
        self._first_diagnostic = len(report.diagnostics)

    def error(self, at: Span, option: str | None, message: str, hint: str | None = None) -> None:
        path = f"{self.path}.{option}" if option else self.path
        self.report.error(at, path, message, hint)

    def check(self) -> dict[str, Any] | None:
        """The field's data for FieldSpec (without `name`), or None if it cannot be read at all."""
        node = self.entry.value
        self.where[self.loc] = (self.path, self.entry.key_span)
        if isinstance(node, YScalar):
            return self._shorthand(node)
        if isinstance(node, YSeq):
            self.error(
                node.span,
                None,
                "expected a type such as 'str' or a mapping of options, got a list",
                f"e.g. '{self.name}: str' or '{self.name}: {{type: str, max_length: 200}}'",
            )
            return None
        return self._mapping(node)

    # -- shorthand: `summary: text?`
    def _shorthand(self, node: YScalar) -> dict[str, Any] | None:
        if node.bad:
            return None
        if not isinstance(node.value, str) or not node.value.strip():
            self.error(
                node.span,
                None,
                f"expected a type such as 'str' or a mapping of options, got {describe(node)}",
                f"e.g. '{self.name}: str' or '{self.name}: {{type: str, max_length: 200}}'",
            )
            return None
        text = node.value.strip()
        optional = text.endswith("?")
        word = text[:-1].strip() if optional else text
        span = node.span
        if node.plain and span.end_line == span.line:
            span = Span(span.line, span.col, span.line, span.col + len(word))
        if word not in TYPE_NAMES:
            self.error(span, None, f"unknown type '{word}'", types_hint(word))
            return None
        self.where[(*self.loc, "type")] = (self.path, span)
        return {"type": FieldType(word), "optional": optional}

    # -- mapping of options
    def _mapping(self, node: YMap) -> dict[str, Any] | None:
        for first, later in node.duplicates:
            self.error(
                later.key_span,
                later.key,
                f"duplicate option '{later.key}' (first defined on line {first.key_span.line + 1})",
            )
        for entry in node.entries:
            if entry.key not in OPTIONS:
                hint = did_you_mean(entry.key, OPTIONS) or f"options are: {', '.join(OPTIONS)}"
                self.error(entry.key_span, entry.key, f"unknown option '{entry.key}'", hint)
                continue
            self.present[entry.key] = entry
            self.where[(*self.loc, entry.key)] = (f"{self.path}.{entry.key}", entry.value.span)
            value = self._option(entry)
            if value is not _BAD:
                self.opts[entry.key] = _Option(value, entry)
        if "type" not in self.present:
            self.error(
                self.entry.key_span,
                None,
                f"field '{self.name}' has no type",
                f"add 'type:', one of: {', '.join(TYPE_NAMES)}",
            )
        type_option = self.opts.get("type")
        if type_option is not None:
            self.type = FieldType(type_option.value)
            self._combinations()
        data = {key: option.value for key, option in self.opts.items()}
        return data if self.type is not None else None

    def _option(self, entry: Entry) -> Any:
        key, node = entry.key, entry.value
        if isinstance(node, YScalar) and node.bad:
            return _BAD
        if key == "example":
            return plain(node)
        if key == "values":
            return self._values(node)
        if not isinstance(node, YScalar):
            self.error(node.span, key, f"{key} must be a single value, got {describe(node)}")
            return _BAD
        value = node.value
        if key == "type":
            if not isinstance(value, str) or value not in TYPE_NAMES:
                word = str(value)
                self.error(node.span, key, f"unknown type '{word}'", types_hint(word))
                return _BAD
            return value
        if key == "default":
            return value
        if key in _BOOL_OPTIONS:
            if not isinstance(value, bool):
                self.error(node.span, key, f"{key} must be true or false, got {describe(node)}")
                return _BAD
            return value
        if value is None:
            return None
        if key in _INT_OPTIONS:
            return self._int(node, key, _INT_OPTIONS[key])
        if key in BOUNDS:
            if isinstance(value, bool) or not isinstance(value, int | float):
                self.error(node.span, key, f"{key} must be a number, got {describe(node)}")
                return _BAD
            if abs(value) > _LARGEST_BOUND or not math.isfinite(value):
                self.error(node.span, key, f"{key} must be a finite number, got {describe(node)}")
                return _BAD
            return value
        if not isinstance(value, str):
            self.error(node.span, key, f"{key} must be text, got {describe(node)}", "quote it")
            return _BAD
        if key == "renamed_from":
            return self._renamed_from(node, value)
        return value  # pattern, description

    def _int(self, node: YScalar, key: str, minimum: int) -> Any:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(node.span, key, f"{key} must be a whole number, got {describe(node)}")
            return _BAD
        if value < minimum:
            self.error(node.span, key, f"{key} must be at least {minimum}, got {value}")
            return _BAD
        if key == "max_digits" and value > MAX_NUMERIC_PRECISION:
            self.error(
                node.span,
                key,
                f"max_digits must be at most {MAX_NUMERIC_PRECISION}, got {value}",
                "PostgreSQL's NUMERIC holds at most 1000 digits",
            )
            return _BAD
        if key in ("min_length", "max_length") and value > MAX_LENGTH:
            self.error(
                node.span,
                key,
                f"{key} must be at most {MAX_LENGTH:_}, got {value:_}",
                "the longest VARCHAR PostgreSQL has; leave max_length out for text of any length",
            )
            return _BAD
        return value

    def _renamed_from(self, node: YScalar, value: str) -> Any:
        if not IDENTIFIER.fullmatch(value):
            self.error(
                node.span,
                "renamed_from",
                f"renamed_from must be a snake_case field name, got {value!r}",
            )
            return _BAD
        if value == self.name:
            self.error(node.span, "renamed_from", "renamed_from must differ from the field name")
            return _BAD
        return value

    def _values(self, node: YNode) -> Any:
        if isinstance(node, YScalar) and node.value is None:
            return None
        if not isinstance(node, YSeq):
            self.error(
                node.span,
                "values",
                f"values must be a list of names, got {describe(node)}",
                "e.g. values: [draft, published]",
            )
            return _BAD
        if not node.items:
            self.error(node.span, "values", "values must list at least one choice")
            return _BAD
        seen: dict[str, int] = {}
        ok = True
        for index, item in enumerate(node.items):
            path = f"values[{index}]"
            if isinstance(item, YScalar) and item.bad:
                ok = False
                continue
            if not isinstance(item, YScalar) or not isinstance(item.value, str):
                self.error(
                    item.span,
                    path,
                    f"an enum value must be a name like 'draft', got {describe(item)}",
                )
                ok = False
            elif not ENUM_VALUE.fullmatch(item.value):
                self.error(
                    item.span,
                    path,
                    f"enum value {item.value!r} must be a name "
                    "(letters, digits and '_', not starting with a digit)",
                )
                ok = False
            elif keyword.iskeyword(item.value):
                self.error(item.span, path, f"enum value '{item.value}' is a Python keyword")
                ok = False
            elif (problem := enum_value_problem(item.value)) is not None:
                self.error(item.span, path, problem.message, problem.hint)
                ok = False
            elif item.value in seen:
                self.error(
                    item.span,
                    path,
                    f"duplicate enum value '{item.value}' (first at values[{seen[item.value]}])",
                )
                ok = False
            else:
                seen[item.value] = index
        return tuple(seen) if ok else _BAD

    # -- combinations that depend on the type
    def _not_allowed(
        self, options: tuple[str, ...], allowed: frozenset[FieldType], hint: str
    ) -> None:
        assert self.type is not None
        if self.type in allowed:
            return
        for key in options:
            entry = self.present.get(key)
            if entry is not None:
                self.error(
                    entry.key_span, key, f"{key} is not allowed on type '{self.type.value}'", hint
                )
                self.opts.pop(key, None)

    def _combinations(self) -> None:
        assert self.type is not None
        self._not_allowed(
            _LENGTH,
            STRINGY,
            "min_length, max_length and pattern apply to str, text, email, url and password",
        )
        self._not_allowed(BOUNDS, NUMERIC, "ge, gt, le and lt apply to int, float and decimal")
        self._not_allowed(
            _DIGITS,
            frozenset({FieldType.DECIMAL}),
            "max_digits and decimal_places apply to decimal",
        )
        self._not_allowed(
            ("values",),
            frozenset({FieldType.ENUM}),
            "values lists the choices of a field of type 'enum'",
        )
        self._pattern()
        self._both("ge", "gt", "lower bound")
        self._both("le", "lt", "upper bound")
        self._whole_bounds()
        self._lengths()
        self._bounds()
        self._digits()
        self._enum()
        self._flags()
        self._capacity()
        if "default" in self.opts:
            self._default(self.opts["default"])
        self._example()
        self._samples()

    def _both(self, a: str, b: str, what: str) -> None:
        if a in self.opts and b in self.opts:
            later = max(self.opts[a], self.opts[b], key=lambda o: (o.key_span.line, o.key_span.col))
            self.error(
                later.key_span,
                later.entry.key,
                f"{a} and {b} cannot be used together",
                f"keep one {what}",
            )
            self.opts.pop(later.entry.key)

    def _pattern(self) -> None:
        option = self.opts.get("pattern")
        if option is None or option.value is None:
            return
        try:
            with warnings.catch_warnings():
                # Python's own hints about its future syntax ('[[' may become a nested set)
                # say nothing about the app's engine, which decides below
                warnings.simplefilter("ignore", FutureWarning)
                re.compile(option.value)
        except re.error as error:
            self.error(option.span, "pattern", f"invalid regular expression: {error}")
            self.opts.pop("pattern")
            return
        problem = engine_problem(option.value)
        if problem is not None:
            self.error(
                option.span,
                "pattern",
                f"the generated app's regex engine refuses this pattern: {problem}",
                "the app checks patterns with pydantic's Rust regex engine: no look-around, "
                "back-references, atomic groups or possessive repeats; write the end of the "
                "value as $, not \\Z",
            )
            self.opts.pop("pattern")

    def _value(self, key: str) -> Any:
        option = self.opts.get(key)
        return None if option is None else option.value

    def _lengths(self) -> None:
        low, high = self._value("min_length"), self._value("max_length")
        if low is not None and high is not None and low > high:
            self.error(
                self.opts["min_length"].span,
                "min_length",
                f"min_length ({low}) is greater than max_length ({high})",
            )

    def _bounds(self) -> None:
        low_key = next((k for k in ("ge", "gt") if self._value(k) is not None), None)
        high_key = next((k for k in ("le", "lt") if self._value(k) is not None), None)
        if low_key is None or high_key is None:
            return
        low, high = self._value(low_key), self._value(high_key)
        at = self.opts[low_key].span
        if low > high:
            self.error(at, low_key, f"{low_key} ({low}) is greater than {high_key} ({high})")
        elif low == high and (low_key == "gt" or high_key == "lt"):
            self.error(
                at, low_key, f"{low_key} ({low}) and {high_key} ({high}) leave no valid value"
            )

    def _digits(self) -> None:
        if self.type is not FieldType.DECIMAL:
            return
        digits, places = self._value("max_digits"), self._value("decimal_places")
        if digits is None and places is None:
            return
        eff_digits = DEFAULT_MAX_DIGITS if digits is None else digits
        eff_places = DEFAULT_DECIMAL_PLACES if places is None else places
        if eff_places > eff_digits:
            places_text = f"{eff_places}" + (" by default" if places is None else "")
            digits_text = f"{eff_digits}" + (" by default" if digits is None else "")
            key = "decimal_places" if places is not None else "max_digits"
            self.error(
                self.opts[key].span,
                key,
                f"decimal_places ({places_text}) is greater than max_digits ({digits_text})",
            )

    def _enum(self) -> None:
        if self.type is not FieldType.ENUM:
            return
        entry = self.present.get("values")
        missing = entry is None or (
            isinstance(entry.value, YScalar) and entry.value.value is None and not entry.value.bad
        )
        if missing:
            self.error(
                self.present["type"].value.span,
                "type",
                "an enum field needs 'values'",
                "e.g. values: [draft, published]",
            )

    def _flags(self) -> None:
        flags = {key for key in _BOOL_OPTIONS if self._value(key) is True}
        if {"read_only", "write_only"} <= flags:
            self.error(
                self.opts["write_only"].key_span,
                "write_only",
                "read_only and write_only cannot both be true",
            )
        required = "optional" not in flags and "default" not in self.present
        if required and "read_only" in flags and "write_only" not in flags:
            self.error(
                self.opts["read_only"].key_span,
                "read_only",
                "a read_only field that is required needs a default: clients never send it, so "
                "nothing would fill its column",
                "add 'optional: true' or a 'default'",
            )
        if self.type is FieldType.PASSWORD:
            for key, what in (
                ("unique", "be unique"),
                ("index", "be indexed"),
                ("read_only", "be read_only"),
            ):
                if key in flags:
                    self.error(
                        self.opts[key].key_span,
                        key,
                        f"a password field cannot {what}",
                        "passwords are stored hashed and never returned",
                    )
            if "default" in self.present:
                self.error(
                    self.present["default"].key_span,
                    "default",
                    "a password field cannot have a default",
                )
                self.opts.pop("default", None)
        if self.type is FieldType.JSON:
            for key, what in (("unique", "be unique"), ("index", "be indexed")):
                if key in flags:
                    self.error(self.opts[key].key_span, key, f"a json field cannot {what}")
        self._list_options(flags)

    def _list_options(self, flags: set[str]) -> None:
        """sortable / filterable need a value the API returns and the database can compare."""
        for key in LIST_OPTIONS:
            if key not in flags:
                continue
            at = self.opts[key].key_span
            if self.type is FieldType.PASSWORD:
                self.error(
                    at,
                    key,
                    f"a password field cannot be {key}",
                    "passwords are stored hashed and never returned",
                )
            elif self.type is FieldType.JSON:
                self.error(
                    at,
                    key,
                    f"a json field cannot be {key}",
                    "sort and filter on fields of a plain type (str, int, date, ...)",
                )
            elif "write_only" in flags:
                self.error(
                    at,
                    key,
                    f"a write_only field cannot be {key}",
                    "sorting or filtering by it would reveal a value the API never returns",
                )
            elif key == "filterable" and self.name in LIST_PARAMETERS:
                self.error(
                    at,
                    key,
                    f"a field named '{self.name}' cannot be filterable: the list endpoint's "
                    f"'{self.name}' parameter is taken",
                    f"rename the field, e.g. '{self.name}_value'",
                )

    # -- what the column and the generated app can hold
    def _capacity(self) -> None:
        """Integer bounds and defaults within an INTEGER column; lengths the type's own limit
        leaves room for (a password's max_length is 128 unless given, an email's 320, ...)."""
        if self.type is FieldType.INT:
            for key in (*BOUNDS, "default"):
                value = self._value(key)
                number = isinstance(value, int | float) and not isinstance(value, bool)
                if number and not INTEGER_MIN <= value <= INTEGER_MAX:
                    self.error(
                        self.opts[key].span,
                        key,
                        f"{key} {value} is outside what an int column holds "
                        f"({INTEGER_MIN} to {INTEGER_MAX})",
                        "int fields are 32-bit INTEGER columns; use decimal for larger numbers",
                    )
                    self.opts.pop(key)
        default = self._value("default")
        if self.type in STRINGY and isinstance(default, str) and "\x00" in default:
            self.error(
                self.opts["default"].span,
                "default",
                "default holds a NUL character (\\x00), which PostgreSQL cannot store in text",
                "remove it",
            )
            self.opts.pop("default")
        low, high = self._value("min_length"), self._value("max_length")
        implied = TYPE_MAX_LENGTH.get(self.type) if self.type is not None else None
        if low is not None and high is None and implied is not None and low > implied:
            assert self.type is not None
            self.error(
                self.opts["min_length"].span,
                "min_length",
                f"min_length ({low}) is greater than the max_length a {self.type.value} field "
                f"has unless given ({implied})",
                f"add max_length (at least {low})",
            )

    # -- default against type and constraints
    def _default(self, option: _Option) -> None:
        value = option.value
        if value is None:
            if self._value("optional") is not True:
                self.error(
                    option.span,
                    "default",
                    "default is null but the field is not optional",
                    "add 'optional: true' or remove the default",
                )
            return
        assert self.type is not None
        problem = default_problem(self.type, value, {k: o.value for k, o in self.opts.items()})
        if problem is not None:
            message, hint = problem
            self.error(option.span, "default", message, hint)
            self.opts.pop("default")

    def _whole_bounds(self) -> None:
        """The app compares an int with its bounds as ints: a fraction (or a float beyond what
        an int64 holds) makes the generated model fail to load."""
        if self.type is not FieldType.INT:
            return
        for key in BOUNDS:
            option = self.opts.get(key)
            value = None if option is None else option.value
            if option is None or not isinstance(value, float):
                continue
            if value.is_integer() and abs(value) < 2**63:
                continue
            whole = math.ceil(value) if key in ("ge", "gt") else math.floor(value)
            hint = f"e.g. {key}: {whole}" if abs(whole) < 2**63 else "use a smaller whole number"
            self.error(
                option.span, key, f"{key} of an int field must be a whole number, got {value}", hint
            )
            self.opts.pop(key)

    # -- example and test data: what the generated tests can send
    def _example(self) -> None:
        option = self.opts.get("example")
        if option is None or option.value is None:
            return
        assert self.type is not None
        opts = {k: o.value for k, o in self.opts.items()}
        problem = value_problem(self.type, option.value, opts, "example")
        if problem is not None:
            message, hint = problem
            self.error(option.span, "example", message, hint)
            self.opts.pop("example")

    def _samples(self) -> None:
        """The generated factory must be able to fill the field (see fastgen.spec.sampling);
        checked only once the field has no other problem."""
        if self.report.diagnostics[self._first_diagnostic :]:
            return
        data = {key: option.value for key, option in self.opts.items()}
        try:
            field = FieldSpec.model_validate({"name": self.name, **data})
        except ValidationError:
            return  # reported when the spec is built
        for refusal in refusals(field):
            option = self.opts.get(refusal.option)
            at = option.span if option is not None else self.entry.key_span
            self.error(at, refusal.option, refusal.message, refusal.hint)


class _Bad:
    pass


_BAD: Any = _Bad()
