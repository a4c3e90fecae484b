"""The generated test data, run here against the very model declarations fastgen generates: every
factory value is accepted (and distinct for unique fields over a test's worth of calls), every
invalid case is refused, every boundary case accepted."""

from __future__ import annotations

import functools
import string
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from sqlmodel import SQLModel

from fastgen.render.environment import make_environment
from fastgen.render.model_fields import field_view
from fastgen.render.resource import render_factories_init
from fastgen.render.samples import (
    SPELL_IMPORT,
    TEXT_IMPORT,
    boundary_cases,
    invalid_cases,
    py_text,
    sample,
)
from fastgen.spec import capacity
from fastgen.spec.load import load_spec_text, load_specs
from fastgen.spec.model import FieldSpec, FieldType, ResourceSpec
from fastgen.spec.patterns import ALPHANUMERIC
from fastgen.spec.patterns import spell as fastgen_spell
from fastgen.spec.sampling import UNIQUE_VALUES

REPO = Path(__file__).parents[2]
SPECS = sorted((REPO / "tests" / "e2e" / "specs" / "constraints").glob("*.yaml"))
GADGET = REPO / "examples" / "all_types" / "gadget.yaml"
# the types whose generated declaration needs only these imports (no app module)
CHECKED = (
    FieldType.STR,
    FieldType.TEXT,
    FieldType.INT,
    FieldType.FLOAT,
    FieldType.DECIMAL,
    FieldType.EMAIL,
    FieldType.URL,
    FieldType.PASSWORD,
    FieldType.UUID,
    FieldType.DATE,
)
DECLARATION_IMPORTS = """\
import uuid
from datetime import date
from decimal import Decimal
from pydantic import EmailStr
from sqlalchemy import Text
from sqlmodel import Field, SQLModel
"""


@functools.cache
def helpers() -> dict[str, Any]:
    """tests/factories/__init__.py of a generated project, run."""
    _, source = render_factories_init(make_environment())
    namespace: dict[str, Any] = {}
    exec(source, namespace)
    return namespace


@functools.cache
def app_types() -> dict[str, Any]:
    """app/core/types.py of a generated project (LongText, JsonObject), run."""
    source = make_environment().get_template("project/app/core/types.py.jinja").render()
    namespace: dict[str, Any] = {}
    exec(source, namespace)
    return namespace


def model(spec: ResourceSpec) -> type[SQLModel]:
    """The spec's checked fields declared exactly as the generated Create model declares them."""
    lines = [
        "    " + field_view(spec, field).declaration.replace(", unique=True", "")
        for field in spec.fields
        if field.type in CHECKED
    ]
    namespace: dict[str, Any] = dict(app_types())
    source = DECLARATION_IMPORTS + "\n\nclass Checked(SQLModel):\n" + "\n".join(lines)
    exec(compile(source, "<model>", "exec", dont_inherit=True), namespace)
    created: type[SQLModel] = namespace["Checked"]
    return created


@functools.cache
def evaluation() -> dict[str, Any]:
    """What a factory module has at hand: the helpers and the imports samples may need."""
    namespace = dict(helpers())
    exec(
        "import uuid\nfrom datetime import UTC, date, datetime, timedelta\n"
        "from decimal import Decimal",
        namespace,
    )
    return namespace


def value_of(source: str, n: int = 0) -> Any:
    return eval(source, {**evaluation(), "n": n})


def accepts(checked: type[SQLModel], name: str, value: Any) -> bool:
    try:
        checked.model_validate({name: value}).model_dump()
    except ValidationError as error:
        return not any(detail["loc"][0] == name for detail in error.errors())
    return True


def all_specs() -> list[ResourceSpec]:
    loaded = load_specs(SPECS)
    return [*loaded, *load_specs([GADGET])]


def checked_fields(spec: ResourceSpec) -> list[FieldSpec]:
    """The fields the factory sends whose declaration `model` can build."""
    return [f for f in spec.fields if f.type in CHECKED and not f.read_only]


