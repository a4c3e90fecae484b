"""Spec text edits for `add column` / `remove column`: only the lines of the field change."""

from __future__ import annotations

import dataclasses
import difflib
import keyword
import string
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fastgen.errors import SpecError, UsageError
from fastgen.spec.edit import ColumnOptions, NewColumn, add_field, column_entry, remove_field
from fastgen.spec.load import load_spec_text
from fastgen.spec.model import FieldSpec, FieldType, ResourceSpec
from fastgen.spec.sampling import UNIQUE_VALUES

FLOW = """\
# A book belongs to an author; deleting the author deletes their books.
version: 1
resource: Book
table: books
path: /books
fields:
  title: {type: str, max_length: 200}
  isbn: {type: str, pattern: "^[0-9-]{10,17}$", unique: true, example: "978-3-16-148410-0"}
  pages: {type: int, ge: 1, optional: true}
  genre: {type: enum, values: [fiction, science, history], default: fiction}
  summary: text?   # shown on the detail page
relations:
  author: {belongs_to: Author, on_delete: cascade}
access:
  list: [public]
  read: [public]
limits:
  page_size: {default: 20, max: 50}
"""

BLOCK = """\
# yaml-language-server: $schema=../fastgen-spec.schema.json
---
version: 1
resource: Member
fields:
    # every account has exactly one address
    email:
        type: email
        unique: true   # one account each
        description: |
            Where we send the receipts.

    display_name:
        type: str
        max_length: 80
        example: 'Ada "the first" Lovelace'
        # min_length: 1
    nickname:
        type: str
        optional: true   # not everyone has one
    # tags: json?
relations:
    team: {belongs_to: Team, optional: true}
access:
    list:
    - public
    read:
      - public
# end of spec
"""

SHORTHAND = """\
version: 1
resource: Note
fields:
  # Columns, in the order of the table.
  # Keep the shorthand: it is easier to read.

  title: str
  body: 'text?'
  pinned: "bool"
  # archived: bool
access: {list: [public], read: [public], create: [public], update: [public], delete: [public]}
limits: {rate: 120/minute, page_size: {default: 20, max: 100}}"""

QUOTES = """\
version: 1
resource: Shop
path: "/shops"
fields:
  name: {type: str, description: 'The shop''s name, as printed on the receipt and on every invoice that we send'}
  code: {type: str, pattern: '^[A-Z]{3}$', example: "ABC"}
  city: str?
table: 'shops'
"""  # noqa: E501 (a long line must survive)

KNOWN = ("Author", "Team")
TEXTS = {"flow": FLOW, "block": BLOCK, "shorthand": SHORTHAND, "quotes": QUOTES}
CRLF = {f"{name}-crlf": text.replace("\n", "\r\n") for name, text in TEXTS.items()}
ALL = {**TEXTS, **CRLF}


def changed(old: str, new: str) -> list[str]:
    """The +/- lines of the unified diff (no headers, no context)."""
    lines = difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=0)
    return [line for line in list(lines)[2:] if not line.startswith("@@")]


def assert_same_endings(old: str, new: str) -> None:
    assert old.endswith("\n") == new.endswith("\n")
    if "\r\n" in old:
        assert new.count("\n") == new.count("\r\n")
    else:
        assert "\r" not in new


def load(text: str) -> ResourceSpec:
    return load_spec_text(text, "specs/x.yaml", known_resources=KNOWN)


# -- add_field


ADDED = {
    "flow": ["+  stock: {type: int, default: 0, index: true}"],
    "block": [
        "+    stock:",
        "+        type: int",
        "+        default: 0",
        "+        index: true",
    ],
    "shorthand": ["+  stock: {type: int, default: 0, index: true}"],
    "quotes": ["+  stock: {type: int, default: 0, index: true}"],
}


@pytest.mark.parametrize("name", list(ALL))
def test_add_changes_only_the_new_lines(name: str) -> None:
    text = ALL[name]
    column = column_entry("stock:int", ColumnOptions(default="0", index=True))
    result = add_field(text, column.name, column.entry, origin="specs/x.yaml")
    assert changed(text, result) == ADDED[name.removesuffix("-crlf")]
    assert_same_endings(text, result)
    before, after = load(text), load(result)
    assert [f.name for f in after.fields] == [*(f.name for f in before.fields), "stock"]
    stock = after.field("stock")
    assert (stock.type, stock.default, stock.index, stock.optional) == (
        FieldType.INT,
        0,
        True,
        False,
    )
    assert stock.has_default
    assert after.fields[:-1] == before.fields
    assert after.model_dump(exclude={"fields"}) == before.model_dump(exclude={"fields"})


