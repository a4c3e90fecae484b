"""Specs that load: the full example from the product brief, shorthand and filled-in defaults."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from fastgen.errors import Diagnostic, SpecError
from fastgen.spec.load import load_spec, load_spec_text, load_specs
from fastgen.spec.model import (
    Access,
    FieldSpec,
    FieldType,
    Limits,
    OnDelete,
    Operation,
    PageSize,
    RelationSpec,
    ResourceSpec,
)

BOOK = textwrap.dedent(
    """\
    # specs/book.yaml
    version: 1
    resource: Book            # class name
    table: books              # default: snake_case plural
    path: /books              # default: /<table>
    fields:
      title: {type: str, max_length: 200}
      isbn: {type: str, pattern: "^[0-9-]{10,17}$", unique: true}
      pages: {type: int, ge: 1, optional: true}
      price: {type: decimal, max_digits: 10, decimal_places: 2}
      genre: {type: enum, values: [fiction, science, history], default: fiction}
      published_on: {type: date, optional: true}
      summary: text?          # shorthand: type, '?' = optional
    relations:
      author: {belongs_to: Author, on_delete: cascade}
    access:                   # who may do each operation
      list: [public]
      read: [public]
      create: [editor, admin]
      update: [owner, admin]
      delete: [admin]
    limits:
      rate: 120/minute        # every operation of this resource
      create: 10/minute       # per operation
      page_size: {default: 20, max: 100}
    """
)

AUTHOR = "version: 1\nresource: Author\nfields:\n  name: str\n"


def test_the_product_example_loads_to_the_expected_model() -> None:
    spec = load_spec_text(
        BOOK, "specs/book.yaml", known_resources=["Author"], roles=["editor", "admin"]
    )
    assert spec == ResourceSpec(
        resource="Book",
        table="books",
        path="/books",
        fields=(
            FieldSpec(name="title", type=FieldType.STR, max_length=200),
            FieldSpec(name="isbn", type=FieldType.STR, pattern="^[0-9-]{10,17}$", unique=True),
            FieldSpec(name="pages", type=FieldType.INT, ge=1, optional=True),
            FieldSpec(name="price", type=FieldType.DECIMAL, max_digits=10, decimal_places=2),
            FieldSpec(
                name="genre",
                type=FieldType.ENUM,
                values=("fiction", "science", "history"),
                default="fiction",
            ),
            FieldSpec(name="published_on", type=FieldType.DATE, optional=True),
            FieldSpec(name="summary", type=FieldType.TEXT, optional=True),
        ),
        relations=(RelationSpec(name="author", belongs_to="Author", on_delete=OnDelete.CASCADE),),
        access=Access(
            list=("public",),
            read=("public",),
            create=("editor", "admin"),
            update=("owner", "admin"),
            delete=("admin",),
        ),
        limits=Limits(
            rate="120/minute", create="10/minute", page_size=PageSize(default=20, max=100)
        ),
    )
    assert spec.field("genre").has_default
    assert not spec.field("title").has_default
    assert isinstance(spec.field("pages").ge, int)


def test_shorthand_and_defaults_for_table_path_access_and_limits() -> None:
    spec = load_spec_text(
        "version: 1\nresource: BookAuthor\nfields:\n  name: str\n  bio: text?\n", "a.yaml"
    )
    assert (spec.table, spec.path) == ("book_authors", "/book-authors")
    assert spec.fields == (
        FieldSpec(name="name", type=FieldType.STR),
        FieldSpec(name="bio", type=FieldType.TEXT, optional=True),
    )
    assert spec.relations == ()
    assert spec.access == Access()
    assert spec.limits == Limits()


def test_explicit_table_gives_the_default_path() -> None:
    spec = load_spec_text(
        "version: 1\nresource: Person\ntable: staff_members\nfields: {name: str}\n", "p.yaml"
    )
    assert (spec.table, spec.path) == ("staff_members", "/staff-members")


def test_plain_python_values_come_out() -> None:
    spec = load_spec_text(
        "version: 1\nresource: Item\nfields:\n"
        "  weight: {type: float, ge: 0.5, le: 1_000, example: 2.50}\n"
        "  meta: {type: json, optional: true, example: {tags: [a, b], n: 1.5}}\n"
        "  sku: {type: str, description: 'Stock keeping unit', renamed_from: code}\n",
        "i.yaml",
    )
    weight = spec.field("weight")
    assert (type(weight.ge), type(weight.le), type(weight.example)) == (float, int, float)
    assert type(spec.field("meta").example) is dict
    assert spec.field("meta").example == {"tags": ["a", "b"], "n": 1.5}
    assert spec.field("sku").renamed_from == "code"


def test_anchors_and_merge_keys_work() -> None:
    spec = load_spec_text(
        "version: 1\nresource: Item\nfields:\n"
        "  name: &short {type: str, max_length: 20}\n"
        "  nick: {<<: *short, optional: true}\n",
        "i.yaml",
    )
    assert spec.field("nick") == FieldSpec(
        name="nick", type=FieldType.STR, max_length=20, optional=True
    )


def test_load_spec_reads_a_file_and_shows_the_display_name(tmp_path: Path) -> None:
    path = tmp_path / "book.yaml"
    path.write_text(BOOK.replace("Author", "Writer"), encoding="utf-8")
    spec = load_spec(path, known_resources=["Writer"])
    assert spec.relations[0].target == "Writer"
    with pytest.raises(SpecError) as caught:
        load_spec(path, display="specs/book.yaml")
    (diagnostic,) = caught.value.diagnostics
    assert (diagnostic.file, diagnostic.line, diagnostic.message) == (
        "specs/book.yaml",
        15,
        "unknown resource 'Writer'",
    )


def test_load_specs_resolves_relations_between_files(tmp_path: Path) -> None:
    (tmp_path / "book.yaml").write_text(BOOK)
    (tmp_path / "author.yaml").write_text(AUTHOR + "relations:\n  books: {has_many: Book}\n")
    specs = load_specs([tmp_path / "book.yaml", tmp_path / "author.yaml"])
    assert [s.resource for s in specs] == ["Book", "Author"]
    assert specs[1].relations[0].target == "Book"


def test_load_specs_accepts_known_resources_and_reports_table_clashes(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(AUTHOR + "relations:\n  tags: {many_to_many: Tag}\n")
    assert load_specs([tmp_path / "a.yaml"], known_resources=["Tag"])[0].resource == "Author"
    (tmp_path / "w.yaml").write_text(
        "version: 1\nresource: Writer\ntable: authors\nfields: {n: str}\n"
    )
    with pytest.raises(SpecError) as caught:
        load_specs([tmp_path / "a.yaml", tmp_path / "w.yaml"], known_resources=["Tag"])
    (diagnostic,) = caught.value.diagnostics
    assert (diagnostic.line, diagnostic.col, diagnostic.path) == (3, 8, "table")
    assert diagnostic.message == f"table 'authors' is already used by {tmp_path / 'a.yaml'}"


def test_rate_limit_spellings() -> None:
    spec = load_spec_text(
        "version: 1\nresource: Item\nfields: {n: str}\n"
        "limits: {rate: 1000 per hour, list: 10/second, read: '5 per 10 minutes'}\n",
        "i.yaml",
    )
    assert (spec.limits.rate, spec.limits.list, spec.limits.read) == (
        "1000 per hour",
        "10/second",
        "5 per 10 minutes",
    )


def test_belongs_to_the_built_in_user_needs_no_spec(tmp_path: Path) -> None:
    text = (
        "version: 1\nresource: Note\nfields:\n  text: str\nrelations:\n"
        "  writer: {belongs_to: User, on_delete: cascade}\n"
        "  reviewer: {belongs_to: User, optional: true, on_delete: set null}\n"
    )
    spec = load_spec_text(text, "specs/note.yaml")
    assert [(r.name, r.target, r.optional) for r in spec.relations] == [
        ("writer", "User", False),
        ("reviewer", "User", True),
    ]
    (tmp_path / "note.yaml").write_text(text)
    (tmp_path / "author.yaml").write_text(AUTHOR)
    assert [s.resource for s in load_specs([tmp_path / "note.yaml", tmp_path / "author.yaml"])] == [
        "Note",
        "Author",
    ]


@pytest.mark.parametrize(
    ("access", "wider"),
    [
        ("list: [authenticated]\n  read: [owner, admin]", "authenticated"),
        ("list: [public]\n  read: [authenticated]", "public"),
        ("list: [owner, editor]\n  read: [owner]", "editor"),
        ("list: [editor]\n  read: [admin]", "editor"),
        ("read: [owner]", "authenticated"),  # list left out: authenticated
    ],
)
def test_a_list_wider_than_read_is_a_warning_not_an_error(
    tmp_path: Path, access: str, wider: str
) -> None:
    text = f"version: 1\nresource: Memo\nfields:\n  text: str\naccess:\n  {access}\n"
    warnings: list[Diagnostic] = []
    path = tmp_path / "memo.yaml"
    path.write_text(text)
    [spec] = load_specs([path], warnings=warnings)
    assert spec.access.beyond_read(Operation.LIST) == (wider,)
    [warning] = warnings
    assert warning.severity == "warning"
    assert warning.path in ("access.list", "access.read")
    assert f"list lets in {wider}, which read does not" in warning.message
    assert warning.render().startswith(f"{path}:{warning.line}:{warning.col}: warning: ")


@pytest.mark.parametrize(
    "access",
    [
        "list: [owner, admin]\n  read: [owner, admin]",
        "list: [owner]\n  read: [authenticated]",
        "list: [editor]\n  read: [public]",
        "list: [admin]\n  read: [owner, admin]",
        "create: [admin]",
    ],
)
def test_a_list_no_wider_than_read_is_not_warned_about(tmp_path: Path, access: str) -> None:
    text = f"version: 1\nresource: Memo\nfields:\n  text: str\naccess:\n  {access}\n"
    warnings: list[Diagnostic] = []
    path = tmp_path / "memo.yaml"
    path.write_text(text)
    [spec] = load_specs([path], warnings=warnings)
    assert spec.access.beyond_read(Operation.LIST) == ()
    assert warnings == []
