"""The JSON Schema of the spec format: valid, current, and in step with the loader."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from test_load_property import dump

from fastgen.commands.new import render_project
from fastgen.errors import SpecError
from fastgen.spec.fields import OPTIONS
from fastgen.spec.json_schema import (
    RATE_PATTERN,
    SCHEMA_FILE,
    SCHEMA_ID,
    SHORTHAND_PATTERN,
    TYPE_DOCS,
    _option_schemas,
    schema_text,
    spec_json_schema,
)
from fastgen.spec.load import load_spec, load_spec_text, load_specs
from fastgen.spec.model import FieldType, OnDelete, Operation, RelationSpec
from fastgen.spec.relations import ONLY_FOR, RELATION_OPTIONS
from fastgen.spec.source import Report, parse, to_plain

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
CHECKED_IN = EXAMPLES / SCHEMA_FILE
EXAMPLE_SPECS = sorted(EXAMPLES.glob("*/*.yaml"))
SCHEMA_LINE = "# yaml-language-server: $schema=../fastgen-spec.schema.json"
REGENERATE = (
    "examples/fastgen-spec.schema.json is stale; regenerate it with\n"
    '  python -c "from fastgen.spec.json_schema import schema_text; '
    "open('examples/fastgen-spec.schema.json', 'w', newline='\\n').write(schema_text())\"\n"
    "(or `fastgen schema > examples/fastgen-spec.schema.json`) and commit it"
)

VALIDATOR = Draft202012Validator(spec_json_schema())


def yaml_data(text: str) -> Any:
    """The YAML as the loader reads it (timestamps stay text), as plain JSON-like values."""
    report = Report("spec.yaml", text)
    node = parse(report)
    assert report.ok, report.diagnostics
    return None if node is None else to_plain(node)


def schema_errors(data: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '<root>'}: {error.message}"
        for error in VALIDATOR.iter_errors(data)
    ]


def loader_accepts(text: str) -> bool:
    try:
        load_spec_text(text, "spec.yaml", known_resources=["Author"], roles=["admin", "editor"])
    except SpecError:
        return False
    return True


# -- the schema itself


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    schema = spec_json_schema()
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == SCHEMA_ID
    assert schema["title"]
    assert schema["description"]


def test_schema_text_is_the_schema_as_sorted_json() -> None:
    text = schema_text()
    assert json.loads(text) == spec_json_schema()
    assert text == json.dumps(spec_json_schema(), indent=2, sort_keys=True) + "\n"
    assert text == schema_text()


def test_checked_in_schema_is_current() -> None:
    assert CHECKED_IN.is_file(), REGENERATE
    assert CHECKED_IN.read_text(encoding="utf-8") == schema_text(), REGENERATE


def _properties(node: Any, where: str = "#") -> list[tuple[str, Any]]:
    """Every (location, schema) under a `properties` keyword, anywhere in the schema."""
    found: list[tuple[str, Any]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "properties" and isinstance(value, dict):
                found.extend((f"{where}/properties/{name}", sub) for name, sub in value.items())
            found.extend(_properties(value, f"{where}/{key}"))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            found.extend(_properties(item, f"{where}/{index}"))
    return found


def test_every_property_has_a_description() -> None:
    schema = spec_json_schema()
    # rules (if/then/not) restrict properties declared elsewhere; only declarations need text
    declared = [
        (where, sub)
        for where, sub in _properties(schema)
        if not re.search(r"/(allOf|if|then|else|not)/", where) and isinstance(sub, dict)
    ]
    assert len(declared) > 40
    missing = [where for where, sub in declared if not sub.get("description")]
    assert missing == []
    for name, definition in schema["$defs"].items():
        assert definition.get("description"), name


def test_enums_and_patterns_follow_the_model() -> None:
    schema = spec_json_schema()
    defs = schema["$defs"]
    options = defs["field_options"]["properties"]
    assert options["type"]["enum"] == [t.value for t in FieldType]
    assert list(options) == OPTIONS
    assert set(_option_schemas()) == set(OPTIONS), "give every field option its schema"
    assert set(TYPE_DOCS) == set(FieldType), "describe every field type"
    assert defs["relation"]["properties"]["on_delete"]["enum"] == [o.value for o in OnDelete]
    assert list(defs["relation"]["properties"]) == list(RELATION_OPTIONS)
    assert set(RELATION_OPTIONS) == set(RelationSpec.model_fields) - {"name"}
    assert list(schema["properties"]["access"]["properties"]) == [o.value for o in Operation]
    limits = schema["properties"]["limits"]["properties"]
    assert set(limits) == {"rate", "page_size", *(o.value for o in Operation)}
    for kind in FieldType:
        assert re.fullmatch(SHORTHAND_PATTERN, kind.value)
        assert re.fullmatch(SHORTHAND_PATTERN, f"{kind.value}?")
    assert not re.search(SHORTHAND_PATTERN, "strr")
    assert re.search(RATE_PATTERN, "120/minute")
    assert not re.search(RATE_PATTERN, "120/fortnight")


# -- examples and generated projects


def test_examples_exist() -> None:
    assert {p.relative_to(EXAMPLES).as_posix() for p in EXAMPLE_SPECS} >= {
        "bookshop/author.yaml",
        "bookshop/book.yaml",
        "all_types/gadget.yaml",
    }


@pytest.mark.parametrize("path", EXAMPLE_SPECS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_example_spec_validates_and_points_at_the_schema(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == SCHEMA_LINE
    assert (path.parent / "../fastgen-spec.schema.json").resolve() == CHECKED_IN
    assert schema_errors(yaml_data(text)) == []


def test_loader_accepts_the_schema_comment_line() -> None:
    specs = load_specs(EXAMPLE_SPECS)
    assert {spec.resource for spec in specs} >= {"Author", "Book", "Tag", "Review", "Gadget"}
    gadget = load_spec(EXAMPLES / "all_types" / "gadget.yaml")
    without = (EXAMPLES / "all_types" / "gadget.yaml").read_text(encoding="utf-8")
    without = without.split("\n", 1)[1]
    assert not without.startswith("# yaml-language-server")
    assert load_spec_text(without, "gadget.yaml") == gadget


def test_rendered_project_holds_the_schema() -> None:
    files = dict(render_project("shop", "sqlite"))
    assert files[SCHEMA_FILE] == schema_text()


def test_new_project_has_the_schema_next_to_specs(project: Path) -> None:
    schema = project / SCHEMA_FILE
    assert schema.read_text(encoding="utf-8") == schema_text()
    assert (project / "specs").is_dir()
    assert (project / "specs" / "../fastgen-spec.schema.json").resolve() == schema.resolve()


# -- invalid specs

HEAD = "version: 1\nresource: Book\n"

INVALID = {
    "unknown shorthand type": HEAD + "fields:\n  title: strr\n",
    "unknown type in options": HEAD + "fields:\n  title: {type: strng}\n",
    "type with ? in options": HEAD + "fields:\n  title: {type: str?}\n",
    "unknown option": HEAD + "fields:\n  title: {type: str, maxlength: 10}\n",
    "field without type": HEAD + "fields:\n  title: {max_length: 10}\n",
    "field name not snake_case": HEAD + "fields:\n  Title: str\n",
    "field name with a dash": HEAD + "fields:\n  sub-title: str\n",
    "reserved field name": HEAD + "fields:\n  class: int\n",
    "model attribute as a field name": HEAD + "fields:\n  metadata: int\n",
    "system column": HEAD + "fields:\n  id: int\n",
    "no fields": HEAD + "fields: {}\n",
    "two relation kinds": HEAD
    + "fields:\n  title: str\nrelations:\n  author: {belongs_to: Author, has_many: Author}\n",
    "no relation kind": HEAD + "fields:\n  title: str\nrelations:\n  author: {optional: true}\n",
    "bad on_delete": HEAD
    + "fields:\n  title: str\nrelations:\n  author: {belongs_to: Author, on_delete: set_null}\n",
    "set null without optional": HEAD
    + "fields:\n  title: str\nrelations:\n  author: {belongs_to: Author, on_delete: set null}\n",
    "on_delete on has_many": HEAD
    + "fields:\n  title: str\nrelations:\n  authors: {has_many: Author, on_delete: cascade}\n",
    "relation target not PascalCase": HEAD
    + "fields:\n  title: str\nrelations:\n  author: {belongs_to: author}\n",
    "bad rate": HEAD + "fields:\n  title: str\nlimits:\n  rate: 120/fortnight\n",
    "rate without count": HEAD + "fields:\n  title: str\nlimits:\n  create: per minute\n",
    "page_size zero": HEAD + "fields:\n  title: str\nlimits:\n  page_size: {default: 0}\n",
    "unknown limit": HEAD + "fields:\n  title: str\nlimits:\n  burst: 10/second\n",
    "missing resource": "version: 1\nfields:\n  title: str\n",
    "missing version": "resource: Book\nfields:\n  title: str\n",
    "missing fields": HEAD,
    "version 2": "version: 2\nresource: Book\nfields:\n  title: str\n",
    "version as text": "version: '1'\nresource: Book\nfields:\n  title: str\n",
    "resource not PascalCase": "version: 1\nresource: book\nfields:\n  title: str\n",
    "unknown top-level key": HEAD + "fields:\n  title: str\ncolumns: {}\n",
    "bad path": HEAD + "path: books\nfields:\n  title: str\n",
    "reserved table": HEAD + "table: order\nfields:\n  title: str\n",
    "unknown operation": HEAD + "fields:\n  title: str\naccess:\n  craete: [public]\n",
    "subjects not a list": HEAD + "fields:\n  title: str\naccess:\n  list: public\n",
    "empty subjects": HEAD + "fields:\n  title: str\naccess:\n  list: []\n",
    "owner creates": HEAD + "fields:\n  title: str\naccess:\n  create: [owner]\n",
    "public with others": HEAD + "fields:\n  title: str\naccess:\n  list: [public, admin]\n",
    "max_length on int": HEAD + "fields:\n  pages: {type: int, max_length: 3}\n",
    "ge on str": HEAD + "fields:\n  title: {type: str, ge: 1}\n",
    "values on str": HEAD + "fields:\n  title: {type: str, values: [a, b]}\n",
    "enum without values": HEAD + "fields:\n  genre: {type: enum}\n",
    "enum values not a list": HEAD + "fields:\n  genre: {type: enum, values: fiction}\n",
    "enum value a keyword": HEAD + "fields:\n  genre: {type: enum, values: [class, other]}\n",
    "duplicate enum values": HEAD + "fields:\n  genre: {type: enum, values: [a, a]}\n",
    "ge with gt": HEAD + "fields:\n  pages: {type: int, ge: 1, gt: 0}\n",
    "read_only and write_only": HEAD
    + "fields:\n  code: {type: str, read_only: true, write_only: true}\n",
    "unique password": HEAD + "fields:\n  secret: {type: password, unique: true}\n",
    "password default": HEAD + "fields:\n  secret: {type: password, default: hunter2}\n",
    "null default on required field": HEAD + "fields:\n  title: {type: str, default: null}\n",
    "text default on int": HEAD + "fields:\n  pages: {type: int, default: many}\n",
    "flag as text": HEAD + "fields:\n  title: {type: str, unique: 'yes'}\n",
    "negative min_length": HEAD + "fields:\n  title: {type: str, min_length: -1}\n",
    "max_digits too large": HEAD + "fields:\n  price: {type: decimal, max_digits: 1001}\n",
    "sortable json": HEAD + "fields:\n  data: {type: json, sortable: true}\n",
    "filterable password": HEAD + "fields:\n  secret: {type: password, filterable: true}\n",
    "filterable write_only": HEAD
    + "fields:\n  code: {type: str, write_only: true, filterable: true}\n",
    "sortable as text": HEAD + "fields:\n  title: {type: str, sortable: 'yes'}\n",
    "field name with __": HEAD + "fields:\n  page__count: int\n",
    "relation name with __": HEAD
    + "fields:\n  title: str\nrelations:\n  main__author: {belongs_to: Author}\n",
    "filterable on has_many": HEAD
    + "fields:\n  title: str\nrelations:\n  fans: {has_many: Author, filterable: true}\n",
    "via on belongs_to": HEAD
    + "fields:\n  title: str\nrelations:\n  author: {belongs_to: Author, via: books}\n",
    "via not a name": HEAD
    + "fields:\n  title: str\nrelations:\n  fans: {has_many: Author, via: Books}\n",
    "expand as text": HEAD
    + "fields:\n  title: str\nrelations:\n  author: {belongs_to: Author, expand: 'no'}\n",
}


@pytest.mark.parametrize("text", INVALID.values(), ids=INVALID.keys())
def test_invalid_spec_fails_the_schema_and_the_loader(text: str) -> None:
    assert not loader_accepts(text), "the case must be invalid for the loader too"
    assert schema_errors(yaml_data(text)) != []


def test_editor_comment_does_not_change_validity() -> None:
    text = f"{SCHEMA_LINE}\n" + HEAD + "fields:\n  title: str\n  summary: ' text ? '\n"
    assert loader_accepts(text)
    assert schema_errors(yaml_data(text)) == []


# -- whatever the loader accepts, the schema accepts

SETTINGS = settings(
    max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)

NAMES = ["title", "pages", "price", "summary", "code", "genre", "born_on", "a1", "x_y", "order"]
CLASSES = ["Author", "Book", "Tag"]
TYPES = [t.value for t in FieldType]
RATES = ["120/minute", "1 / second", "10 per hour", " 5 per 2 days ", "3/ 1 minute", "0/minute"]


def _maybe_none(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(strategy, st.none())


numbers = st.one_of(st.integers(-5, 500), st.floats(-10, 1000, allow_nan=False))
defaults = st.one_of(
    st.none(),
    st.booleans(),
    numbers,
    st.sampled_from(
        [
            *("fiction", "a", "9", "1.50", "a@b.co", "https://example.com"),
            *("2024-01-31", "2024-01-31T12:00:00", "12:30:00"),
            "5f1c8d7e-0b6a-4b8e-9a53-2f0e6c1d9b10",
        ]
    ),
)
option_values: dict[str, st.SearchStrategy[Any]] = {
    "optional": st.booleans(),
    "default": defaults,
    "unique": st.booleans(),
    "index": st.booleans(),
    "min_length": _maybe_none(st.integers(0, 5)),
    "max_length": _maybe_none(st.integers(1, 300)),
    "pattern": _maybe_none(st.sampled_from(["^[a-z]+$", "[0-9]", "."])),
    "ge": _maybe_none(numbers),
    "gt": _maybe_none(numbers),
    "le": _maybe_none(numbers),
    "lt": _maybe_none(numbers),
    "max_digits": _maybe_none(st.integers(1, 14)),
    "decimal_places": _maybe_none(st.integers(0, 4)),
    "values": st.lists(st.sampled_from(["fiction", "a", "B_2", "draft"]), min_size=1, max_size=3),
    "read_only": st.booleans(),
    "write_only": st.booleans(),
    "sortable": st.booleans(),
    "filterable": st.booleans(),
    "description": _maybe_none(st.text(max_size=10)),
    "example": st.one_of(defaults, st.lists(st.integers(), max_size=2)),
    "renamed_from": _maybe_none(st.sampled_from(["old_title", "name"])),
}


@st.composite
def field_values(draw: st.DrawFn) -> Any:
    kind = draw(st.sampled_from(TYPES))
    if draw(st.booleans()):
        space = draw(st.sampled_from(["", " "]))
        return f"{space}{kind}{draw(st.sampled_from(['', '?', ' ?']))}{space}"
    names = draw(st.lists(st.sampled_from(sorted(option_values)), max_size=3, unique=True))
    if kind == "enum" and "values" not in names and draw(st.booleans()):
        names.append("values")
    return {"type": kind, **{name: draw(option_values[name]) for name in names}}


relation_options: dict[str, st.SearchStrategy[Any]] = {
    "on_delete": st.sampled_from([o.value for o in OnDelete]),
    "optional": st.booleans(),
    "expand": st.booleans(),
    "filterable": st.booleans(),
    "via": st.sampled_from(["book", "author", "Book"]),
}


@st.composite
def relations(draw: st.DrawFn) -> dict[str, Any]:
    """A relation with the options its kind takes, and now and then one it does not."""
    kind = draw(st.sampled_from(["belongs_to", "has_many", "many_to_many"]))
    keys = [k for k in relation_options if ONLY_FOR.get(k, kind) == kind or draw(st.booleans())]
    chosen = draw(st.lists(st.sampled_from(keys), max_size=3, unique=True))
    return {
        kind: draw(st.sampled_from(CLASSES)),
        **{key: draw(relation_options[key]) for key in chosen},
    }


subjects = st.one_of(
    st.just(["public"]),
    st.lists(
        st.sampled_from(["authenticated", "owner", "admin", "editor"]),
        min_size=1,
        max_size=3,
        unique=True,
    ),
)
accepted_like = st.fixed_dictionaries(
    {
        "version": st.just(1),
        "resource": st.sampled_from(["Book", "Gadget", "Tag"]),
        "fields": st.dictionaries(st.sampled_from(NAMES), field_values(), min_size=1, max_size=4),
    },
    optional={
        "table": st.sampled_from(["books", "book_items", "order"]),
        "path": st.sampled_from(["/books", "/shop/books", "/b-2", "/Books"]),
        "relations": _maybe_none(
            st.dictionaries(
                st.sampled_from(["author", "tags", "owner_ref"]), relations(), max_size=2
            )
        ),
        "access": _maybe_none(
            st.dictionaries(st.sampled_from([o.value for o in Operation]), subjects, max_size=5)
        ),
        "limits": _maybe_none(
            st.fixed_dictionaries(
                {},
                optional={
                    "rate": _maybe_none(st.sampled_from(RATES)),
                    "list": st.sampled_from(RATES),
                    "create": st.sampled_from(RATES),
                    "page_size": _maybe_none(
                        st.fixed_dictionaries(
                            {},
                            optional={"default": st.integers(0, 60), "max": st.integers(1, 200)},
                        )
                    ),
                },
            )
        ),
    },
)


@SETTINGS
@given(accepted_like)
def test_specs_the_loader_accepts_validate(data: dict[str, Any]) -> None:
    # The strategies of test_load_property aim at broken input and almost never produce a spec
    # the loader accepts; these stay close to valid specs (about 40% are accepted) and reach the
    # rules between options (type-specific options, defaults, set null, public, owner).
    text = dump(data)
    if loader_accepts(text):
        event("accepted by the loader")
        assert schema_errors(yaml_data(text)) == [], text
    else:
        event("refused by the loader")


@pytest.mark.parametrize(
    "text",
    [
        HEAD + "fields:\n  title: str\nrelations:\naccess:\nlimits:\n",
        HEAD + "fields:\n  title: str\nlimits:\n  rate:\n  page_size:\n",
        HEAD
        + "fields:\n  title: {type: str, min_length: null, pattern: null, description: null}\n",
        HEAD + "fields:\n  price: {type: decimal, default: '9.99', max_digits: 4}\n",
        HEAD + "fields:\n  born_on: {type: date, default: 2024-01-31}\n",
        HEAD + "fields:\n  data: {type: json, default: 3, example: {a: [1, 2]}}\n",
        HEAD + "fields:\n  title: {type: str, optional: true, default: null}\n",
        HEAD
        + "fields:\n  title: str\nrelations:\n  author: "
        + "{belongs_to: Author, on_delete: set null, optional: true}\n",
        HEAD + "fields:\n  title: str\nlimits:\n  rate: ' 10 per 2 hours '\n",
        HEAD + "fields:\n  title: &t {type: str, max_length: 20}\n  code: *t\n",
        HEAD
        + "fields:\n  title: {type: str, sortable: true, filterable: true, read_only: true,"
        + " optional: true}\n"
        + "  data: {type: json, sortable: false}\n  code: {type: str, write_only: true, "
        + "filterable: false}\n",
        HEAD
        + "fields:\n  title: str\nrelations:\n"
        + "  author: {belongs_to: Author, filterable: true, expand: true}\n"
        + "  fans: {has_many: Author, via: idol, expand: true}\n"
        + "  tags: {many_to_many: Author, expand: false}\n",
        HEAD + "fields:\n  order: int\n  key: str\nrelations:\n  user: {belongs_to: Author}\n",
    ],
)
def test_edge_cases_the_loader_accepts_validate(text: str) -> None:
    assert loader_accepts(text)
    assert schema_errors(yaml_data(text)) == []