@pytest.mark.parametrize("name", list(TEXTS))
def test_add_shorthand_entry(name: str) -> None:
    text = TEXTS[name]
    column = column_entry("avatar_url:url?", ColumnOptions())
    result = add_field(text, column.name, column.entry, origin="specs/x.yaml")
    indent = "    " if name == "block" else "  "
    assert changed(text, result) == [f"+{indent}avatar_url: url?"]
    field = load(result).field("avatar_url")
    assert (field.type, field.optional) == (FieldType.URL, True)


def test_add_goes_after_the_comments_that_close_the_fields_block() -> None:
    result = add_field(BLOCK, "age", "int", origin="specs/member.yaml")
    lines = result.splitlines()
    assert lines[lines.index("    # tags: json?") + 1] == "    age: int"
    result = add_field(SHORTHAND, "age", "int", origin="specs/note.yaml")
    lines = result.splitlines()
    assert lines[lines.index("  # archived: bool") + 1] == "  age: int"


def test_add_block_style_with_every_kind_of_option() -> None:
    options = ColumnOptions(
        max_length=2083,
        pattern="^https://",
        description="Shown as: the avatar # not a comment",
        example="https://example.com/a.png",
        default="null",
    )
    column = column_entry("profile_picture_url:url?", options)
    result = add_field(BLOCK, column.name, column.entry, origin="specs/member.yaml")
    assert changed(BLOCK, result) == [
        "+    profile_picture_url:",
        "+        type: url",
        "+        optional: true",
        "+        default: null",
        "+        max_length: 2083",
        "+        pattern: ^https://",
        "+        description: 'Shown as: the avatar # not a comment'",
        "+        example: https://example.com/a.png",
    ]
    field = load(result).field("profile_picture_url")
    assert field.max_length == 2083
    assert field.pattern == "^https://"
    assert field.description == "Shown as: the avatar # not a comment"
    assert field.example == "https://example.com/a.png"
    assert field.has_default and field.default is None


def test_add_enum_values_and_numbers_in_flow_style() -> None:
    options = ColumnOptions(values="draft, published,archived", default="draft")
    column = column_entry("status:enum", options)
    result = add_field(FLOW, column.name, column.entry, origin="specs/book.yaml")
    assert changed(FLOW, result) == [
        "+  status: {type: enum, default: draft, values: [draft, published, archived]}"
    ]
    assert load(result).field("status").values == ("draft", "published", "archived")
    options = ColumnOptions(max_digits=8, decimal_places=2, ge="0", lt=1000.5)
    column = column_entry("price:decimal", options)
    result = add_field(FLOW, column.name, column.entry, origin="specs/book.yaml")
    assert changed(FLOW, result) == [
        "+  price: {type: decimal, ge: 0, lt: 1000.5, max_digits: 8, decimal_places: 2}"
    ]
    price = load(result).field("price")
    assert (price.ge, price.lt, price.max_digits, price.decimal_places) == (0, 1000.5, 8, 2)


def test_add_to_a_file_without_a_final_newline_keeps_it_so() -> None:
    text = FLOW.rstrip("\n").replace("relations:", "x_relations:").split("\nx_relations:")[0]
    result = add_field(text, "stock", "int", origin="specs/book.yaml")
    assert result == text + "\n  stock: int"
    assert changed(text, result) == ["+  stock: int"]


def test_add_to_empty_fields_uses_the_files_indentation() -> None:
    text = "version: 1\nresource: Member\nfields:\n\n    # none yet\naccess:\n    list: [public]\n"
    result = add_field(text, "name", "str", origin="specs/member.yaml")
    assert changed(text, result) == ["+    name: str"]
    assert result.splitlines()[4:6] == ["    # none yet", "    name: str"]
    assert load(result).field("name").type is FieldType.STR
    text = "version: 1\nresource: Member\nfields:"
    assert add_field(text, "name", "str", origin="specs/member.yaml") == text + "\n  name: str"