@pytest.mark.parametrize("spec", all_specs(), ids=lambda spec: spec.resource)
def test_factory_values_are_accepted_and_unique_ones_distinct(spec: ResourceSpec) -> None:
    checked = model(spec)
    for field in checked_fields(spec):
        source = sample(field).source
        start = 123_457  # a counter far into a session: values repeat only after 1000 calls
        values = [value_of(source, n) for n in range(start, start + UNIQUE_VALUES)]
        for value in values[:50]:
            assert accepts(checked, field.name, value), (field.name, value)
        if field.unique:
            assert len(set(values)) == UNIQUE_VALUES, field.name
            assert all(accepts(checked, field.name, v) for v in values), field.name


@pytest.mark.parametrize("spec", all_specs(), ids=lambda spec: spec.resource)
def test_invalid_cases_are_refused_and_boundary_cases_accepted(spec: ResourceSpec) -> None:
    checked = model(spec)
    for field in checked_fields(spec):
        for case in invalid_cases(field):
            if case.value != "MISSING":
                assert not accepts(checked, field.name, value_of(case.value)), case
        for case in boundary_cases(field):
            assert accepts(checked, field.name, value_of(case.value)), case


def field_of(text: str) -> Any:
    spec = load_spec_text("version: 1\nresource: Book\nfields:\n  " + text + "\n", "b.yaml")
    return spec.fields[0]


@pytest.mark.parametrize(
    ("text", "source"),
    [
        (
            'license_no: {type: str, pattern: "^[A-Z]{2}[0-9]{6}$", unique: true}',
            'spell(n % 1000, ("ABCDEFGHIJKLMNOPQRSTUVWXYZ", 2), ("0123456789", 6))',
        ),
        ('region: {type: str, pattern: "^(north|south)-[a-z]{2}$"}', '"north-aa"'),
        ('code: {type: str, pattern: "^[a-z]+$", example: "hello"}', '"hello"'),
        ("tag: {type: str, max_length: 2, unique: true}", 'text("tag", n, 0, 2)'),
        ("contact: {type: email, unique: true}", '("user" + str(n) + "@example.com")'),
        (
            "contact: {type: email, max_length: 20, unique: true}",
            'text("user", n, 0, 8) + "@example.com"',
        ),
        ("seats: {type: int, gt: -3, lt: 5000, unique: true}", "1 + n % 1000"),
        ("level: {type: int, ge: 7, le: 7}", "7"),
        ("ratio: {type: float, gt: 0, lt: 0.5, unique: true}", "0.1 + (n % 1000) * 0.0001"),
        ("weight: {type: float, gt: 0, lt: 0.5}", "0.1"),
        ("fee: {type: decimal, decimal_places: 0, ge: 0, unique: true}", "str(1 + n % 1000)"),
        ("price: {type: decimal, ge: 0, unique: true}", 'f"{1 + n % 1000}.00"'),
        (
            "tiny: {type: decimal, max_digits: 3, decimal_places: 3, ge: 0, unique: true}",
            'f"{Decimal(n % 1000).scaleb(-3):f}"',
        ),
        ("deposit: {type: decimal, max_digits: 6, decimal_places: 2, le: -5}", '"-5.00"'),
        ("badge: {type: uuid, unique: true}", "str(uuid.UUID(int=n))"),
        ("badge: {type: uuid}", '"00000000-0000-4000-8000-000000000001"'),
        (
            "day: {type: date, unique: true}",
            "(date(2024, 1, 1) + timedelta(days=n % 1000)).isoformat()",
        ),
        (
            "opens: {type: time, unique: true}",
            "time(n // 3600 % 24, n // 60 % 60, n % 60).isoformat()",
        ),
    ],
)
def test_sample_sources_read_like_the_constraints(text: str, source: str) -> None:
    assert sample(field_of(text)).source == source


def cases(text: str, which: str) -> dict[str, str]:
    field = field_of(text)
    found = invalid_cases(field) if which == "invalid" else boundary_cases(field)
    return {case.id.removeprefix(field.name + "-"): case.value for case in found}


def test_below_ge_of_a_decimal_without_places_is_not_minus_zero() -> None:
    """`"-0"` equals 0: the generated test expected a 422 for an accepted value."""
    invalid = cases("fee: {type: decimal, max_digits: 5, decimal_places: 0, ge: 0}", "invalid")
    assert invalid["below-ge"] == '"-1"'
    assert invalid["too-many-places"] == '"1.1"'
    assert invalid["too-many-digits"] == '"999999"'


