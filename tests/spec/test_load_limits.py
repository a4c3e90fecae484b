# ruff: noqa: E501  (expected output is compared verbatim, long lines included)
"""What the generated code, its databases or its lines cannot hold is refused where the spec
says it, with a hint: names the generated code takes for itself, names derived from the spec that
would collide, numbers beyond the columns, text no file can hold."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from fastgen.errors import SpecError
from fastgen.render.columns import NAMING_CONVENTION
from fastgen.spec.load import load_spec_text, load_specs
from fastgen.spec.reserved import CONSTRAINT_PREFIXES

Errors = Callable[..., str]

HEAD = "version: 1\nresource: Book\n"


def expect(text: str) -> str:
    return textwrap.dedent(text).strip("\n")


def first(got: str) -> tuple[str, str]:
    """The first diagnostic's `file:line:col: error: path: message` line and its hint."""
    lines = got.splitlines()
    hint = next((line.strip() for line in lines[1:] if line.strip().startswith("hint:")), "")
    return lines[0], hint


# -- enum values: members of a Python StrEnum and labels of a PostgreSQL enum


def test_enum_values_python_reserves_are_refused(errors: Errors) -> None:
    got = errors(
        HEAD + "fields:\n  state: {type: enum, values: [ok, _missing_, __init__, _ignore_, mro]}\n"
    )
    assert got == expect(
        """
        specs/book.yaml:4:36: error: fields.state.values[1]: enum value '_missing_' starts with '_': Python's Enum reserves such names ('_missing_', '__init__', ...) or treats them differently
           4 |   state: {type: enum, values: [ok, _missing_, __init__, _ignore_, mro]}
             |                                    ^^^^^^^^^
          hint: e.g. 'missing'
        specs/book.yaml:4:47: error: fields.state.values[2]: enum value '__init__' starts with '_': Python's Enum reserves such names ('_missing_', '__init__', ...) or treats them differently
           4 |   state: {type: enum, values: [ok, _missing_, __init__, _ignore_, mro]}
             |                                               ^^^^^^^^
          hint: e.g. 'init'
        specs/book.yaml:4:57: error: fields.state.values[3]: enum value '_ignore_' starts with '_': Python's Enum reserves such names ('_missing_', '__init__', ...) or treats them differently
           4 |   state: {type: enum, values: [ok, _missing_, __init__, _ignore_, mro]}
             |                                                         ^^^^^^^^
          hint: e.g. 'ignore'
        specs/book.yaml:4:67: error: fields.state.values[4]: enum value 'mro' cannot be a member of a Python Enum (it is a method of every class)
           4 |   state: {type: enum, values: [ok, _missing_, __init__, _ignore_, mro]}
             |                                                                   ^^^
          hint: e.g. 'mro_value'
        """
    )


@pytest.mark.parametrize("value", ["upper", "title", "count", "index", "format", "split"])
def test_enum_values_named_like_str_methods_are_refused(errors: Errors, value: str) -> None:
    line, hint = first(errors(HEAD + f"fields:\n  state: {{type: enum, values: [{value}]}}\n"))
    assert line == (
        f"specs/book.yaml:4:32: error: fields.state.values[0]: enum value '{value}' is a method "
        "of str: as a member of the generated StrEnum it would hide that method on every member "
        "(and mypy refuses it)"
    )
    assert hint == f"hint: e.g. '{value}_value'"


def test_enum_values_that_work_as_members_are_accepted() -> None:
    """`name` and `value` work as members (checked with pydantic, JSON, both databases and
    mypy), and so do names that merely end or start like refused ones."""
    values = "[name, value, x_, missing_, mro_, upper_case, title_page]"
    spec = load_spec_text(HEAD + f"fields:\n  state: {{type: enum, values: {values}}}\n", "b.yaml")
    assert spec.field("state").values == tuple(values[1:-1].split(", "))