def test_add_after_a_last_field_with_a_multi_line_value() -> None:
    text = FLOW.replace(
        "  summary: text?   # shown on the detail page\n",
        "  summary: {type: text,\n            optional: true}\n  # --\n",
    )
    result = add_field(text, "stock", "int", origin="specs/book.yaml")
    assert changed(text, result) == ["+  stock: int"]
    assert result.splitlines()[12:14] == ["  # --", "  stock: int"]


def test_add_an_existing_field_is_refused() -> None:
    with pytest.raises(UsageError) as caught:
        add_field(FLOW, "pages", "int", origin="specs/book.yaml")
    assert "specs/book.yaml" in caught.value.message
    assert "'pages'" in caught.value.message
    assert caught.value.exit_code == 2


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("version: 1\nresource: Book\n", "has no 'fields:' mapping"),
        ("", "has no 'fields:' mapping"),
        ("- a\n- b\n", "has no 'fields:' mapping"),
        ("version: 1\nfields: [title]\n", "is not a mapping"),
        ("version: 1\nfields: {title: str}\n", "flow mapping"),
        ("version: 1\nfields:\n  title: [str\n", "cannot be read as YAML"),
    ],
)
def test_add_without_a_block_fields_mapping_is_refused(text: str, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        add_field(text, "stock", "int", origin="specs/book.yaml")
    assert message in caught.value.message
    assert "specs/book.yaml" in caught.value.message


def test_add_refuses_rather_than_change_another_field() -> None:
    # a kept block scalar ends with the blank lines that belong to its value
    text = "version: 1\nresource: Book\nfields:\n  a:\n    type: text\n    default: |+\n      x\n\n"
    with pytest.raises(UsageError) as caught:
        add_field(text, "b", "int", origin="specs/book.yaml")
    assert "without changing other lines" in caught.value.message
    assert caught.value.hint is not None and "b: int" in caught.value.hint


# -- remove_field


REMOVED = {
    ("flow", "isbn"): [
        '-  isbn: {type: str, pattern: "^[0-9-]{10,17}$", unique: true,'
        ' example: "978-3-16-148410-0"}'
    ],
    ("flow", "summary"): ["-  summary: text?   # shown on the detail page"],
    ("flow", "title"): ["-  title: {type: str, max_length: 200}"],
    ("block", "email"): [
        "-    email:",
        "-        type: email",
        "-        unique: true   # one account each",
        "-        description: |",
        "-            Where we send the receipts.",
    ],
    ("block", "display_name"): [
        "-    display_name:",
        "-        type: str",
        "-        max_length: 80",
        "-        example: 'Ada \"the first\" Lovelace'",
        "-        # min_length: 1",
    ],
    ("block", "nickname"): [
        "-    nickname:",
        "-        type: str",
        "-        optional: true   # not everyone has one",
    ],
    ("shorthand", "title"): ["-  title: str"],
    ("shorthand", "pinned"): ['-  pinned: "bool"'],
    ("quotes", "name"): [
        "-  name: {type: str, description: 'The shop''s name, as printed on the receipt and on"
        " every invoice that we send'}"
    ],
    ("quotes", "city"): ["-  city: str?"],
}


@pytest.mark.parametrize(("name", "field"), list(REMOVED))
@pytest.mark.parametrize("crlf", [False, True])
def test_remove_changes_only_the_field_lines(name: str, field: str, crlf: bool) -> None:
    text = CRLF[f"{name}-crlf"] if crlf else TEXTS[name]
    result = remove_field(text, field, origin="specs/x.yaml")
    assert changed(text, result) == REMOVED[name, field]
    assert_same_endings(text, result)
    before, after = load(text), load(result)
    assert after.fields == tuple(f for f in before.fields if f.name != field)
    assert after.model_dump(exclude={"fields"}) == before.model_dump(exclude={"fields"})


def test_remove_keeps_the_comment_above_the_field() -> None:
    result = remove_field(BLOCK, "email", origin="specs/member.yaml")
    assert "    # every account has exactly one address\n\n    display_name:" in result


def test_remove_the_last_line_of_a_file_without_a_final_newline() -> None:
    text = "version: 1\nresource: Note\nfields:\n  title: str\n  body: text?"
    result = remove_field(text, "body", origin="specs/note.yaml")
    assert result == "version: 1\nresource: Note\nfields:\n  title: str"


def test_remove_every_field_then_add_one_back() -> None:
    text = SHORTHAND
    for field in ("title", "body", "pinned"):
        text = remove_field(text, field, origin="specs/note.yaml")
    assert changed(SHORTHAND, text) == ["-  title: str", "-  body: 'text?'", '-  pinned: "bool"']
    with pytest.raises(SpecError) as caught:
        load(text)
    assert "a spec needs at least one field" in caught.value.render()
    text = add_field(text, "title", "str", origin="specs/note.yaml")
    assert [f.name for f in load(text).fields] == ["title"]
    assert text.splitlines()[6] == "  # archived: bool"


def test_remove_a_missing_field_lists_the_fields() -> None:
    with pytest.raises(UsageError) as caught:
        remove_field(FLOW, "sumary", origin="specs/book.yaml")
    assert caught.value.message == "specs/book.yaml has no field 'sumary'"
    assert caught.value.hint == (
        "did you mean 'summary'? its fields are: title, isbn, pages, genre, summary"
    )
    with pytest.raises(UsageError) as caught:
        remove_field(FLOW, "colour", origin="specs/book.yaml")
    assert caught.value.hint == "its fields are: title, isbn, pages, genre, summary"
    with pytest.raises(UsageError) as caught:
        remove_field("version: 1\nfields:\n", "title", origin="specs/book.yaml")
    assert caught.value.hint == "it has no fields"


def test_remove_from_flow_fields_is_refused() -> None:
    with pytest.raises(UsageError, match="flow mapping"):
        remove_field("version: 1\nfields: {title: str}\n", "title", origin="specs/book.yaml")


# -- column_entry


def test_column_without_options_is_the_shorthand() -> None:
    assert column_entry("summary:text?", ColumnOptions()) == NewColumn("summary", "text?")
    assert column_entry("stock:int", ColumnOptions()) == NewColumn("stock", "int")
    # flags left at their "not given" values do not make a mapping
    assert column_entry("stock:int", ColumnOptions(unique=False, default=None)).entry == "int"


def test_column_with_options_is_a_mapping_in_field_order() -> None:
    column = column_entry("url:url?", ColumnOptions(max_length=2083))
    assert column == NewColumn("url", {"type": "url", "optional": True, "max_length": 2083})
    every = ColumnOptions(
        default="x",
        unique=True,
        index=True,
        min_length=0,
        max_length=9,
        pattern="^x$",
        ge=1,
        gt=0,
        le="9",
        lt=10.5,
        max_digits=4,
        decimal_places=0,
        values=("x", "y"),
        read_only=True,
        write_only=True,
        sortable=True,
        filterable=True,
        description="d",
        example="x",
    )
    entry = column_entry("code:str", every).entry
    assert isinstance(entry, dict)
    assert list(entry) == ["type", *(f.name for f in dataclasses.fields(ColumnOptions))]
    assert entry["min_length"] == 0 and entry["decimal_places"] == 0
    assert (entry["ge"], entry["gt"], entry["le"], entry["lt"]) == (1, 0, 9, 10.5)
    assert entry["values"] == ["x", "y"]


def test_column_options_follow_field_spec_order() -> None:
    names = [f.name for f in dataclasses.fields(ColumnOptions)]
    order = [name for name in FieldSpec.model_fields if name in names]
    assert names == order
    assert set(FieldSpec.model_fields) - set(names) == {"name", "type", "optional", "renamed_from"}


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("0", 0),
        ("-3", -3),
        ("2.5", 2.5),
        ("true", True),
        ("false", False),
        ("null", None),
        ("~", None),
        ("'0'", "0"),
        ('"true"', "true"),
        ("fiction", "fiction"),
        ("yes", "yes"),
        ("", ""),
        ("  ", "  "),
        ("#fff", "#fff"),
        ("a: b", "a: b"),
        ("[1, 2]", "[1, 2]"),
        ("2024-01-31", "2024-01-31"),
        ("'unterminated", "'unterminated"),
    ],
)
def test_default_and_example_are_yaml_scalars(text: str, value: Any) -> None:
    entry = column_entry("x:str", ColumnOptions(default=text, example=text)).entry
    assert isinstance(entry, dict)
    assert entry["default"] == value and type(entry["default"]) is type(value)
    assert entry["example"] == value and type(entry["example"]) is type(value)