def test_exclusive_bounds_are_tested_on_both_sides() -> None:
    invalid = cases("seats: {type: int, gt: -3, lt: 5000}", "invalid")
    assert invalid == {"missing": "MISSING", "at-gt": "-3", "at-lt": "5000"}
    accepted = cases("seats: {type: int, gt: -3, lt: 5000}", "boundary")
    assert accepted == {"above-gt": "-2", "below-lt": "4999"}
    invalid = cases("ratio: {type: float, gt: 0, lt: 0.5}", "invalid")
    assert invalid == {"missing": "MISSING", "at-gt": "0.0", "at-lt": "0.5"}
    invalid = cases(
        "share: {type: decimal, max_digits: 4, decimal_places: 2, gt: 0.1, lt: 0.3}", "invalid"
    )
    assert (invalid["at-gt"], invalid["at-lt"]) == ('"0.10"', '"0.30"')


def test_an_int_without_bounds_is_tested_at_the_integer_column_range() -> None:
    invalid = cases("pages: {type: int}", "invalid")
    assert invalid["below-integer-range"] == "-2147483649"
    assert invalid["above-integer-range"] == "2147483648"


def test_pattern_lengths_are_tested_with_values_of_the_pattern() -> None:
    text = 'serial: {type: str, pattern: "^SN-[0-9a-f]{4,8}$", min_length: 8, max_length: 10}'
    assert cases(text, "boundary") == {"max-length": '"SN-0000000"', "min-length": '"SN-00000"'}
    invalid = cases(text, "invalid")
    assert invalid["too-long"] == '"SN-00000000"'
    assert invalid["too-short"] == '"SN-0000"'
    assert invalid["pattern"] == '"!N-00000"'  # right length, wrong character


def test_py_text_is_short_and_exact() -> None:
    assert py_text("a" * 300) == '"a" * 300'
    assert py_text("SN-0000") == '"SN-0000"'
    assert py_text("SN-" + "0" * 40 + 'x"\\\n\x00') == '"SN-" + "0" * 40 + "x\\"\\\\\\n\\x00"'
    assert py_text("") == '""'
    for value in ("a" * 300, "ab" * 60, 'q"\\\n\té\U0001f600', "SN-" + "0" * 10):
        assert eval(py_text(value)) == value
        assert all(len(piece) <= 60 for piece in py_text(value).split(" + "))


def test_the_factories_spell_is_fastgens() -> None:
    generated = helpers()
    assert (
        generated["ALPHANUMERIC"]
        == ALPHANUMERIC
        == string.digits + string.ascii_uppercase + string.ascii_lowercase
    )
    parts = (("ABC", 2), "-", ("0123456789", 3), "x")
    for n in (0, 1, 9, 10, 899, 900, 12_345):
        assert generated["spell"](n, *parts) == fastgen_spell(n, *parts)


@settings(max_examples=100, deadline=None, database=None)
@given(
    low=st.integers(0, 12),
    extra=st.integers(0, 30),
    start=st.integers(0, 10**9),
    label=st.sampled_from(["notes", "internal-ref", "x"]),
)
def test_text_keeps_lengths_and_stays_distinct(
    low: int, extra: int, start: int, label: str
) -> None:
    text = helpers()["text"]
    high = max(low, 2) + extra
    values = [text(label, n, low, high) for n in range(start, start + 300)]
    assert all(low <= len(value) <= high for value in values)
    assert len(set(values)) == len(values)


def test_factory_imports_are_exactly_those_used() -> None:
    patterned = sample(field_of('code: {type: str, pattern: "^[A-Z]{3}$", unique: true}'))
    assert patterned.imports == (SPELL_IMPORT,) and patterned.counter
    assert sample(field_of("notes: text")).imports == (TEXT_IMPORT,)
    fixed = sample(field_of('code: {type: str, pattern: "^[A-Z]{3}$"}'))
    assert fixed.imports == () and not fixed.counter


def test_the_app_bounds_long_text_as_fastgen_samples_it() -> None:
    """Samples and boundary cases of a `text` field without max_length use fastgen's bound; the
    generated LongText type must enforce the very same one."""
    assert app_types()["TEXT_MAX_LENGTH"] == capacity.TEXT_MAX_LENGTH