def test_enum_value_too_long_for_a_line(errors: Errors) -> None:
    value = "v" * 41
    line, hint = first(errors(HEAD + f"fields:\n  state: {{type: enum, values: [ok, {value}]}}\n"))
    assert line == (
        f"specs/book.yaml:4:36: error: fields.state.values[1]: '{value}' is 41 characters long; "
        "fastgen (generated code joins names, and must fit its lines) takes at most 40"
    )
    assert hint == "hint: choose a shorter name"


# -- numbers the columns hold


@pytest.mark.parametrize(
    ("field", "option", "message", "hint"),
    [
        (
            "{type: int, ge: -2147483649}",
            "ge",
            "ge -2147483649 is outside what an int column holds (-2147483648 to 2147483647)",
            "int fields are 32-bit INTEGER columns; use decimal for larger numbers",
        ),
        (
            "{type: int, lt: 2147483648}",
            "lt",
            "lt 2147483648 is outside what an int column holds (-2147483648 to 2147483647)",
            "int fields are 32-bit INTEGER columns; use decimal for larger numbers",
        ),
        (
            "{type: int, default: 9999999999}",
            "default",
            "default 9999999999 is outside what an int column holds (-2147483648 to 2147483647)",
            "int fields are 32-bit INTEGER columns; use decimal for larger numbers",
        ),
        (
            "{type: str, max_length: 10485761}",
            "max_length",
            "max_length must be at most 10_485_760, got 10_485_761",
            "the longest VARCHAR PostgreSQL has; leave max_length out for text of any length",
        ),
        (
            "{type: text, max_length: 100000000000000000000000000000}",
            "max_length",
            "max_length must be at most 10_485_760, got 100_000_000_000_000_000_000_000_000_000",
            "the longest VARCHAR PostgreSQL has; leave max_length out for text of any length",
        ),
        (
            "{type: text, min_length: 10485761}",
            "min_length",
            "min_length must be at most 10_485_760, got 10_485_761",
            "the longest VARCHAR PostgreSQL has; leave max_length out for text of any length",
        ),
        (
            "{type: decimal, max_digits: 1001}",
            "max_digits",
            "max_digits must be at most 1000, got 1001",
            "PostgreSQL's NUMERIC holds at most 1000 digits",
        ),
        (
            "{type: password, min_length: 200}",
            "min_length",
            "min_length (200) is greater than the max_length a password field has unless given (128)",
            "add max_length (at least 200)",
        ),
        (
            "{type: email, min_length: 400}",
            "min_length",
            "min_length (400) is greater than the max_length a email field has unless given (320)",
            "add max_length (at least 400)",
        ),
    ],
)
def test_numbers_beyond_the_column(
    errors: Errors, field: str, option: str, message: str, hint: str
) -> None:
    line, got_hint = first(errors(HEAD + f"fields:\n  pages: {field}\n"))
    column = len("  pages: ") + field.index(f"{option}: ") + len(option) + 3  # the value
    assert line == f"specs/book.yaml:4:{column}: error: fields.pages.{option}: {message}"
    assert got_hint == f"hint: {hint}"


def test_numbers_at_the_column_limits_are_accepted() -> None:
    spec = load_spec_text(
        HEAD
        + "fields:\n"
        + "  pages: {type: int, ge: -2147483648, le: 2147483647, default: 2147483647}\n"
        + "  body: {type: str, max_length: 10485760}\n"
        + "  secret: {type: password, min_length: 200, max_length: 300}\n"
        + "  price: {type: decimal, max_digits: 1000, decimal_places: 1000}\n",
        "b.yaml",
    )
    assert spec.field("body").max_length == 10_485_760


