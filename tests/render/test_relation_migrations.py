"""Relation migrations run on real databases: SQLite (batch mode) and PostgreSQL.

A project goes through four states: a new resource with a many_to_many, an optional belongs_to
added to a table that holds a row, a many_to_many (and a has_many) added later, and every one of
them removed again. Each rendered upgrade and downgrade is executed with Alembic's `Operations`
on the database, which Alembic's autogenerate must then find identical to the tables the state
describes (what `alembic check` does in a generated project); the rows that were there survive.

PostgreSQL is the one at 127.0.0.1:5432 (user postgres, trust auth): a scratch database is created
and dropped. Without it the PostgreSQL case is skipped, or fails under FASTGEN_REQUIRE_SERVICES=1.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from fastgen.plan import AddRelation, AddResource, RemoveRelation, diff
from fastgen.render.columns import NAMING_CONVENTION, build_tables
from fastgen.render.schema_change import SchemaChange, schema_change
from fastgen.spec.model import Access, FieldSpec, FieldType, OnDelete, RelationSpec, ResourceSpec
from fastgen.state import ProjectState
from tests.services import POSTGRES_ADMIN_URL, POSTGRES_HOST, missing, reachable

PUBLIC = Access(
    list=("public",), read=("public",), create=("public",), update=("public",), delete=("public",)
)
TAGS = RelationSpec(name="tags", many_to_many="Tag")
AUTHOR = RelationSpec(
    name="author", belongs_to="Author", optional=True, on_delete=OnDelete.SET_NULL
)
FAVOURITE_TAGS = RelationSpec(name="favourite_tags", many_to_many="Tag")
BOOKS = RelationSpec(name="books", has_many="Book")
NOW = "'2024-01-01 00:00:00'"

T = TypeVar("T")


def spec(name: str, table: str, field: str, *relations: RelationSpec) -> ResourceSpec:
    return ResourceSpec(
        resource=name,
        table=table,
        path=f"/{table}",
        fields=(FieldSpec(name=field, type=FieldType.STR, max_length=200),),
        relations=relations,
        access=PUBLIC,
    )


def state(*specs: ResourceSpec) -> ProjectState:
    result = ProjectState()
    for item in specs:
        result = result.with_resource(item)
    return result


TAG = spec("Tag", "tags", "label")
STATES = [
    ProjectState(),
    # a new resource with a many_to_many
    state(spec("Author", "authors", "name"), TAG, spec("Book", "books", "title", TAGS)),
    # an optional belongs_to added to a table with a row
    state(spec("Author", "authors", "name"), TAG, spec("Book", "books", "title", TAGS, AUTHOR)),
    # a many_to_many added later, with a has_many (code only)
    state(
        spec("Author", "authors", "name", FAVOURITE_TAGS, BOOKS),
        TAG,
        spec("Book", "books", "title", TAGS, AUTHOR),
    ),
    # all of them removed
    state(spec("Author", "authors", "name"), TAG, spec("Book", "books", "title")),
]
EXPECTED_OPERATIONS = [
    [AddResource, AddResource, AddResource],
    [AddRelation],
    [AddRelation, AddRelation],
    [RemoveRelation, RemoveRelation, RemoveRelation, RemoveRelation],
]


# -- databases -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    """A scratch database on the real PostgreSQL, dropped afterwards."""
    if not reachable(POSTGRES_HOST):
        missing("PostgreSQL is not reachable at 127.0.0.1:5432")
    import asyncpg  # type: ignore[import-untyped]

    name = f"fastgen_relations_{uuid.uuid4().hex[:10]}"

    async def admin(statement: str) -> None:
        connection = await asyncpg.connect(POSTGRES_ADMIN_URL)
        try:
            await connection.execute(statement)
        finally:
            await connection.close()

    try:
        asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    except (OSError, asyncpg.PostgresError) as error:
        missing(f"PostgreSQL at 127.0.0.1:5432 refused a scratch database: {error}")
    try:
        yield f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


class Database:
    def __init__(self, url: str) -> None:
        self.url = url

    def run(self, work: Callable[[sa.Connection], T]) -> T:
        async def go() -> T:
            engine = create_async_engine(self.url, poolclass=NullPool)
            try:
                async with engine.begin() as connection:
                    return await connection.run_sync(work)
            finally:
                await engine.dispose()

        return asyncio.run(go())

    def migrate(self, body: str) -> None:
        """Run a rendered upgrade or downgrade body, `op` being Alembic's operations."""

        def work(connection: sa.Connection) -> None:
            namespace: dict[str, Any] = {"op": Operations(MigrationContext.configure(connection))}
            namespace["sa"] = sa
            exec(f"def body():\n{body}\n", namespace)
            namespace["body"]()

        self.run(work)

    def differences(self, expected: ProjectState) -> list[Any]:
        """What autogenerate finds between the database and the tables of `expected`."""
        metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
        build_tables(expected.resources.values(), metadata, expected.tables())

        def work(connection: sa.Connection) -> list[Any]:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return list(compare_metadata(context, metadata))

        return self.run(work)

    def execute(self, *statements: str, foreign_keys: bool = False) -> None:
        def work(connection: sa.Connection) -> None:
            if foreign_keys and connection.dialect.name == "sqlite":
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            for statement in statements:
                connection.exec_driver_sql(statement)

        self.run(work)

    def rows(self, query: str) -> list[tuple[Any, ...]]:
        return self.run(lambda c: [tuple(row) for row in c.exec_driver_sql(query)])

    def tables(self) -> set[str]:
        return self.run(lambda c: set(sa.inspect(c).get_table_names()))


