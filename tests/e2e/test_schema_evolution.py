"""End to end: a project with rows in it lives through every kind of spec change.

For each change, on SQLite and on the real PostgreSQL: run the fastgen command, `alembic upgrade
head`, check the rows are intact (and new columns filled), `alembic check` (the migrations match
the models), then `alembic downgrade -1` and `upgrade head` again with the rows still there. The
generated test suite (about a minute) runs at two checkpoints: after the field changes and the
relations added (every field change is still in the code then), and after the last change (a
resource removed; by then a relation was made optional and required again, Member gained an
owner and Author was renamed Writer). Hand edits made before the first change must survive all
of them. The two databases are two tests, so pytest-xdist runs them side by side.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from tests.e2e.tools import BIN, BOOKSHOP, ProjectFactory, run

pytestmark = [pytest.mark.e2e, pytest.mark.slow(seconds=900)]

SPECS = Path(__file__).resolve().parent / "specs"

HAND_EDITS = {
    "app/models/book.py": (
        "\n\n\nclass Book(BookBase, table=True):",
        '''

    @field_validator("title")
    @classmethod
    def _strip_title(cls, value: str) -> str:
        """Hand-written: titles are stored without surrounding spaces."""
        return value.strip()


class Book(BookBase, table=True):''',
    ),
    "app/routers/book.py": (
        # a prefix: the generated decorator goes on with the response model and dependencies
        '@router.get(\n    "/{book_id}",\n',
        """@router.get("/count")  # hand-written endpoint
async def count_books(session: SessionDep) -> dict[str, int]:
    total = (await session.exec(select(func.count()).select_from(Book))).one()
    return {"count": total}