def test_page_size_and_rate_limit_numbers(errors: Errors) -> None:
    got = errors(
        HEAD
        + "fields: {title: str}\n"
        + "limits:\n"
        + "  rate: 99999999999/minute\n"
        + "  list: 1 per 2147483648 days\n"
        + "  page_size: {default: 20, max: 2147483648}\n"
    )
    assert got == expect(
        """
        specs/book.yaml:5:9: error: limits.rate: rate limit '99999999999/minute' has a number larger than 2147483647
           5 |   rate: 99999999999/minute
             |         ^^^^^^^^^^^^^^^^^^
          hint: use '<count>/<period>' or '<count> per <period>' with second, minute, hour or day, e.g. '120/minute'
        specs/book.yaml:6:9: error: limits.list: rate limit '1 per 2147483648 days' has a number larger than 2147483647
           6 |   list: 1 per 2147483648 days
             |         ^^^^^^^^^^^^^^^^^^^^^
          hint: use '<count>/<period>' or '<count> per <period>' with second, minute, hour or day, e.g. '120/minute'
        specs/book.yaml:7:33: error: limits.page_size.max: max must be at most 2147483647, got 2147483648
           7 |   page_size: {default: 20, max: 2147483648}
             |                                 ^^^^^^^^^^
          hint: a page is read with one query; keep it to what a client can take
        """
    )


def test_rate_limits_are_written_with_single_spaces() -> None:
    """A rate limit is written into the generated router: whitespace inside it (a tab, a line
    break in a quoted YAML string) becomes one space."""
    spec = load_spec_text(
        HEAD + 'fields: {title: str}\nlimits:\n  rate: "10 per\\t 2\\n minutes"\n', "b.yaml"
    )
    assert spec.limits.rate == "10 per 2 minutes"


# -- text


def test_lone_surrogates_are_refused_anywhere(errors: Errors) -> None:
    got = errors(
        HEAD
        + "fields:\n"
        + '  title: {type: str, description: "a\\ud800b"}\n'
        + '  data: {type: json, example: {"k\\udfff": 1}}\n'
    )
    assert got == expect(
        """
        specs/book.yaml:4:35: error: fields.title.description: the text holds a lone surrogate (\\ud800), which is not a character
           4 |   title: {type: str, description: "a\\ud800b"}
             |                                   ^^^^^^^^^^
          hint: write the character itself, or escape it with \\U and 8 hex digits (e.g. \\U0001F680)
        specs/book.yaml:5:32: error: fields.data.example.k\\udfff: the key holds a lone surrogate, which is not a character
           5 |   data: {type: json, example: {"k\\udfff": 1}}
             |                                ^^^^^^^^^
        """
    )


def test_surrogate_pairs_written_as_two_escapes_are_one_character() -> None:
    """JSON writers escape characters outside the BMP as two `\\u` escapes; the loader reads the
    pair as the character, as JSON does."""
    spec = load_spec_text(
        HEAD + 'fields:\n  title: {type: str, description: "go \\ud83d\\ude80"}\n', "b.yaml"
    )
    assert spec.field("title").description == "go \U0001f680"


def test_nul_in_a_text_default_is_refused(errors: Errors) -> None:
    line, hint = first(errors(HEAD + 'fields:\n  title: {type: str, default: "a\\0b"}\n'))
    assert line == (
        "specs/book.yaml:4:31: error: fields.title.default: default holds a NUL character "
        "(\\x00), which PostgreSQL cannot store in text"
    )
    assert hint == "hint: remove it"


def test_odd_text_that_code_can_hold_is_accepted() -> None:
    """Descriptions may hold anything that is text: it is written escaped (NUL included: it never
    reaches the database)."""
    yaml = r'"two\nlines, a \"quote\", a \\ backslash, a tab\t, NUL \0, é and 🚀"'
    spec = load_spec_text(HEAD + f"fields:\n  title: {{type: str, description: {yaml}}}\n", "b")
    assert spec.field("title").description == (
        'two\nlines, a "quote", a \\ backslash, a tab\t, NUL \x00, é and 🚀'
    )