@pytest.fixture(params=["sqlite", "postgresql"])
def database(request: pytest.FixtureRequest, tmp_path: Any) -> Database:
    if request.param == "sqlite":
        return Database(f"sqlite+aiosqlite:///{tmp_path / 'relations.db'}")
    return Database(request.getfixturevalue("postgres_url"))


# -- the test ------------------------------------------------------------------------------


def _changes() -> list[SchemaChange]:
    changes: list[SchemaChange] = []
    for old, new, expected in zip(STATES[:-1], STATES[1:], EXPECTED_OPERATIONS, strict=True):
        operations = diff(old, new)
        assert [type(op) for op in operations] == expected
        changes.append(schema_change(operations, old, new))
    return changes


def test_relations_added_and_removed_on_a_real_database(database: Database) -> None:
    first, belongs_to, many_to_many, removals = _changes()
    assert first.message == "create authors, books, tags, books_tags"
    assert belongs_to.message == "add books.author_id"
    assert many_to_many.message == "create authors_favourite_tags"  # has_many adds nothing
    assert removals.message == "drop authors_favourite_tags; drop books_tags; drop books.author_id"

    database.migrate(first.upgrade)
    assert database.differences(STATES[1]) == []
    database.execute(
        f"INSERT INTO authors (id, name, created_at, updated_at) VALUES (1, 'Ada', {NOW}, {NOW})",
        f"INSERT INTO tags (id, label, created_at, updated_at) VALUES (1, 'sf', {NOW}, {NOW})",
        f"INSERT INTO tags (id, label, created_at, updated_at) VALUES (2, 'old', {NOW}, {NOW})",
        f"INSERT INTO books (id, title, created_at, updated_at) VALUES (1, 'Dune', {NOW}, {NOW})",
        "INSERT INTO books_tags (book_id, tag_id) VALUES (1, 1)",
        "INSERT INTO books_tags (book_id, tag_id) VALUES (1, 2)",
    )
    database.execute("DELETE FROM tags WHERE id = 2", foreign_keys=True)  # ON DELETE CASCADE
    assert database.rows("SELECT book_id, tag_id FROM books_tags") == [(1, 1)]

    database.migrate(belongs_to.upgrade)  # SQLite: the table is rebuilt, its row kept
    assert database.differences(STATES[2]) == []
    assert database.rows("SELECT id, title, author_id FROM books") == [(1, "Dune", None)]
    assert database.rows("SELECT book_id, tag_id FROM books_tags") == [(1, 1)]
    database.execute("UPDATE books SET author_id = 1")
    database.execute("DELETE FROM authors WHERE id = 1", foreign_keys=True)  # ON DELETE SET NULL
    assert database.rows("SELECT id, author_id FROM books") == [(1, None)]
    database.execute(
        f"INSERT INTO authors (id, name, created_at, updated_at) VALUES (1, 'Ada', {NOW}, {NOW})",
        "UPDATE books SET author_id = 1",
    )

    database.migrate(many_to_many.upgrade)
    assert database.differences(STATES[3]) == []
    database.execute("INSERT INTO authors_favourite_tags (author_id, tag_id) VALUES (1, 1)")

    database.migrate(removals.upgrade)
    assert database.differences(STATES[4]) == []
    assert database.rows("SELECT id, title FROM books") == [(1, "Dune")]
    assert database.tables() == {"authors", "books", "tags"}

    # and all the way back, every state matching its tables again, the rows kept
    database.migrate(removals.downgrade)
    assert database.differences(STATES[3]) == []
    assert database.rows("SELECT id, title, author_id FROM books") == [(1, "Dune", None)]
    assert database.rows("SELECT * FROM books_tags") == []
    database.migrate(many_to_many.downgrade)
    assert database.differences(STATES[2]) == []
    database.migrate(belongs_to.downgrade)
    assert database.differences(STATES[1]) == []
    assert database.rows("SELECT id, title FROM books") == [(1, "Dune")]
    database.migrate(first.downgrade)
    assert database.differences(STATES[0]) == []
    assert database.tables() == set()


def test_a_required_belongs_to_comes_back_not_null_on_an_empty_table(database: Database) -> None:
    required = RelationSpec(name="author", belongs_to="Author", on_delete=OnDelete.CASCADE)
    author = spec("Author", "authors", "name")
    with_it = state(author, spec("Book", "books", "title", required))
    without = state(author, spec("Book", "books", "title"))
    create = schema_change(diff(ProjectState(), with_it), ProjectState(), with_it)
    removal = schema_change(diff(with_it, without), with_it, without)
    database.migrate(create.upgrade)
    database.migrate(removal.upgrade)
    assert database.differences(without) == []
    database.migrate(removal.downgrade)
    assert database.differences(with_it) == []  # NOT NULL again, with its constraint and index
    database.migrate(removal.upgrade)
    database.execute(
        f"INSERT INTO books (id, title, created_at, updated_at) VALUES (1, 'Dune', {NOW}, {NOW})"
    )
    with pytest.raises(sa.exc.IntegrityError):  # the row has no author to point to
        database.migrate(removal.downgrade)
