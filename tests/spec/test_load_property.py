"""Whatever the input, the loader returns a spec or raises SpecError with located diagnostics."""

from __future__ import annotations

import io
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from fastgen.errors import SpecError
from fastgen.spec.load import load_spec_text
from fastgen.spec.model import FieldSpec, FieldType, ResourceSpec

SETTINGS = settings(
    max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
# Parsing a whole spec costs a few milliseconds (ruamel.yaml is pure Python): fewer, richer cases.
HEAVY = settings(SETTINGS, max_examples=100)

VALID = """\
version: 1
resource: Book
fields:
  title: {type: str, max_length: 200}
  genre: {type: enum, values: [fiction, science], default: fiction}
  summary: text?
relations:
  author: {belongs_to: Author, on_delete: cascade}
access:
  list: [public]
  create: [editor, admin]
limits:
  rate: 120/minute
  page_size: {default: 20, max: 100}
"""

WORDS = [
    "version", "resource", "table", "path", "fields", "relations", "access", "limits",
    "title", "type", "default", "values", "optional", "unique", "min_length", "max_length",
    "pattern", "ge", "gt", "le", "lt", "max_digits", "decimal_places", "belongs_to", "has_many",
    "on_delete", "list", "create", "page_size", "max", "rate", "id", "order", "Book", "Author",
    *(t.value for t in FieldType),
]  # fmt: skip
OPTIONS = [name for name in FieldSpec.model_fields if name != "name"]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(WORDS),
    st.text(max_size=12),
    st.sampled_from(["120/minute", "set null", "2024-01-01", "12:30", "[a-", "public", "owner"]),
)
keys = st.one_of(st.sampled_from(WORDS), st.text(max_size=8))
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(keys, inner, max_size=3)),
    max_leaves=8,
)
option_values = st.one_of(scalars, st.lists(scalars, max_size=3))
field_specs = st.one_of(
    st.sampled_from([f"{t.value}{q}" for t in FieldType for q in ("", "?")]),
    st.fixed_dictionaries(
        {"type": st.sampled_from([t.value for t in FieldType])},
        optional={option: option_values for option in OPTIONS if option != "type"},
    ),
    values,
)
spec_like = st.fixed_dictionaries(
    {
        "version": st.one_of(st.just(1), scalars),
        "resource": st.one_of(st.sampled_from(["Book", "Author", "Order", "book"]), scalars),
        "fields": st.one_of(st.dictionaries(keys, field_specs, max_size=4), values),
    },
    optional={
        "table": scalars,
        "path": scalars,
        "relations": st.one_of(
            st.dictionaries(
                keys,
                st.fixed_dictionaries(
                    {},
                    optional={
                        "belongs_to": st.sampled_from(["Book", "Author", "Autor", "x"]),
                        "has_many": st.sampled_from(["Book", "Author"]),
                        "many_to_many": st.sampled_from(["Book", "Author"]),
                        "on_delete": st.sampled_from(["cascade", "set null", "restrict", "nope"]),
                        "optional": scalars,
                        "expand": scalars,
                        "filterable": scalars,
                        "via": st.one_of(st.sampled_from(["book", "author", "x__y"]), scalars),
                    },
                ),
                max_size=3,
            ),
            values,
        ),
        "access": st.one_of(
            st.dictionaries(
                st.sampled_from(["list", "read", "create", "update", "delete", "craete"]),
                st.lists(st.sampled_from(["public", "owner", "admin", "editr", 3]), max_size=3),
            ),
            values,
        ),
        "limits": values,
        "junk": values,
    },
)


def dump(data: Any) -> str:
    yaml = YAML(typ="safe", pure=True)
    stream = io.StringIO()
    yaml.dump(data, stream)
    return stream.getvalue()


def check(text: str, roles: list[str] | None = None) -> None:
    try:
        spec = load_spec_text(text, "spec.yaml", known_resources=["Author"], roles=roles)
    except SpecError as error:
        assert error.diagnostics
        lines = text.count("\n") + 2
        for diagnostic in error.diagnostics:
            assert diagnostic.line >= 1
            assert diagnostic.col >= 1
            assert diagnostic.length >= 1
            assert diagnostic.line <= lines
            assert diagnostic.message
        error.render()
    else:
        assert isinstance(spec, ResourceSpec)


@SETTINGS
@given(st.text(max_size=300))
def test_random_text(text: str) -> None:
    check(text)


@HEAVY
@given(st.data())
def test_mutated_valid_spec(data: st.DataObject) -> None:
    text = VALID
    for _ in range(data.draw(st.integers(min_value=1, max_value=4))):
        at = data.draw(st.integers(min_value=0, max_value=len(text)))
        cut = data.draw(st.integers(min_value=0, max_value=5))
        insert = data.draw(
            st.sampled_from(["", ":", " ", "\t", "-", "[", "{", "'", "\n", "#", "*a", "&a ", "? "])
        )
        text = text[:at] + insert + text[at + cut :]
    check(text, roles=data.draw(st.one_of(st.none(), st.just(["editor", "admin"]))))


@SETTINGS
@given(values)
def test_random_structures(data: Any) -> None:
    check(dump(data))


@HEAVY
@given(spec_like)
def test_spec_like_structures(data: dict[str, Any]) -> None:
    check(dump(data), roles=["admin"])