def test_subjects_must_be_role_names(errors: Errors) -> None:
    got = errors(HEAD + 'fields: {title: str}\naccess:\n  list: ["a\\"b", Editor]\n', roles=None)
    assert got == expect(
        """
        specs/book.yaml:5:10: error: access.list[0]: a subject must be a role name (snake_case), got 'a"b'
           5 |   list: ["a\\"b", Editor]
             |          ^^^^^^
          hint: e.g. [editor]; roles are declared under [tool.fastgen] roles in pyproject.toml
        specs/book.yaml:5:18: error: access.list[1]: a subject must be a role name (snake_case), got 'Editor'
           5 |   list: ["a\\"b", Editor]
             |                  ^^^^^^
          hint: e.g. [editor]; roles are declared under [tool.fastgen] roles in pyproject.toml
        """
    )


# -- table names the databases keep for themselves


@pytest.mark.parametrize(
    ("table", "message"),
    [
        (
            "pg_class",
            "'pg_class' starts with 'pg_', which is reserved for PostgreSQL's system catalogs",
        ),
        (
            "sqlite_master",
            "'sqlite_master' starts with 'sqlite_', which is reserved for SQLite's internal tables",
        ),
        ("information_schema", "'information_schema' is a system schema of PostgreSQL"),
        (
            "ix_books_title",
            "'ix_books_title' starts with 'ix_', which is how indexes and constraints are named (on PostgreSQL an index is looked up among the tables)",
        ),
        (
            "pk_books",
            "'pk_books' starts with 'pk_', which is how indexes and constraints are named (on PostgreSQL an index is looked up among the tables)",
        ),
        (
            "books_id_seq",
            "'books_id_seq' ends with '_id_seq', which is how PostgreSQL names the sequence that numbers a table's ids",
        ),
        ("t" * 64, f"'{'t' * 64}' is 64 characters long; a PostgreSQL table name takes at most 63"),
    ],
)
def test_system_table_names(errors: Errors, table: str, message: str) -> None:
    line, hint = first(errors(HEAD + f"table: {table}\nfields: {{title: str}}\n"))
    assert line == f"specs/book.yaml:3:8: error: table: {message}"
    assert hint in ("hint: choose another table name", "hint: choose a shorter name")


def test_paths_fit_a_line(errors: Errors) -> None:
    path = "/" + "a" * 90
    got = errors(HEAD + f"path: {path}\nfields: {{title: str}}\n")
    assert first(got) == (
        "specs/book.yaml:3:7: error: path: the path is 91 characters long; fastgen takes at most "
        "90 (the generated tests write it on one line)",
        "hint: choose a shorter path",
    )
    assert load_spec_text(HEAD + f"path: {path[:90]}\nfields: {{title: str}}\n", "b").path


def test_a_table_of_63_characters_is_accepted() -> None:
    spec = load_spec_text(HEAD + f"table: {'t' * 63}\nfields: {{title: str}}\n", "b.yaml")
    assert len(spec.table) == 63


def test_association_table_names_follow_the_table_rules(errors: Errors) -> None:
    got = errors(
        "version: 1\nresource: Pg\ntable: pg\nfields: {title: str}\n"
        "relations:\n  class: {many_to_many: Author}\n  stats: {many_to_many: Author}\n"
    )
    assert "relations.class: 'class' is a Python keyword" in got
    line = next(line for line in got.splitlines() if "relations.stats" in line)
    assert line == (
        "specs/book.yaml:7:3: error: relations.stats: its association table 'pg_stats' starts "
        "with 'pg_', which is reserved for PostgreSQL's system catalogs"
    )


# -- field and relation names


@pytest.mark.parametrize("name", ["date", "str", "int", "list", "uuid", "time", "utcnow"])
def test_names_the_generated_classes_use_are_not_field_names(errors: Errors, name: str) -> None:
    line, hint = first(errors(HEAD + f"fields:\n  title: str\n  {name}: date\n"))
    assert line == (
        f"specs/book.yaml:5:3: error: fields.{name}: '{name}' would hide the name '{name}' from "
        "the generated classes, which use it for the types and defaults of fields"
    )
    assert hint == f"hint: rename it, e.g. '{name}_ref'"


