"""Migration code for changed tables, computed from the specs alone (the real databases run it
in tests/e2e/test_schema_evolution.py)."""

from __future__ import annotations

import ast

import pytest

from fastgen.plan import RemoveResource, diff
from fastgen.render.alter import MissingDefault, TableChange, alter_table_code, sql_literal
from fastgen.render.schema_change import schema_change
from fastgen.spec.load import load_spec_text
from fastgen.spec.model import FieldSpec, FieldType, ResourceSpec
from fastgen.state import ProjectState

BOOK = """\
version: 1
resource: Book
fields:
  title: {type: str, max_length: 200, index: true}
  pages: {type: int, optional: true}
  genre: {type: enum, values: [fiction, science]}
  summary: text?
access: {list: [public], read: [public], create: [public], update: [public], delete: [public]}
"""


def book(replace: dict[str, str] | None = None, extra: str = "") -> ResourceSpec:
    text = BOOK
    for old, new in (replace or {}).items():
        assert old in text
        text = text.replace(old, new)
    if extra:
        text = text.replace("access:", f"  {extra}\naccess:")
    return load_spec_text(text, "specs/book.yaml")


def change(before: ResourceSpec, after: ResourceSpec) -> tuple[str, str]:
    old = ProjectState().with_resource(before)
    new = ProjectState().with_resource(after)
    result = schema_change(diff(old, new), old, new)
    for body in (result.upgrade, result.downgrade):
        ast.parse(f"def f():\n{body}\n")  # valid Python, correctly indented
    return result.upgrade, result.downgrade


def test_required_column_is_added_with_its_default_for_existing_rows() -> None:
    up, down = change(book(), book(extra="stock: {type: int, default: 0, index: true}"))
    assert "batch_op.add_column(sa.Column('stock', sa.Integer(), server_default='0', " in up
    # the server default only fills the rows that exist; the model has none afterwards
    assert up.index("add_column") < up.index("server_default=None")
    assert "batch_op.create_index(batch_op.f('ix_books_stock'), ['stock'], unique=False)" in up
    assert "batch_op.drop_index(batch_op.f('ix_books_stock'))" in down
    assert "batch_op.drop_column('stock')" in down


def test_optional_column_is_added_nullable_without_default() -> None:
    up, _ = change(book(), book(extra="note: str?"))
    assert "batch_op.add_column(sa.Column('note', sa.String(), nullable=True))" in up
    assert "server_default" not in up


def test_dropped_column_comes_back_on_downgrade_filled_for_existing_rows() -> None:
    before = book(extra="stock: {type: int}")
    up, down = change(before, book())
    assert "batch_op.drop_column('stock')" in up
    assert "sa.Column('stock', sa.Integer(), server_default='0', nullable=False)" in down


def test_enum_column_creates_and_drops_its_native_type() -> None:
    up, down = change(
        book(), book(extra="format: {type: enum, values: [paper, ebook], default: paper}")
    )
    create = 'sa.Enum("paper", "ebook", name="bookformat").create(op.get_bind(), checkfirst=True)'
    assert create in up
    assert up.index(create) < up.index("add_column")
    assert 'sa.Enum(name="bookformat").drop(op.get_bind(), checkfirst=True)' in down
    assert down.index("drop_column('format')") < down.index('bookformat").drop')


def test_enum_values_change_rebuilds_the_type_on_postgresql() -> None:
    old = "genre: {type: enum, values: [fiction, science]}"
    up, down = change(
        book(), book({old: "genre: {type: enum, values: [fiction, science, poetry]}"})
    )
    assert 'op.execute("ALTER TYPE bookgenre RENAME TO bookgenre_old")' in up
    assert "USING genre::text::bookgenre" in up
    assert "type_=sa.Enum('fiction', 'science', 'poetry', name='bookgenre')" in up
    assert "type_=sa.Enum('fiction', 'science', name='bookgenre')" in down


