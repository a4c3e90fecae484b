"""many_to_many link tables: their names, the migration that creates them with their resource,
and the table itself against the SQLModel model the blueprints generate for it."""

from __future__ import annotations

import ast
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel

from fastgen.plan import AddResource, diff
from fastgen.render.columns import (
    NAMING_CONVENTION,
    build_link_table,
    build_tables,
    link_class_name,
    link_columns,
    link_table_name,
)
from fastgen.render.schema_change import schema_change
from fastgen.spec.model import Access, FieldSpec, FieldType, RelationSpec, ResourceSpec
from fastgen.state import ProjectState

PUBLIC = Access(
    list=("public",), read=("public",), create=("public",), update=("public",), delete=("public",)
)
TAGS = RelationSpec(name="tags", many_to_many="Tag")
TABLES = {"Book": "books", "Tag": "tags", "User": "users"}


def resource(name: str, table: str, *relations: RelationSpec, field: str = "title") -> ResourceSpec:
    return ResourceSpec(
        resource=name,
        table=table,
        path=f"/{table.replace('_', '-')}",
        fields=(FieldSpec(name=field, type=FieldType.STR, max_length=200),),
        relations=relations,
        access=PUBLIC,
    )


BOOK = resource("Book", "books", TAGS)
TAG = resource("Tag", "tags", field="label")


def test_names_follow_the_owner_and_the_relation() -> None:
    assert link_table_name(BOOK, TAGS) == "books_tags"
    assert link_columns(BOOK, TAGS) == ("book_id", "tag_id")
    assert link_class_name(BOOK, TAGS) == "BookTagsLink"
    shelf = RelationSpec(name="reading_lists", many_to_many="ReadingList")
    owner = resource("BookClub", "book_clubs", shelf)
    assert link_table_name(owner, shelf) == "book_clubs_reading_lists"
    assert link_columns(owner, shelf) == ("book_club_id", "reading_list_id")
    assert link_class_name(owner, shelf) == "BookClubReadingListsLink"


def test_a_relation_to_the_same_resource_gets_two_distinct_columns() -> None:
    friends = RelationSpec(name="friends", many_to_many="Person")
    person = resource("Person", "people", friends)
    assert link_columns(person, friends) == ("person_id", "friends_id")
    same = RelationSpec(name="person", many_to_many="Person")
    assert link_columns(resource("Person", "people", same), same) == (
        "person_id",
        "related_person_id",
    )


EXPECTED_CREATE = """\
    op.create_table('books_tags',
    sa.Column('book_id', sa.Integer(), nullable=False),
    sa.Column('tag_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['book_id'], ['books.id'], name=op.f('fk_books_tags_book_id_books'), \
ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tag_id'], ['tags.id'], name=op.f('fk_books_tags_tag_id_tags'), \
ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('book_id', 'tag_id', name=op.f('pk_books_tags'))
    )
    op.create_index(op.f('ix_books_tags_tag_id'), 'books_tags', ['tag_id'], unique=False)"""

EXPECTED_DROP = """\
    op.drop_index(op.f('ix_books_tags_tag_id'), table_name='books_tags')
    op.drop_table('books_tags')"""


def test_new_resource_creates_its_link_table_after_every_table_of_the_revision() -> None:
    new = ProjectState().with_resource(BOOK).with_resource(TAG)
    operations = diff(ProjectState(), new)
    assert [type(op) for op in operations] == [AddResource, AddResource]
    change = schema_change(operations, ProjectState(), new)
    for body in (change.upgrade, change.downgrade):
        ast.parse(f"def f():\n{body}\n")
    assert change.message == "create books, tags, books_tags"
    up, down = change.upgrade, change.downgrade
    assert EXPECTED_CREATE in up
    assert up.endswith(EXPECTED_CREATE)  # after books and tags, which it references
    assert up.index("op.create_table('books'") < up.index("op.create_table('tags'")
    assert down.startswith(EXPECTED_DROP)  # before the tables it references
    assert down.index("op.drop_table('books_tags')") < down.index("op.drop_table('books')")
    assert "ix_books_tags_book_id" not in up  # the primary key serves lookups by book


def test_link_table_for_a_target_that_already_exists() -> None:
    old = ProjectState().with_resource(TAG)
    new = old.with_resource(BOOK)
    change = schema_change(diff(old, new), old, new)
    assert change.message == "create books, books_tags"
    assert "op.create_table('tags'" not in change.upgrade
    assert change.upgrade.endswith(EXPECTED_CREATE)


def test_build_tables_puts_link_tables_last() -> None:
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    tables = build_tables([BOOK, TAG], metadata, TABLES)
    assert [t.name for t in tables] == ["books", "tags", "books_tags"]


# -- the table against the generated SQLModel model -------------------------------------------


def _model_metadata() -> sa.MetaData:
    """What SQLAlchemy builds from the link model the blueprints write (own registry, so the
    global SQLModel.metadata is left alone)."""

    class Base(SQLModel, registry=registry()):
        pass

    class Book(Base, table=True):
        __tablename__ = "books"
        id: int | None = Field(default=None, primary_key=True)

    class Tag(Base, table=True):
        __tablename__ = "tags"
        id: int | None = Field(default=None, primary_key=True)

    class BookTagsLink(Base, table=True):
        __tablename__ = "books_tags"
        book_id: int = Field(foreign_key="books.id", ondelete="CASCADE", primary_key=True)
        tag_id: int = Field(foreign_key="tags.id", ondelete="CASCADE", primary_key=True, index=True)

    return Base.metadata


def _fastgen_metadata(*, index: bool = True) -> sa.MetaData:
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    sa.Table("books", metadata, sa.Column("id", sa.Integer(), primary_key=True))
    sa.Table("tags", metadata, sa.Column("id", sa.Integer(), primary_key=True))
    table = build_link_table(BOOK, TAGS, metadata, TABLES)
    if not index:
        table.indexes.clear()
    return metadata


def _structure(table: sa.Table) -> dict[str, Any]:
    return {
        "columns": [
            (c.name, repr(c.type), c.nullable, c.primary_key, c.autoincrement)
            for c in table.columns
        ],
        "primary_key": [c.name for c in table.primary_key.columns],
        "foreign_keys": sorted(
            (
                tuple(c.name for c in fk.columns),
                tuple(element.target_fullname for element in fk.elements),
                fk.ondelete,
            )
            for fk in table.foreign_key_constraints
        ),
        "indexes": sorted(
            (str(i.name), bool(i.unique), tuple(c.name for c in i.columns)) for i in table.indexes
        ),
        "uniques": [c for c in table.constraints if isinstance(c, sa.UniqueConstraint)],
    }


def test_link_table_has_the_structure_of_the_sqlmodel_model() -> None:
    ours = _fastgen_metadata().tables["books_tags"]
    theirs = _model_metadata().tables["books_tags"]
    assert _structure(ours) == _structure(theirs)
    assert _structure(ours)["indexes"] == [("ix_books_tags_tag_id", False, ("tag_id",))]


@pytest.mark.parametrize("direction", ["migration-then-model", "model-then-migration"])
def test_autogenerate_finds_nothing_between_the_table_and_the_model(direction: str) -> None:
    created, compared = _fastgen_metadata(), _model_metadata()
    if direction == "model-then-migration":
        created, compared = compared, created
    engine = sa.create_engine("sqlite://")
    with engine.connect() as connection:
        created.create_all(connection)
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, compared) == []
        # the comparison has teeth: a link table without its index is told apart
        missing = compare_metadata(context, _fastgen_metadata(index=False))
        assert [d[0] for d in missing] == ["remove_index"]