def test_field_and_relation_names_fit_a_line(errors: Errors) -> None:
    long = "a" * 41
    got = errors(HEAD + f"fields:\n  {long}: str\nrelations:\n  {long}_b: {{belongs_to: Author}}\n")
    message = "characters long; fastgen (generated code joins names, and must fit its lines) takes at most 40"
    assert f"specs/book.yaml:4:3: error: fields.{long}: '{long}' is 41 {message}" in got
    assert f"specs/book.yaml:6:3: error: relations.{long}_b: '{long}_b' is 43 {message}" in got
    assert load_spec_text(HEAD + f"fields:\n  {'a' * 40}: str\n", "b.yaml").fields[0].name


def test_a_field_named_like_a_password_column(errors: Errors) -> None:
    got = errors(HEAD + "fields:\n  pw: password\n  pw_hash: str\n")
    assert got == expect(
        """
        specs/book.yaml:5:3: error: fields.pw_hash: field 'pw_hash' has the name of the column that stores the hash of the password field 'pw'
           5 |   pw_hash: str
             |   ^^^^^^^
          hint: rename one of them
        """
    )


# -- resource names


@pytest.mark.parametrize(
    ("resource", "message", "hint"),
    [
        (
            "PATH",
            "'PATH' would clash with a name the generated code imports",
            "choose another class name, e.g. 'PATHItem'",
        ),
        (
            "CanRead",
            "'CanRead' would clash with a name the generated code imports",
            "choose another class name, e.g. 'CanReadItem'",
        ),
        (
            "Errors",
            "'Errors' would generate tests/test_errors.py, which the project already has",
            "choose another class name, e.g. 'ErrorsEntry'",
        ),
        (
            "USER",
            "'USER' would generate app/models/user.py, which the project already has",
            "choose another class name, e.g. 'USEREntry'",
        ),
        (
            "RefreshToken",
            "'RefreshToken' would generate app/models/refresh_token.py, which the project already has",
            "choose another class name, e.g. 'RefreshTokenEntry'",
        ),
        (
            "Sessions",
            "'Sessions' would generate tests/test_sessions.py, which the project already has",
            "choose another class name, e.g. 'SessionsEntry'",
        ),
        (
            "Payload",
            "'Payload' would name its rows 'payload' in the generated router, whose functions already use 'payload'",
            "choose another class name, e.g. 'PayloadEntry'",
        ),
        (
            "HashPassword",
            "'HashPassword' would name its rows 'hash_password' in the generated router, whose functions already use 'hash_password'",
            "choose another class name, e.g. 'HashPasswordEntry'",
        ),
        (
            "A" + "b" * 40,
            f"'A{'b' * 40}' is too long: its module name 'a{'b' * 40}' is 41 characters long; fastgen (generated code joins names, and must fit its lines) takes at most 40",
            "choose a shorter class name",
        ),
    ],
)
def test_resource_names_the_generated_code_takes(
    errors: Errors, resource: str, message: str, hint: str
) -> None:
    got = errors(f"version: 1\nresource: {resource}\ntable: things\nfields: {{title: str}}\n")
    assert first(got) == (f"specs/book.yaml:2:11: error: resource: {message}", f"hint: {hint}")


# -- names derived from several parts of a spec, or from several specs


def test_enum_classes_that_coincide_with_generated_classes(errors: Errors) -> None:
    got = errors(
        HEAD
        + "fields:\n"
        + "  read: {type: enum, values: [yes, no]}\n"
        + "  a_b1: {type: enum, values: [x]}\n"
        + "  a_b_1: {type: enum, values: [x]}\n"
        + "  tags_link: {type: enum, values: [x]}\n"
        + "relations:\n"
        + "  tags: {many_to_many: Author}\n"
    )
    assert got == expect(
        """
        specs/book.yaml:4:3: error: fields.read: the enum class of Book.read would be 'BookRead', which is already the Read class of Book
           4 |   read: {type: enum, values: [yes, no]}
             |   ^^^^
          hint: rename the field
        specs/book.yaml:6:3: error: fields.a_b_1: the PostgreSQL enum type of Book.a_b_1 would be 'bookab1', which is already the PostgreSQL enum type of Book.a_b1
           6 |   a_b_1: {type: enum, values: [x]}
             |   ^^^^^
          hint: rename the field
        specs/book.yaml:6:3: error: fields.a_b_1: the enum class of Book.a_b_1 would be 'BookAB1', which is already the enum class of Book.a_b1
           6 |   a_b_1: {type: enum, values: [x]}
             |   ^^^^^
          hint: rename the field
        specs/book.yaml:9:3: error: relations.tags: the link model of Book.tags would be 'BookTagsLink', which is already the enum class of Book.tags_link
           9 |   tags: {many_to_many: Author}
             |   ^^^^
          hint: rename the relation
        """
    )