def test_values_text_is_split_on_commas() -> None:
    entry = column_entry("genre:enum", ColumnOptions(values=" a, b ,,c,")).entry
    assert entry == {"type": "enum", "values": ["a", "b", "c"]}


@pytest.mark.parametrize(
    ("argument", "message", "hint"),
    [
        ("stock", "'stock' is not a column: expected NAME:TYPE", "types are: str, text, int"),
        ("stock int", "is not a column", "password"),
        ("Stock:int", "'Stock' is not a valid field name", "e.g. 'stock'; expected NAME:TYPE"),
        (":int", "'' is not a valid field name", "expected NAME:TYPE"),
        ("1st:int", "not a valid field name", "NAME:TYPE"),
        ("stock:itn", "unknown type 'itn' in 'stock:itn'", "did you mean 'int'? types are: str"),
        ("stock:", "unknown type ''", "types are: str, text"),
        ("stock:int?!", "unknown type 'int?!'", "types are:"),
        ("stock:Int", "unknown type 'Int'", "did you mean 'int'?"),
    ],
)
def test_bad_column_arguments(argument: str, message: str, hint: str) -> None:
    with pytest.raises(UsageError) as caught:
        column_entry(argument, ColumnOptions())
    assert message in caught.value.message
    assert caught.value.hint is not None and hint in caught.value.hint