@router.get(
    "/{book_id}",
""",
    ),
    "tests/test_book.py": (
        "async def test_read_returns_the_row(",
        """async def test_hand_written_count(client: AsyncClient) -> None:
    # a test a person added
    await create_book(client)
    response = await client.get(f"{PATH}/count")
    assert response.json() == {"count": 1}


async def test_read_returns_the_row(""",
    ),
}
HAND_IMPORT = ("app/models/book.py", "from pydantic import field_validator\n")


def hand_edit(project: Path) -> list[str]:
    """Apply the corpus of hand edits; return the snippets that must survive."""
    kept: list[str] = []
    for relative, (anchor, replacement) in HAND_EDITS.items():
        path = project / relative
        source = path.read_text()
        assert anchor in source, (relative, anchor)
        path.write_text(source.replace(anchor, replacement, 1))
        kept.append(replacement.replace(anchor, "").strip())
    relative, line = HAND_IMPORT
    path = project / relative
    source = path.read_text()
    anchor = "from pydantic import model_validator\n"
    assert anchor in source
    path.write_text(source.replace(anchor, line + anchor))
    kept.append(line.strip())
    return kept


def edit_spec(project: Path, name: str, old: str, new: str) -> None:
    path = project / "specs" / f"{name}.yaml"
    source = path.read_text()
    assert old in source, (name, old)
    path.write_text(source.replace(old, new, 1))


@dataclass(frozen=True)
class Change:
    label: str
    apply: Callable[[Path], None]
    check: Callable[[list[dict[str, Any]], list[dict[str, Any]]], None]  # (books, members)
    migrates: bool = True
    checkpoint: str = ""
    """Names a checkpoint: the generated suite runs after this change (it is too slow to run
    after each; the migrations and rows are checked after every change all the same)."""


def fastgen(*args: str) -> Callable[[Path], None]:
    return lambda project: run([str(BIN / "fastgen"), *args], project) and None


def spec(name: str, old: str, new: str, *flags: str) -> Callable[[Path], None]:
    def apply(project: Path) -> None:
        edit_spec(project, name, old, new)
        run([str(BIN / "fastgen"), "sync", *flags], project)

    return apply


def rename_author(project: Path) -> None:
    edit_spec(project, "author", "resource: Author", "renamed_from: Author\nresource: Writer")
    edit_spec(project, "book", "belongs_to: Author", "belongs_to: Writer")
    run([str(BIN / "fastgen"), "sync"], project)
    assert (project / "app" / "models" / "writer.py").is_file()
    assert not (project / "app" / "models" / "author.py").exists()


def ignore(books: list[dict[str, Any]], members: list[dict[str, Any]]) -> None:
    assert [b["title"] for b in books] == ["Dune", "Emma"]


CHANGES = [
    Change(
        "add optional column (the seed scenario)",
        fastgen("add", "column", "Member", "profile_picture_url:url?", "--max-length", "2083"),
        lambda books, members: _all(members, "profile_picture_url", None),
    ),
    Change(
        "add required column with a default, indexed",
        fastgen("add", "column", "Book", "stock:int", "--default", "0", "--index"),
        lambda books, members: _all(books, "stock", 0),
    ),
    Change(
        "add enum column with a default",
        fastgen(
            "add", "column", "Book", "format:enum", "--values", "paper,ebook", "--default", "paper"
        ),
        lambda books, members: _all(books, "format", "paper"),
    ),
    Change(
        "optional -> required, existing nulls filled with the default",
        spec(
            "book",
            "pages: {type: int, ge: 1, optional: true, sortable: true}",
            "pages: {type: int, ge: 1, default: 1, sortable: true}",
        ),
        lambda books, members: _values(books, "pages", [320, 1]),
    ),
    Change(
        "required -> optional",
        spec(
            "book",
            "price: {type: decimal, max_digits: 10, decimal_places: 2, ge: 0, sortable: true",
            "price: {type: decimal, max_digits: 10, decimal_places: 2, ge: 0, optional: true,"
            " sortable: true",
        ),
        lambda books, members: _values(books, "price", [Decimal("9.99"), Decimal(5)], cast=_money),
    ),
    Change(
        "type changed: str -> text",
        spec("book", "title: {type: str, max_length: 200,", "title: {type: text,"),
        ignore,
    ),
    Change(
        "length widened",
        spec("member", "name: {type: str, max_length: 80}", "name: {type: str, max_length: 200}"),
        lambda books, members: _values(members, "name", ["Ada"]),
    ),
    Change(
        "length narrowed (destructive, confirmed by flag)",
        spec(
            "member",
            "name: {type: str, max_length: 200}",
            "name: {type: str, max_length: 100}",
            "--allow-destructive",
        ),
        lambda books, members: _values(members, "name", ["Ada"]),
    ),
    Change(
        "unique removed, index added",
        spec(
            "book",
            'unique: true, example: "978-3-16-148410-0"',
            'index: true, example: "978-3-16-148410-0"',
        ),
        lambda books, members: _values(books, "isbn", ["978-0441172719", "978-0141439587"]),
    ),
    Change(
        "unique added",
        spec(
            "member",
            "name: {type: str, max_length: 100}",
            "name: {type: str, max_length: 100, unique: true}",
        ),
        lambda books, members: _values(members, "name", ["Ada"]),
    ),
    Change(
        "enum value added",
        spec(
            "book",
            "values: [fiction, science, history]",
            "values: [fiction, science, history, poetry]",
        ),
        lambda books, members: _values(books, "genre", ["fiction", "science"]),
    ),
    Change(
        "enum value removed (destructive, confirmed by flag)",
        spec(
            "book",
            "values: [fiction, science, history, poetry]",
            "values: [fiction, science, poetry]",
            "--allow-destructive",
        ),
        lambda books, members: _values(books, "genre", ["fiction", "science"]),
    ),
    Change(
        "default changed (code only)",
        spec("book", "default: fiction", "default: science"),
        lambda books, members: _values(books, "genre", ["fiction", "science"]),
        migrates=False,
    ),
    Change(
        "numeric bounds changed (code only)",
        spec(
            "book",
            "pages: {type: int, ge: 1, default: 1, sortable: true}",
            "pages: {type: int, ge: 1, le: 5000, default: 1, sortable: true}",
        ),
        lambda books, members: _values(books, "pages", [320, 1]),
        migrates=False,
    ),
    Change(
        "field renamed with renamed_from",
        spec(
            "book",
            "summary: text?",
            "abstract: {type: text, optional: true, renamed_from: summary}",
        ),
        lambda books, members: _values(books, "abstract", ["Spice.", None]),
    ),
    Change(
        "remove column (destructive, confirmed by flag)",
        fastgen("remove", "column", "Book", "abstract", "--allow-destructive"),
        lambda books, members: _absent(books, "abstract"),
    ),
    Change(
        "relation added: optional belongs_to (foreign key and index, batch mode on SQLite)",
        spec(
            "book",
            "relations:\n",
            "relations:\n  reviewer: {belongs_to: Member, optional: true, on_delete: set null,"
            " expand: true, filterable: true}\n",
        ),
        lambda books, members: _all(books, "reviewer_id", None),
    ),
    Change(
        "relation added: many_to_many (association table, link endpoints)",
        spec(
            "book", "relations:\n", "relations:\n  readers: {many_to_many: Member, expand: true}\n"
        ),
        ignore,
        checkpoint="the relations added",
    ),
    Change(
        "relation option changed: expand off (code only)",
        spec(
            "book",
            "readers: {many_to_many: Member, expand: true}",
            "readers: {many_to_many: Member}",
        ),
        ignore,
        migrates=False,
    ),
    Change(
        "relation made optional, on_delete set null (the foreign key made again)",
        spec(
            "book",
            "author: {belongs_to: Author, on_delete: cascade,",
            "author: {belongs_to: Author, optional: true, on_delete: set null,",
        ),
        lambda books, members: _values(books, "author_id", [1, 1]),
    ),
    Change(
        "relation made required again (destructive, confirmed by flag; every row has one)",
        spec(
            "book",
            "author: {belongs_to: Author, optional: true, on_delete: set null,",
            "author: {belongs_to: Author, on_delete: cascade,",
            "--allow-destructive",
        ),
        lambda books, members: _values(books, "author_id", [1, 1]),
    ),
    Change(
        "owner added to a resource with rows (owner_id, empty for them)",
        spec("member", "update: [public]", "update: [owner, admin]"),
        lambda books, members: _all(members, "owner_id", None),
    ),
    Change(
        "resource renamed with renamed_from (Author -> Writer; Book's foreign key follows)",
        lambda project: rename_author(project),
        lambda books, members: _values(books, "author_id", [1, 1]),
    ),
    Change(
        "resource added next to rows (Tag, many_to_many Book)",
        fastgen("add", "resource", str(BOOKSHOP / "tag.yaml")),
        ignore,
    ),
    Change(
        "relation removed (destructive, confirmed by flag)",
        spec(
            "book",
            "  reviewer: {belongs_to: Member, optional: true, on_delete: set null,"
            " expand: true, filterable: true}\n",
            "",
            "--allow-destructive",
        ),
        lambda books, members: _absent(books, "reviewer_id"),
    ),
    Change(
        "resource removed with its link table (destructive, confirmed by flag)",
        fastgen("remove", "resource", "Tag", "--allow-destructive"),
        ignore,
        checkpoint="the last change",
    ),
]


def _all(rows: list[dict[str, Any]], column: str, value: Any) -> None:
    assert rows and all(row[column] == value for row in rows), rows


def _values(rows: list[dict[str, Any]], column: str, expected: list[Any], cast: Any = None) -> None:
    found = [
        row[column] if cast is None or row[column] is None else cast(row[column]) for row in rows
    ]
    assert found == expected, rows


def _money(value: Any) -> Decimal:
    """SQLite hands NUMERIC back as a float, PostgreSQL as a Decimal."""
    return Decimal(str(value)).quantize(Decimal("0.01"))


def _absent(rows: list[dict[str, Any]], column: str) -> None:
    assert rows and all(column not in row for row in rows), rows


def fetch(url: str, sql: str) -> list[dict[str, Any]]:
    async def go() -> list[dict[str, Any]]:
        engine = create_async_engine(url)
        try:
            async with engine.connect() as connection:
                result = await connection.execute(text(sql))
                return [dict(row._mapping) for row in result]
        finally:
            await engine.dispose()

    return asyncio.run(go())


def execute(url: str, statements: list[str]) -> None:
    async def go() -> None:
        engine = create_async_engine(url)
        try:
            async with engine.begin() as connection:
                for statement in statements:
                    await connection.execute(text(statement))
        finally:
            await engine.dispose()

    asyncio.run(go())


SEED = [
    "INSERT INTO authors (id, name, email, created_at, updated_at) VALUES "
    "(1, 'Frank Herbert', 'frank@example.com', '2024-01-01 00:00:00', '2024-01-01 00:00:00')",
    "INSERT INTO books (id, title, isbn, pages, price, genre, summary, author_id, created_at, "
    "updated_at) VALUES (1, 'Dune', '978-0441172719', 320, 9.99, 'fiction', 'Spice.', 1, "
    "'2024-01-01 00:00:00', '2024-01-01 00:00:00')",
    "INSERT INTO books (id, title, isbn, pages, price, genre, summary, author_id, created_at, "
    "updated_at) VALUES (2, 'Emma', '978-0141439587', NULL, 5, 'science', NULL, 1, "
    "'2024-01-01 00:00:00', '2024-01-01 00:00:00')",
    "INSERT INTO members (id, name, email, created_at, updated_at) VALUES "
    "(1, 'Ada', 'ada@example.com', '2024-01-01 00:00:00', '2024-01-01 00:00:00')",
]


@dataclass
class Target:
    project: Path
    app_url: str
    test_env: dict[str, str]

    def alembic(self, *args: str) -> str:
        result = run(["alembic", *args], self.project, DATABASE_URL=self.app_url)
        return result.stdout + result.stderr

    def rows(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        return (
            fetch(self.app_url, "SELECT * FROM books ORDER BY id"),
            fetch(self.app_url, "SELECT * FROM members ORDER BY id"),
        )


SHOP = [BOOKSHOP / "author.yaml", BOOKSHOP / "book.yaml", SPECS / "member.yaml"]


# A class per database: pytest-xdist (`--dist loadscope`) hands each class to a worker, and the
# two start first (the longest tests do), so they run side by side.
class TestOnSQLite:
    def test_every_kind_of_change_keeps_rows_and_hand_edits(
        self, project_factory: ProjectFactory
    ) -> None:
        project = project_factory(SHOP, "sqlite", ["editor"], name="shop")
        evolve(Target(project, f"sqlite+aiosqlite:///{project / 'app.db'}", {}))


class TestOnPostgreSQL:
    def test_every_kind_of_change_keeps_rows_and_hand_edits(
        self, project_factory: ProjectFactory, postgres_databases: tuple[str, str]
    ) -> None:
        project = project_factory(SHOP, "postgresql", ["editor"], name="shop")
        app_url, test_url = postgres_databases
        evolve(Target(project, app_url, {"TEST_DATABASE_URL": test_url}))


def evolve(target: Target) -> None:
    """Every change of CHANGES in turn, with the checks of the module's docstring."""
    assert CHANGES[-1].checkpoint, "the generated suite must run after the last change"
    project = target.project
    target.alembic("upgrade", "head")
    execute(target.app_url, SEED)
    kept = hand_edit(project)
    run(["ruff", "check", "."], project)  # the hand edits are clean code to begin with
    run(["ruff", "format", "--check", "."], project)
    for change in CHANGES:
        before = sorted(p.name for p in (project / "migrations" / "versions").glob("*.py"))
        change.apply(project)
        after = sorted(p.name for p in (project / "migrations" / "versions").glob("*.py"))
        assert len(after) == len(before) + (1 if change.migrates else 0), change.label
        target.alembic("upgrade", "head")
        books, members = target.rows()
        assert len(books) == 2 and len(members) == 1, change.label
        change.check(books, members)
        assert "No new upgrade operations detected" in target.alembic("check"), change.label
        if change.checkpoint:
            # the statement-count tests (100 rows per resource) prove nothing a schema change
            # affects; test_generated_project runs them on both databases
            pytest_args = ["-q", "-x", "-p", "no:cacheprovider"]
            pytest_args += ["-k", "not fixed_number_of_statements"]
            suite = run([sys.executable, "-m", "pytest", *pytest_args], project, **target.test_env)
            passed = " passed" in suite.stdout and "failed" not in suite.stdout
            assert passed, f"after {change.checkpoint}: {change.label}"
        target.alembic("downgrade", "-1")
        assert [len(rows) for rows in target.rows()] == [2, 1], change.label
        target.alembic("upgrade", "head")
        books, members = target.rows()
        assert [len(books), len(members)] == [2, 1], change.label
        change.check(books, members)
    for snippet in kept:
        assert snippet in (project / _owner(snippet)).read_text(), snippet
    run(["ruff", "check", "."], project)
    run(["ruff", "format", "--check", "."], project)
    mypy = run([sys.executable, "-m", "mypy", "--strict", "."], project)
    assert "Success: no issues found" in mypy.stdout
    again = run([str(BIN / "fastgen"), "sync"], project)
    assert "nothing to do" in again.stdout


def _owner(snippet: str) -> str:
    for relative, (_, replacement) in HAND_EDITS.items():
        if snippet in replacement:
            return relative
    return HAND_IMPORT[0]