def test_enum_types_postgresql_already_has(errors: Errors) -> None:
    got = errors(
        "version: 1\nresource: Date\ntable: dates\nfields:\n"
        "  range: {type: enum, values: [a]}\n"
        "  kind: {type: enum, values: [a]}\n"
    )
    assert got == expect(
        """
        specs/book.yaml:5:3: error: fields.range: the field's PostgreSQL enum type would be named 'daterange', which is a type PostgreSQL already has
           5 |   range: {type: enum, values: [a]}
             |   ^^^^^
          hint: rename the field
        """
    )


def test_enum_type_longer_than_postgresql_takes(errors: Errors) -> None:
    resource = "Catalogue" + "Entry" * 5  # module catalogue_entry_entry_entry_entry_entry (39)
    line, hint = first(
        errors(
            f"version: 1\nresource: {resource}\ntable: entries\nfields:\n  {'k' * 30}: {{type: enum, values: [a]}}\n"
        )
    )
    name = f"{resource.lower()}{'k' * 30}"
    assert line == (
        f"specs/book.yaml:5:3: error: fields.{'k' * 30}: the field's PostgreSQL enum type would be named "
        f"'{name}', {len(name)} characters long; PostgreSQL takes at most 63"
    )
    assert hint == "hint: shorten the field name (the type is the resource and field names joined)"


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_names_derived_from_several_specs(tmp_path: Path) -> None:
    book = _write(
        tmp_path,
        "book.yaml",
        "version: 1\nresource: Book\nfields:\n  genre: {type: enum, values: [a]}\n",
    )
    clash = _write(
        tmp_path,
        "book_read.yaml",
        "version: 1\nresource: BookRead\ntable: bookgenre\nfields: {title: str}\n",
    )
    http = _write(tmp_path, "http.yaml", "version: 1\nresource: HTTPLog\nfields: {title: str}\n")
    http2 = _write(
        tmp_path, "http2.yaml", "version: 1\nresource: HttpLog\ntable: logs\nfields: {title: str}\n"
    )
    with pytest.raises(SpecError) as caught:
        load_specs([book, clash, http, http2])
    got = caught.value.render()
    assert got == expect(
        f"""
        {clash}:2:11: error: resource: the model class of BookRead would be 'BookRead', which is already the Read class of Book
           2 | resource: BookRead
             |           ^^^^^^^^
          hint: choose another resource name
        {clash}:3:8: error: table: the table of BookRead would be 'bookgenre', which is already the PostgreSQL enum type of Book.genre
           3 | table: bookgenre
             |        ^^^^^^^^^
          hint: choose another table name
        {http2}:2:11: error: resource: the module of HttpLog would be 'http_log', which is already the module of HTTPLog
           2 | resource: HttpLog
             |           ^^^^^^^
          hint: choose another resource name
        """
    )


def test_names_taken_by_the_applied_state_are_reported_on_the_new_spec() -> None:
    book = load_spec_text("version: 1\nresource: Book\nfields: {title: str}\n", "book.yaml")
    with pytest.raises(SpecError) as caught:
        load_spec_text(
            "version: 1\nresource: Shelf\ntable: books\nfields: {title: str}\n",
            "specs/shelf.yaml",
            known_resources={"Book": book},
        )
    assert caught.value.render() == expect(
        """
        specs/shelf.yaml:3:8: error: table: the table of Shelf would be 'books', which is already the table of Book
           3 | table: books
             |        ^^^^^
          hint: choose another table name
        """
    )


