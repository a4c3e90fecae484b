# ruff: noqa: E501  (expected output is compared verbatim, long lines included)
"""Every kind of spec problem, asserted as the exact text a person sees."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from fastgen.errors import SpecError
from fastgen.spec.load import load_spec, load_spec_text, load_specs
from fastgen.spec.model import OnDelete

Errors = Callable[..., str]

HEAD = "version: 1\nresource: Book\n"


def expect(text: str) -> str:
    return textwrap.dedent(text).strip("\n")


def test_unknown_type_with_hint_and_caret(errors: Errors) -> None:
    got = errors(
        """\
        version: 1
        resource: Member
        fields:
          name: str
          email:
            type: strng
        """,
        file="specs/member.yaml",
    )
    assert got == expect(
        """
        specs/member.yaml:6:11: error: fields.email.type: unknown type 'strng'
           6 |     type: strng
             |           ^^^^^
          hint: did you mean 'str'?
        """
    )


def test_unknown_type_in_shorthand_underlines_the_type_only(errors: Errors) -> None:
    got = errors(HEAD + "fields:\n  summary: txt?\n")
    assert got == expect(
        """
        specs/book.yaml:4:12: error: fields.summary: unknown type 'txt'
           4 |   summary: txt?
             |            ^^^
          hint: did you mean 'text'?
        """
    )


def test_unknown_top_level_key(errors: Errors) -> None:
    got = errors(HEAD + "fields: {title: str}\nrelation:\n  author: {belongs_to: Author}\n")
    assert got == expect(
        """
        specs/book.yaml:4:1: error: relation: unknown key 'relation'
           4 | relation:
             | ^^^^^^^^
          hint: did you mean 'relations'?
        """
    )


def test_unknown_field_option(errors: Errors) -> None:
    got = errors(HEAD + "fields:\n  title: {type: str, max_len: 20}\n")
    assert got == expect(
        """
        specs/book.yaml:4:22: error: fields.title.max_len: unknown option 'max_len'
           4 |   title: {type: str, max_len: 20}
             |                      ^^^^^^^
          hint: did you mean 'max_length'?
        """
    )


def test_min_length_greater_than_max_length(errors: Errors) -> None:
    got = errors(HEAD + "fields:\n  title: {type: str, min_length: 10, max_length: 5}\n")
    assert got == expect(
        """
        specs/book.yaml:4:34: error: fields.title.min_length: min_length (10) is greater than max_length (5)
           4 |   title: {type: str, min_length: 10, max_length: 5}
             |                                  ^^
        """
    )


def test_lower_bound_above_upper_bound(errors: Errors) -> None:
    got = errors(HEAD + "fields:\n  pages: {type: int, ge: 10, le: 5}\n")
    assert got == expect(
        """
        specs/book.yaml:4:26: error: fields.pages.ge: ge (10) is greater than le (5)
           4 |   pages: {type: int, ge: 10, le: 5}
             |                          ^^
        """
    )


def test_strict_bounds_that_leave_nothing(errors: Errors) -> None:
    got = errors(HEAD + "fields:\n  pages: {type: int, gt: 5, le: 5}\n")
    assert "fields.pages.gt: gt (5) and le (5) leave no valid value" in got


def test_ge_with_gt(errors: Errors) -> None:
    got = errors(HEAD + "fields:\n  pages: {type: int, ge: 1, gt: 0}\n")
    assert got == expect(
        """
        specs/book.yaml:4:29: error: fields.pages.gt: ge and gt cannot be used together
           4 |   pages: {type: int, ge: 1, gt: 0}
             |                             ^^
          hint: keep one lower bound
        """
    )


def test_default_not_in_enum_values(errors: Errors) -> None:
    got = errors(
        HEAD + "fields:\n  genre: {type: enum, values: [fiction, science], default: poetry}\n"
    )
    assert got == expect(
        """
        specs/book.yaml:4:60: error: fields.genre.default: default 'poetry' is not one of the values
           4 |   genre: {type: enum, values: [fiction, science], default: poetry}
             |                                                            ^^^^^^
          hint: values are: fiction, science
        """
    )


def test_default_close_to_an_enum_value_gets_a_hint(errors: Errors) -> None:
    got = errors(
        HEAD + "fields:\n  genre: {type: enum, values: [fiction, science], default: fictoin}\n"
    )
    assert got.endswith("hint: did you mean 'fiction'?")


def test_enum_without_values_and_with_bad_values(errors: Errors) -> None:
    got = errors(
        HEAD
        + "fields:\n"
        + "  a: {type: enum}\n"
        + "  b: {type: enum, values: []}\n"
        + "  c: {type: enum, values: [x, x, 2nd, 3]}\n"
        + "  d: {type: str, values: [x]}\n"
    )
    assert got == expect(
        """
        specs/book.yaml:4:13: error: fields.a.type: an enum field needs 'values'
           4 |   a: {type: enum}
             |             ^^^^
          hint: e.g. values: [draft, published]
        specs/book.yaml:5:27: error: fields.b.values: values must list at least one choice
           5 |   b: {type: enum, values: []}
             |                           ^^
        specs/book.yaml:6:31: error: fields.c.values[1]: duplicate enum value 'x' (first at values[0])
           6 |   c: {type: enum, values: [x, x, 2nd, 3]}
             |                               ^
        specs/book.yaml:6:34: error: fields.c.values[2]: enum value '2nd' must be a name (letters, digits and '_', not starting with a digit)
           6 |   c: {type: enum, values: [x, x, 2nd, 3]}
             |                                  ^^^
        specs/book.yaml:6:39: error: fields.c.values[3]: an enum value must be a name like 'draft', got 3
           6 |   c: {type: enum, values: [x, x, 2nd, 3]}
             |                                       ^
        specs/book.yaml:7:18: error: fields.d.values: values is not allowed on type 'str'
           7 |   d: {type: str, values: [x]}
             |                  ^^^^^^
          hint: values lists the choices of a field of type 'enum'
        """
    )


def test_max_length_on_int(errors: Errors) -> None:
    got = errors(HEAD + "fields:\n  pages: {type: int, max_length: 3}\n")
    assert got == expect(
        """
        specs/book.yaml:4:22: error: fields.pages.max_length: max_length is not allowed on type 'int'
           4 |   pages: {type: int, max_length: 3}
             |                      ^^^^^^^^^^
          hint: min_length, max_length and pattern apply to str, text, email, url and password
        """
    )


def test_bounds_and_digits_on_the_wrong_types(errors: Errors) -> None:
    got = errors(HEAD + "fields:\n  title: {type: str, ge: 1}\n  n: {type: float, max_digits: 4}\n")
    assert "fields.title.ge: ge is not allowed on type 'str'" in got
    assert "hint: ge, gt, le and lt apply to int, float and decimal" in got
    assert "fields.n.max_digits: max_digits is not allowed on type 'float'" in got


def test_decimal_places_above_max_digits(errors: Errors) -> None:
    got = errors(
        HEAD
        + "fields:\n"
        + "  a: {type: decimal, max_digits: 4, decimal_places: 5}\n"
        + "  b: {type: decimal, decimal_places: 12}\n"
    )
    assert "fields.a.decimal_places: decimal_places (5) is greater than max_digits (4)" in got
    assert (
        "fields.b.decimal_places: decimal_places (12) is greater than max_digits (10 by default)"
        in got
    )


def test_duplicate_field(errors: Errors) -> None:
    got = errors(HEAD + "fields:\n  title: str\n  pages: int\n  title: text\n")
    assert got == expect(
        """
        specs/book.yaml:6:3: error: fields.title: duplicate field 'title' (first defined on line 4)
           6 |   title: text
             |   ^^^^^
        """
    )


def test_duplicate_keys_elsewhere(errors: Errors) -> None:
    got = errors(
        HEAD + "fields:\n  title: {type: str, unique: true, unique: false}\nresource: Other\n"
    )
    assert got == expect(
        """
        specs/book.yaml:4:36: error: fields.title.unique: duplicate option 'unique' (first defined on line 4)
           4 |   title: {type: str, unique: true, unique: false}
             |                                    ^^^^^^
        specs/book.yaml:5:1: error: resource: duplicate key 'resource' (first defined on line 2)
           5 | resource: Other
             | ^^^^^^^^
        """
    )


@pytest.mark.parametrize(
    ("name", "message", "hint"),
    [
        (
            "id",
            "'id' is reserved: every table gets it automatically",
            "remove it; 'id', 'created_at' and 'updated_at' are always present",
        ),
        (
            "created_at",
            "'created_at' is reserved: every table gets it automatically",
            "remove it; 'id', 'created_at' and 'updated_at' are always present",
        ),
        ("class", "'class' is a Python keyword", "rename it, e.g. 'class_ref'"),
        (
            "metadata",
            "'metadata' would shadow an attribute of SQLModel/pydantic models",
            "rename it, e.g. 'metadata_ref'",
        ),
        (
            "model_name",
            "'model_name' would shadow an attribute of SQLModel/pydantic models",
            "rename it, e.g. 'model_name_ref'",
        ),
    ],
)
def test_reserved_field_names(errors: Errors, name: str, message: str, hint: str) -> None:
    got = errors(HEAD + f"fields:\n  title: str\n  {name}: str\n")
    marks = "^" * len(name)
    assert got == expect(
        f"""
        specs/book.yaml:5:3: error: fields.{name}: {message}
           5 |   {name}: str
             |   {marks}
          hint: {hint}
        """
    )


def test_field_names_must_be_snake_case(errors: Errors) -> None:
    got = errors(HEAD + "fields:\n  publishedOn: date\n")
    assert got == expect(
        """
        specs/book.yaml:4:3: error: fields.publishedOn: field name 'publishedOn' must be snake_case (lowercase letters, digits and '_', starting with a letter)
           4 |   publishedOn: date
             |   ^^^^^^^^^^^
          hint: e.g. 'published_on'
        """
    )


def test_reserved_resource_and_table_names(errors: Errors) -> None:
    got = errors("version: 1\nresource: Session\ntable: user\nfields: {title: str}\n")
    assert got == expect(
        """
        specs/book.yaml:2:11: error: resource: 'Session' would clash with a name the generated code imports
           2 | resource: Session
             |           ^^^^^^^
          hint: choose another class name, e.g. 'SessionItem'
        specs/book.yaml:3:8: error: table: 'user' is a reserved SQL word
           3 | table: user
             |        ^^^^
          hint: choose another table name, e.g. 'app_users'
        """
    )
    assert "resource: 'None' is a Python keyword" in errors(
        "version: 1\nresource: None\nfields: {title: str}\n"
    )


def test_the_built_in_user_resource_cannot_be_defined_again(errors: Errors) -> None:
    got = errors("version: 1\nresource: User\nfields: {name: str}\n", file="specs/user.yaml")
    assert got == expect(
        """
        specs/user.yaml:2:11: error: resource: 'User' is built in: it holds the accounts people log in with
           2 | resource: User
             |           ^^^^
          hint: the project already has User (app/models/user.py); name yours differently, e.g. Member
        """
    )


def test_the_built_in_users_table_cannot_be_taken(errors: Errors) -> None:
    got = errors("version: 1\nresource: Member\ntable: users\nfields: {name: str}\n")
    assert got == expect(
        """
        specs/book.yaml:3:8: error: table: 'users' is the table of the built-in User accounts
           3 | table: users
             |        ^^^^^
          hint: the project already has User (app/models/user.py); name yours differently, e.g. 'members'
        """
    )


@pytest.mark.parametrize("table", ["refresh_tokens", "password_reset_tokens"])
def test_the_token_tables_of_the_skeleton_cannot_be_taken(errors: Errors, table: str) -> None:
    got = errors(f"version: 1\nresource: Member\ntable: {table}\nfields: {{name: str}}\n")
    what = table.removesuffix("_tokens").replace("_", " ")
    lines = got.splitlines()
    assert lines[0] == (
        f"specs/book.yaml:3:8: error: table: '{table}' holds the {what} tokens of the accounts"
    )
    assert lines[-1].strip() == "hint: choose another table name"


def test_the_built_in_user_is_only_a_belongs_to_target(errors: Errors) -> None:
    got = errors(
        HEAD
        + "fields: {title: str}\n"
        + "relations:\n"
        + "  readers: {has_many: User}\n"
        + "  fans: {many_to_many: User}\n"
        + "  editor: {belongs_to: Usr}\n"
    )
    assert got == expect(
        """
        specs/book.yaml:5:23: error: relations.readers.has_many: has_many cannot point to the built-in User (app/models/user.py): fastgen does not change its table
           5 |   readers: {has_many: User}
             |                       ^^^^
          hint: only 'belongs_to: User' can point to it
        specs/book.yaml:6:24: error: relations.fans.many_to_many: many_to_many cannot point to the built-in User (app/models/user.py): fastgen does not change its table
           6 |   fans: {many_to_many: User}
             |                        ^^^^
          hint: only 'belongs_to: User' can point to it
        specs/book.yaml:7:24: error: relations.editor.belongs_to: unknown resource 'Usr'
           7 |   editor: {belongs_to: Usr}
             |                        ^^^
          hint: did you mean 'User'?
        """
    )


def test_unknown_relation_target(errors: Errors) -> None:
    got = errors(HEAD + "fields: {title: str}\nrelations:\n  author: {belongs_to: Autor}\n")
    assert got == expect(
        """
        specs/book.yaml:5:24: error: relations.author.belongs_to: unknown resource 'Autor'
           5 |   author: {belongs_to: Autor}
             |                        ^^^^^
          hint: did you mean 'Author'?
        """
    )


def test_unknown_relation_target_without_a_close_match(errors: Errors) -> None:
    got = errors(HEAD + "fields: {title: str}\nrelations:\n  tags: {many_to_many: Tag}\n")
    assert got.endswith("hint: add a spec for 'Tag' (known resources: Author, Book)")


def test_relation_rules(errors: Errors) -> None:
    got = errors(
        HEAD
        + "fields: {title: str, editor_id: int}\n"
        + "relations:\n"
        + "  title: {belongs_to: Author}\n"
        + "  editor: {belongs_to: Author}\n"
        + "  author: {belongs_to: Author, on_delete: set null}\n"
        + "  books: {has_many: Book, on_delete: cascade}\n"
        + "  pair: {has_many: Book, many_to_many: Author}\n"
        + "  none: {optional: true}\n"
        + "  odd: {belongs_to: Author, on_delete: nullify}\n"
        + "  owner: {belongs_to: Author}\n"
    )
    assert got == expect(
        """
        specs/book.yaml:5:3: error: relations.title: relation 'title' has the same name as a field
           5 |   title: {belongs_to: Author}
             |   ^^^^^
          hint: rename the relation or the field
        specs/book.yaml:6:3: error: relations.editor: relation 'editor' adds the column 'editor_id', which is already a field
           6 |   editor: {belongs_to: Author}
             |   ^^^^^^
          hint: remove the field 'editor_id'; the relation adds it
        specs/book.yaml:7:43: error: relations.author.on_delete: on_delete 'set null' needs 'optional: true'
           7 |   author: {belongs_to: Author, on_delete: set null}
             |                                           ^^^^^^^^
          hint: a required foreign key cannot be set to null
        specs/book.yaml:8:27: error: relations.books.on_delete: on_delete only applies to belongs_to, not has_many
           8 |   books: {has_many: Book, on_delete: cascade}
             |                           ^^^^^^^^^
        specs/book.yaml:9:26: error: relations.pair.many_to_many: a relation has exactly one kind, but 'has_many' is already given
           9 |   pair: {has_many: Book, many_to_many: Author}
             |                          ^^^^^^^^^^^^
        specs/book.yaml:10:3: error: relations.none: relation 'none' needs one of belongs_to, has_many or many_to_many
           10 |   none: {optional: true}
              |   ^^^^
        specs/book.yaml:11:40: error: relations.odd.on_delete: invalid on_delete 'nullify'
           11 |   odd: {belongs_to: Author, on_delete: nullify}
              |                                        ^^^^^^^
          hint: use one of: cascade, set null, restrict
        specs/book.yaml:12:3: error: relations.owner: relation 'owner' would add the column 'owner_id', which is reserved
           12 |   owner: {belongs_to: Author}
              |   ^^^^^
          hint: rename it, e.g. 'owner_ref'
        """
    )


def test_set_null_with_optional_and_self_reference_load() -> None:
    spec = load_spec_text(
        HEAD
        + "fields: {title: str}\n"
        + "relations:\n"
        + "  parent: {belongs_to: Book, on_delete: set null, optional: true}\n",
        "b.yaml",
    )
    (parent,) = spec.relations
    assert (parent.kind, parent.target, parent.on_delete, parent.optional) == (
        "belongs_to",
        "Book",
        OnDelete.SET_NULL,
        True,
    )


def test_access_rules_with_declared_roles(errors: Errors) -> None:
    got = errors(
        HEAD
        + "fields: {title: str}\n"
        + "access:\n"
        + "  list: [public, admin]\n"
        + "  create: [admin, editr]\n"
        + "  update: [reviewer]\n"
        + "  remove: [admin]\n",
        roles=["admin", "editor"],
    )
    assert got == expect(
        """
        specs/book.yaml:5:10: error: access.list[0]: 'public' already allows everyone
           5 |   list: [public, admin]
             |          ^^^^^^
          hint: remove the other subjects or 'public'
        specs/book.yaml:6:19: error: access.create[1]: unknown role 'editr'
           6 |   create: [admin, editr]
             |                   ^^^^^
          hint: did you mean 'editor'?
        specs/book.yaml:7:12: error: access.update[0]: unknown role 'reviewer'
           7 |   update: [reviewer]
             |            ^^^^^^^^
          hint: declare it under [tool.fastgen] roles in pyproject.toml
        specs/book.yaml:8:3: error: access.remove: unknown operation 'remove'
           8 |   remove: [admin]
             |   ^^^^^^
          hint: operations are: list, read, create, update, delete
        """
    )


def test_any_role_is_accepted_when_roles_are_not_given() -> None:
    spec = load_spec_text(HEAD + "fields: {title: str}\naccess:\n  create: [editr]\n", "b.yaml")
    assert spec.access.create == ("editr",)


def test_access_lists_must_be_non_empty_lists_of_names(errors: Errors) -> None:
    got = errors(HEAD + "fields: {title: str}\naccess:\n  list: public\n  read: []\n")
    assert "access.list: expected a list of subjects, got 'public'\n" in got
    assert "hint: e.g. [public]" in got
    assert "access.read: the list of subjects is empty" in got


def test_limits(errors: Errors) -> None:
    got = errors(
        HEAD
        + "fields: {title: str}\n"
        + "limits:\n"
        + "  rate: 10 per fortnight\n"
        + "  craete: 5/minute\n"
        + "  page_size: {default: 50, max: 10}\n"
    )
    assert got == expect(
        """
        specs/book.yaml:5:9: error: limits.rate: invalid rate limit '10 per fortnight'
           5 |   rate: 10 per fortnight
             |         ^^^^^^^^^^^^^^^^
          hint: use '<count>/<period>' or '<count> per <period>' with second, minute, hour or day, e.g. '120/minute'
        specs/book.yaml:6:3: error: limits.craete: unknown key 'craete'
           6 |   craete: 5/minute
             |   ^^^^^^
          hint: did you mean 'create'?
        specs/book.yaml:7:24: error: limits.page_size.default: page_size default (50) is greater than max (10)
           7 |   page_size: {default: 50, max: 10}
             |                        ^^
          hint: raise max or lower default
        """
    )


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("{type: int, default: abc}", "default must be a whole number for type 'int', got 'abc'"),
        ("{type: bool, default: 3}", "default must be true or false, got 3"),
        (
            "{type: str, max_length: 3, default: abcd}",
            "default is 4 characters long, more than max_length (3)",
        ),
        ("{type: int, ge: 1, le: 9, default: 10}", "default 10 is outside the bounds (le 9)"),
        (
            "{type: date, default: 2024-02-30}",
            "default must be a date for type 'date', got '2024-02-30'",
        ),
        (
            "{type: datetime, default: soon}",
            "default must be a date and time for type 'datetime', got 'soon'",
        ),
        ("{type: time, default: '25:00'}", "default must be a time for type 'time', got '25:00'"),
        ("{type: uuid, default: 123}", "default must be a UUID for type 'uuid', got 123"),
        ("{type: str, default: 12}", "default must be a string for type 'str', got 12"),
        (
            "{type: str, pattern: '^[a-z]+$', default: ABC}",
            "default 'ABC' does not match pattern '^[a-z]+$'",
        ),
        (
            "{type: decimal, decimal_places: 2, default: 1.234}",
            "default 1.234 has more than 2 decimal places",
        ),
        ("{type: str, default: null}", "default is null but the field is not optional"),
    ],
)
def test_default_of_the_wrong_kind(errors: Errors, field: str, message: str) -> None:
    got = errors(HEAD + f"fields:\n  value_field: {field}\n")
    assert got.splitlines()[0].endswith(f"fields.value_field.default: {message}")


def test_good_defaults_are_accepted() -> None:
    spec = load_spec_text(
        HEAD
        + "fields:\n"
        + "  a: {type: date, default: 2024-02-29}\n"
        + "  b: {type: datetime, default: '2024-02-29T10:00:00'}\n"
        + "  c: {type: time, default: '10:30'}\n"
        + "  d: {type: decimal, default: 9.99}\n"
        + "  e: {type: str, optional: true, default: null}\n"
        + "  f: {type: float, ge: 0, default: 1}\n",
        "b.yaml",
    )
    defaults = {f.name: f.default for f in spec.fields}
    assert defaults == {
        "a": "2024-02-29",
        "b": "2024-02-29T10:00:00",
        "c": "10:30",
        "d": 9.99,
        "e": None,
        "f": 1,
    }
    assert spec.field("e").has_default


def test_password_and_json_rules(errors: Errors) -> None:
    got = errors(
        HEAD
        + "fields:\n"
        + "  secret: {type: password, unique: true, default: hunter2}\n"
        + "  data: {type: json, index: true}\n"
        + "  note: {type: str, read_only: true, write_only: true}\n"
    )
    assert got == expect(
        """
        specs/book.yaml:4:28: error: fields.secret.unique: a password field cannot be unique
           4 |   secret: {type: password, unique: true, default: hunter2}
             |                            ^^^^^^
          hint: passwords are stored hashed and never returned
        specs/book.yaml:4:42: error: fields.secret.default: a password field cannot have a default
           4 |   secret: {type: password, unique: true, default: hunter2}
             |                                          ^^^^^^^
        specs/book.yaml:5:22: error: fields.data.index: a json field cannot be indexed
           5 |   data: {type: json, index: true}
             |                      ^^^^^
        specs/book.yaml:6:38: error: fields.note.write_only: read_only and write_only cannot both be true
           6 |   note: {type: str, read_only: true, write_only: true}
             |                                      ^^^^^^^^^^
        """
    )


def test_invalid_regex_and_renamed_from(errors: Errors) -> None:
    got = errors(
        HEAD
        + "fields:\n"
        + "  code: {type: str, pattern: '[a-'}\n"
        + "  name: {type: str, renamed_from: name}\n"
    )
    assert (
        "fields.code.pattern: invalid regular expression: unterminated character set at position 0"
        in got
    )
    assert "fields.name.renamed_from: renamed_from must differ from the field name" in got


def test_option_values_of_the_wrong_shape(errors: Errors) -> None:
    got = errors(
        HEAD
        + "fields:\n"
        + "  a: {type: [str]}\n"
        + "  b: {type: str, unique: yes}\n"
        + "  c: {type: str, max_length: many}\n"
        + "  d: [str]\n"
        + "  e:\n"
    )
    assert got == expect(
        """
        specs/book.yaml:4:13: error: fields.a.type: type must be a single value, got a list
           4 |   a: {type: [str]}
             |             ^^^^^
        specs/book.yaml:5:26: error: fields.b.unique: unique must be true or false, got 'yes'
           5 |   b: {type: str, unique: yes}
             |                          ^^^
        specs/book.yaml:6:30: error: fields.c.max_length: max_length must be a whole number, got 'many'
           6 |   c: {type: str, max_length: many}
             |                              ^^^^
        specs/book.yaml:7:6: error: fields.d: expected a type such as 'str' or a mapping of options, got a list
           7 |   d: [str]
             |      ^^^^^
          hint: e.g. 'd: str' or 'd: {type: str, max_length: 200}'
        specs/book.yaml:8:3: error: fields.e: expected a type such as 'str' or a mapping of options, got nothing (null)
           8 |   e:
             |   ^
          hint: e.g. 'e: str' or 'e: {type: str, max_length: 200}'
        """
    )


def test_sections_of_the_wrong_shape(errors: Errors) -> None:
    got = errors("version: 1\nresource: Book\nfields: [title]\naccess: everyone\nlimits: 5\n")
    assert "specs/book.yaml:3:9: error: fields: fields must be a mapping, got a list" in got
    assert "specs/book.yaml:4:9: error: access: access must be a mapping, got 'everyone'" in got
    assert "specs/book.yaml:5:9: error: limits: limits must be a mapping, got 5" in got


def test_missing_required_keys_and_bad_version(errors: Errors) -> None:
    got = errors("# a comment\nversion: 2\n")
    assert got == expect(
        """
        specs/book.yaml:2:1: error: fields: missing required key 'fields'
           2 | version: 2
             | ^
          hint: add 'fields:' with at least one field, e.g. 'title: str'
        specs/book.yaml:2:1: error: resource: missing required key 'resource'
           2 | version: 2
             | ^
          hint: add the class name, e.g. 'resource: Book'
        specs/book.yaml:2:10: error: version: unsupported spec version 2
           2 | version: 2
             |          ^
          hint: this version of fastgen reads spec version 1
        """
    )


def test_yaml_syntax_error_location(errors: Errors) -> None:
    got = errors(HEAD + "fields:\n  title: {type: str\n  pages: int\n")
    assert got == expect(
        """
        specs/book.yaml:5:8: error: expected ',' or '}', but got ':'
           5 |   pages: int
             |        ^
        """
    )


def test_tabs_get_a_clear_message(errors: Errors) -> None:
    got = errors(HEAD + "fields:\n\ttitle: str\n")
    assert got == expect(
        """
        specs/book.yaml:4:1: error: tab character found; YAML must be indented with spaces
           4 | \ttitle: str
             | ^
          hint: replace the tab with spaces
        """
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the spec is empty"),
        ("# only a comment\n", "the spec is empty"),
        (
            "- a\n- b\n",
            "a spec must be a mapping of keys such as 'version' and 'resource', got a list",
        ),
        (
            "just words\n",
            "a spec must be a mapping of keys such as 'version' and 'resource', got 'just words'",
        ),
    ],
)
def test_empty_or_not_a_mapping(errors: Errors, text: str, message: str) -> None:
    assert errors(text).splitlines()[0] == f"specs/book.yaml:1:1: error: {message}"


def test_several_errors_all_reported_sorted_by_line(errors: Errors) -> None:
    got = errors(
        """\
        version: 1
        resource: Book
        limits:
          rate: often
        fields:
          title: {type: str, max_length: 0}
          id: int
          pages: {type: integer}
        relations:
          author: {belongs_to: Writer}
        """
    )
    heads = [line for line in got.splitlines() if ": error: " in line]
    assert heads == [
        "specs/book.yaml:4:9: error: limits.rate: invalid rate limit 'often'",
        "specs/book.yaml:6:34: error: fields.title.max_length: max_length must be at least 1, got 0",
        "specs/book.yaml:7:3: error: fields.id: 'id' is reserved: every table gets it automatically",
        "specs/book.yaml:8:17: error: fields.pages.type: unknown type 'integer'",
        "specs/book.yaml:10:24: error: relations.author.belongs_to: unknown resource 'Writer'",
    ]


def test_only_spec_error_escapes_for_odd_yaml(errors: Errors) -> None:
    got = errors(HEAD + "fields:\n  title: !custom str\n  pages: !!int 3x\n  <<: 5\n")
    assert "unsupported YAML tag '!custom'" in got
    assert "invalid value for tag 'tag:yaml.org,2002:int'" in got
    assert "a merge key '<<' needs a mapping or a list of mappings" in got


def test_unreadable_and_undecodable_files(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as caught:
        load_spec(tmp_path / "missing.yaml", display="specs/missing.yaml")
    assert caught.value.render() == (
        "specs/missing.yaml:1:1: error: cannot read the file: No such file or directory"
    )
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"version: 1\nresource: B\xffook\n")
    with pytest.raises(SpecError) as caught:
        load_spec(bad, display="bad.yaml")
    assert caught.value.render() == "bad.yaml:2:12: error: the file is not valid UTF-8 (byte 0xff)"


def test_load_specs_collects_every_file(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("version: 1\nresource: Author\nfields: {nme: strr}\n")
    (tmp_path / "b.yaml").write_text(
        "version: 1\nresource: Book\nfields: {title: str}\n"
        "relations:\n  author: {belongs_to: Autor}\n"
    )
    (tmp_path / "c.yaml").write_text("version: 1\nresource: Book\nfields: {title: str}\n")
    paths = [tmp_path / name for name in ("a.yaml", "b.yaml", "c.yaml", "gone.yaml")]
    with pytest.raises(SpecError) as caught:
        load_specs(paths)
    heads = [
        (d.file.rsplit("/", 1)[-1], d.line, d.path, d.message) for d in caught.value.diagnostics
    ]
    assert heads == [
        ("a.yaml", 3, "fields.nme", "unknown type 'strr'"),
        ("b.yaml", 5, "relations.author.belongs_to", "unknown resource 'Autor'"),
        ("c.yaml", 2, "resource", f"resource 'Book' is already used by {tmp_path / 'b.yaml'}"),
        ("gone.yaml", 1, "", "cannot read the file: No such file or directory"),
    ]


def test_deep_flow_nesting_is_refused_before_parsing(errors: Errors) -> None:
    # the YAML parser is quadratic on this; the check runs first and names the place
    rendered = errors("version: 1\nresource: Book\nfields: " + "[" * 5000 + "\n")
    assert "specs/book.yaml:3:73: error: the document is nested too deeply" in rendered


def test_brackets_in_quotes_and_comments_do_not_count_as_nesting(errors: Errors) -> None:
    deep = "[" * 100
    rendered = errors(
        f"version: 1\nresource: Book\n# {deep}\nfields:\n  title: {{type: str, pattern: '{deep}'}}\n"
        "  bad: {type: nope}\n"
    )
    assert "nested too deeply" not in rendered
    assert "unknown type 'nope'" in rendered