def test_rename_keeps_the_column_and_renames_its_index() -> None:
    up, down = change(
        book(),
        book(
            {
                "title: {type: str, max_length: 200, index: true}": "heading: {type: str, "
                "max_length: 200, index: true, renamed_from: title}"
            }
        ),
    )
    assert "new_column_name='heading'" in up
    assert "drop_column" not in up and "add_column" not in up
    assert up.index("drop_index(batch_op.f('ix_books_title'))") < up.index("ix_books_heading")
    assert "new_column_name='title'" in down


def test_optional_to_required_fills_nulls_first() -> None:
    up, down = change(
        book(), book({"pages: {type: int, optional: true}": "pages: {type: int, default: 1}"})
    )
    fill = "op.execute(\"UPDATE books SET pages = '1' WHERE pages IS NULL\")"
    assert fill in up
    assert up.index(fill) < up.index("nullable=False")
    assert "nullable=True" in down


def test_type_change_tells_postgresql_how_to_convert() -> None:
    up, _ = change(book(), book({"pages: {type: int, optional: true}": "pages: text?"}))
    assert "type_=sa.Text()" in up
    assert "postgresql_using='pages::TEXT'" in up


def test_code_only_change_has_no_migration() -> None:
    old = ProjectState().with_resource(book())
    new = ProjectState().with_resource(
        book({"pages: {type: int, optional: true}": "pages: {type: int, optional: true, ge: 1}"})
    )
    assert schema_change(diff(old, new), old, new).is_empty


def test_missing_default_is_an_error_on_the_way_up() -> None:
    with pytest.raises(MissingDefault):
        alter_table_code(
            TableChange(book(), book(extra="stock: int"), {}), {}, {}, fill_missing=False
        )


@pytest.mark.parametrize(
    ("kind", "value", "literal"),
    [
        (FieldType.BOOL, True, "1"),
        (FieldType.INT, 7, "7"),
        (FieldType.FLOAT, 2, "2.0"),
        (
            FieldType.UUID,
            "12345678-1234-5678-1234-567812345678",
            "12345678123456781234567812345678",
        ),
        (FieldType.DATETIME, "2024-01-02T03:04:05+01:00", "2024-01-02 02:04:05.000000"),
        (FieldType.STR, "it's", "it's"),
    ],
)
def test_sql_literals_read_back_the_same_on_both_databases(
    kind: FieldType, value: object, literal: str
) -> None:
    field = FieldSpec(name="x", type=kind)
    assert sql_literal(field, value) == literal


def test_a_removed_resource_drops_its_link_table_table_and_enum_types_and_comes_back_empty() -> (
    None
):
    tag = load_spec_text(
        "version: 1\nresource: Tag\nfields:\n  label: {type: str, max_length: 50, index: true}\n"
        "relations:\n  books: {many_to_many: Book}\n",
        "specs/tag.yaml",
        known_resources={"Book"},
    )
    old = ProjectState().with_resource(book()).with_resource(tag)
    operation = RemoveResource(tag)
    assert operation.describe() == "- resource Tag (tables tags, tags_books, path /tags)"
    assert operation.label().endswith("(destructive)")
    result = schema_change([operation], old, old.without_resource("Tag"))
    up, down = result.upgrade, result.downgrade
    assert result.message == "drop tags, tags_books"
    assert up.splitlines() == [
        "    op.drop_index(op.f('ix_tags_books_book_id'), table_name='tags_books')",
        "    op.drop_table('tags_books')",
        "    op.drop_index(op.f('ix_tags_label'), table_name='tags')",
        "    op.drop_table('tags')",
    ]
    assert down.index("op.create_table('tags',") < down.index("op.create_table('tags_books',")
    assert "op.create_index(op.f('ix_tags_label'), 'tags', ['label'], unique=False)" in down
    assert "sa.ForeignKeyConstraint(['book_id'], ['books.id']" in down  # to the one that stays

    alone = ProjectState().with_resource(book())
    up = schema_change([RemoveResource(book())], alone, ProjectState()).upgrade
    assert up.endswith('sa.Enum(name="bookgenre").drop(op.get_bind(), checkfirst=True)')