def test_cli_refuses_with_exit_code_2(run: Callable[..., Result], tmp_path: Path) -> None:
    spec = _write(
        tmp_path,
        "book.yaml",
        "version: 1\nresource: Book\ntable: pg_class\nfields:\n  state: {type: enum, values: [_missing_]}\n",
    )
    result = run("validate", spec)
    assert result.exit_code == 2
    assert f"{spec}:3:8: error: table: 'pg_class' starts with 'pg_'" in result.stderr
    assert f"{spec}:5:32: error: fields.state.values[0]: enum value '_missing_'" in result.stderr
    assert "Traceback" not in result.output


def test_constraint_prefixes_follow_the_naming_convention() -> None:
    assert set(CONSTRAINT_PREFIXES) == {f"{kind}_" for kind in NAMING_CONVENTION}
    assert all(template.startswith(f"{kind}_") for kind, template in NAMING_CONVENTION.items())


@pytest.mark.parametrize("name", ["order", "group", "key", "user", "select", "end", "check"])
def test_reserved_sql_words_are_ordinary_field_and_relation_names(name: str) -> None:
    """SQLAlchemy quotes reserved words in every statement and migration, and a relation's
    column is `<name>_id`: `order`, `user` or `key` are names people use."""
    spec = load_spec_text(
        HEAD + f"fields:\n  {name}: {{type: int, optional: true}}\n",
        "b.yaml",
    )
    assert [field.name for field in spec.fields] == [name]
    texts = {
        Path("author.yaml"): "version: 1\nresource: Author\nfields:\n  title: str\n",
        Path("book.yaml"): (
            HEAD + f"fields:\n  title: str\nrelations:\n  {name}: {{belongs_to: Author}}\n"
        ),
    }
    linked = load_specs(list(texts), texts=texts)
    book = next(spec for spec in linked if spec.resource == "Book")
    assert [relation.name for relation in book.relations] == [name]


def _public_create(relation: str, target_read: str) -> dict[Path, str]:
    return {
        Path("author.yaml"): (
            "version: 1\nresource: Author\nfields:\n  title: str\n"
            f"access:\n  read: [{target_read}]\n"
        ),
        Path("book.yaml"): (
            HEAD + f"fields:\n  title: str\nrelations:\n  {relation}\n"
            "access:\n  create: [public]\n  read: [public]\n"
        ),
    }


@pytest.mark.parametrize(
    ("relation", "target_read", "hint"),
    [
        ("maker: {belongs_to: User}", "public", "add 'optional: true', or take 'public' out"),
        (
            "author: {belongs_to: Author}",
            "authenticated",
            "add 'optional: true', let 'public' read Author, or take 'public' out",
        ),
    ],
)
def test_a_public_create_needing_a_row_anonymous_callers_cannot_read_is_refused(
    relation: str, target_read: str, hint: str
) -> None:
    texts = _public_create(relation, target_read)
    with pytest.raises(SpecError) as raised:
        load_specs(list(texts), texts=texts)
    [found] = raised.value.diagnostics
    assert (found.file, found.line, found.path) == (
        "book.yaml",
        6,
        "relations." + relation.split(":")[0],
    )
    assert "anonymous callers may not read" in found.message
    assert found.hint is not None and found.hint.startswith(hint)


@pytest.mark.parametrize(
    ("relation", "target_read"),
    [
        ("author: {belongs_to: Author, optional: true}", "authenticated"),
        ("author: {belongs_to: Author}", "public"),
        ("maker: {belongs_to: User, optional: true}", "public"),
    ],
)
def test_a_public_create_whose_parents_anonymous_callers_can_name_is_accepted(
    relation: str, target_read: str
) -> None:
    texts = _public_create(relation, target_read)
    assert [spec.resource for spec in load_specs(list(texts), texts=texts)] == ["Author", "Book"]