# -- property: options survive column_entry + add_field + the loader


def words(low: int = 1, high: int = 8) -> st.SearchStrategy[str]:
    """Lowercase words YAML reads as text."""
    text = st.text(string.ascii_lowercase, min_size=max(low, 1), max_size=min(high, 8))
    return text.filter(lambda w: w not in {"null", "true", "false"})


PROSE = st.text(
    st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\ufeff\x85")
    | st.sampled_from("'\"#:{}[],&*!|>%@ -?"),
    max_size=30,
)


@st.composite
def columns(draw: st.DrawFn) -> tuple[str, ColumnOptions, dict[str, Any]]:
    kind = draw(st.sampled_from(["str", "int", "bool", "enum"]))
    optional = draw(st.booleans())
    given: dict[str, Any] = {  # a unique bool or enum leaves too few rows: the loader refuses
        key: True
        for key in ("unique", "index")
        if draw(st.booleans()) and (key == "index" or kind not in ("bool", "enum"))
    }
    if draw(st.booleans()):
        given["description"] = draw(PROSE)
    expected = dict(given)
    if kind == "str":
        low, high = draw(st.integers(0, 5)), draw(st.integers(5, 300))
        given.update(min_length=low, max_length=high)
        expected.update(min_length=low, max_length=high)
        if draw(st.booleans()):
            expected["default"] = given["default"] = draw(words(low, high))
        if draw(st.booleans()):
            expected["example"] = given["example"] = draw(words(low, high))
    elif kind == "int":
        low, high = draw(st.integers(-1000, 0)), draw(st.integers(1, 1000))
        if given.get("unique"):  # enough values for the generated tests' rows
            high = max(high, low + UNIQUE_VALUES - 1)
        given.update(ge=str(low), le=high)
        expected.update(ge=low, le=high)
        if draw(st.booleans()):
            value = draw(st.integers(low, high))
            given["default"], expected["default"] = str(value), value
    elif kind == "bool" and draw(st.booleans()):
        value = draw(st.booleans())
        given["default"], expected["default"] = str(value).lower(), value
    elif kind == "enum":
        names = words().filter(lambda w: not keyword.iskeyword(w))  # the loader refuses those
        values = draw(st.lists(names, min_size=1, max_size=4, unique=True))
        given["values"], expected["values"] = ",".join(values), tuple(values)
    expected.update(type=FieldType(kind), optional=optional)
    return f"extra:{kind}{'?' if optional else ''}", ColumnOptions(**given), expected


@settings(
    max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(column=columns(), name=st.sampled_from(["flow", "block", "shorthand", "quotes-crlf"]))
def test_added_options_load_back(
    column: tuple[str, ColumnOptions, dict[str, Any]], name: str
) -> None:
    argument, options, expected = column
    text = ALL[name]
    new = column_entry(argument, options)
    result = add_field(text, new.name, new.entry, origin="specs/x.yaml")
    assert [line[0] for line in changed(text, result)] == ["+"] * len(changed(text, result))
    field = load(result).field("extra")
    assert {key: getattr(field, key) for key in expected} == expected
    assert remove_field(result, "extra", origin="specs/x.yaml") == text
