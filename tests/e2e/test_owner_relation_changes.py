"""End to end: `owner` added to and removed from resources, and a relation made optional and
required again, on a bookshop with rows, on SQLite and on PostgreSQL.

Each step is `fastgen sync`, `alembic upgrade head` (rows kept where the change keeps them),
`alembic downgrade -1` and `upgrade head` again (the same rows), `alembic check` clean. Two
changes share a step where they can, to keep the subprocesses few:

1. Author gains `owner`: authors.owner_id comes, NULL in every row; Book loses its last
   `owner`: books.owner_id goes (destructive).
2. Book gains `owner` again with `--owner-default`: every book is the admin's; Book.author
   becomes optional (and ON DELETE SET NULL); a book without author is added.
3. Book.author becomes required again: the upgrade stops with a message while that book has no
   author, and goes through once it has one.

The generated suite is not run here (test_generated_project runs it once).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.e2e.test_schema_evolution import execute, fetch
from tests.e2e.tools import BIN, BOOKSHOP, BOOKSHOP_ROLES, ProjectFactory, run

if TYPE_CHECKING:
    from conftest import Run

pytestmark = pytest.mark.e2e

SPECS = [BOOKSHOP / "author.yaml", BOOKSHOP / "book.yaml"]
NOW = "'2024-05-01 12:00:00'"
SEED = [
    "INSERT INTO users (id, email, is_active, password_hash, roles, token_version, created_at, "
    f"updated_at) VALUES (1, 'admin@example.com', TRUE, 'x', '[\"admin\"]', 0, {NOW}, {NOW})",
    "INSERT INTO authors (id, name, email, created_at, updated_at) VALUES "
    f"(1, 'Ada', 'ada@example.com', {NOW}, {NOW}), (2, 'Bob', 'bob@example.com', {NOW}, {NOW})",
    "INSERT INTO books (id, title, isbn, price, genre, author_id, owner_id, created_at, "
    f"updated_at) VALUES (1, 'Notes', '978-3-16-148410-0', 12.50, 'science', 1, 1, {NOW}, {NOW})",
]
BOOK_AUTHOR = "author: {belongs_to: Author, on_delete: cascade,"
OPTIONAL_AUTHOR = "author: {belongs_to: Author, on_delete: set null, optional: true,"


class Steps:
    def __init__(self, project: Path, url: str, cli: Run) -> None:
        self.project, self.url, self.cli = project, url, cli  # fastgen runs in-process

    def edit(self, name: str, old: str, new: str) -> None:
        path = self.project / "specs" / f"{name}.yaml"
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new), encoding="utf-8")

    def sync(self, *args: str) -> str:
        result = self.cli("--project", self.project, "sync", *args)
        assert result.exit_code == 0, result.output
        return result.stdout

    def alembic(self, *args: str) -> str:
        result = run(["alembic", *args], self.project, DATABASE_URL=self.url)
        return result.stdout + result.stderr

    def rows(self, sql: str) -> list[tuple[object, ...]]:
        return [tuple(row.values()) for row in fetch(self.url, sql)]

    def upgrade_check_and_back(self, kept: str, expected: list[tuple[object, ...]]) -> None:
        """Upgrade: the rows `kept` selects as expected; downgrade one step and upgrade again:
        the same rows, and `alembic check` clean."""
        self.alembic("upgrade", "head")
        assert self.rows(kept) == expected
        self.alembic("downgrade", "-1")
        self.alembic("upgrade", "head")
        assert self.rows(kept) == expected
        assert "No new upgrade operations detected" in self.alembic("check")

    def failing_upgrade(self) -> str:
        environment = {**os.environ, "DATABASE_URL": self.url}
        environment["PATH"] = f"{BIN}{os.pathsep}{environment.get('PATH', '')}"
        completed = subprocess.run(
            ["alembic", "upgrade", "head"],
            cwd=self.project,
            env=environment,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert completed.returncode != 0, completed.stdout
        return completed.stderr


def owner_and_relation_changes(steps: Steps) -> None:
    steps.alembic("upgrade", "head")
    execute(steps.url, SEED)

    # 1. Author gains owner (no owner for the rows that exist); Book loses its last owner (the
    # column goes, the rows stay)
    steps.edit("author", "update: [editor, admin]", "update: [owner, editor, admin]")
    steps.edit("book", "update: [owner, admin]", "update: [editor, admin]")
    planned = steps.sync("--allow-destructive")
    assert "+ owner Author, column authors.owner_id: rows that exist have no owner" in planned
    assert "- owner Book, column books.owner_id (destructive)" in planned
    steps.upgrade_check_and_back(
        "SELECT a.id, a.owner_id, b.title FROM authors a LEFT JOIN books b ON b.author_id = a.id "
        "ORDER BY a.id",
        [(1, None, "Notes"), (2, None, None)],
    )
    assert "owner_id" not in {row["name"] for row in columns(steps, "books")}

    # 2. Book gains owner again, its rows given to the admin; Book.author becomes optional
    steps.edit("book", "update: [editor, admin]", "update: [owner, admin]")
    steps.edit("book", BOOK_AUTHOR, OPTIONAL_AUTHOR)
    planned = steps.sync("--owner-default", "admin@example.com")
    assert "rows that exist are given to admin@example.com" in planned
    assert "~ relation Book.author: required -> optional" in planned
    steps.upgrade_check_and_back("SELECT id, author_id, owner_id FROM books", [(1, 1, 1)])
    execute(
        steps.url,
        [
            "INSERT INTO books (id, title, isbn, price, genre, author_id, owner_id, created_at, "
            f"updated_at) VALUES (2, 'Loose', '978-3-16-148410-1', 3, 'history', NULL, 1, {NOW}, "
            f"{NOW})"
        ],
    )

    # 3. Book.author required again: refused while a book has none, then done
    steps.edit("book", OPTIONAL_AUTHOR, BOOK_AUTHOR)
    assert "~ relation Book.author: optional -> required" in steps.sync("--allow-destructive")
    error = steps.failing_upgrade()
    assert "books.author_id: author is now required, and rows of books have none" in error
    assert steps.rows("SELECT id, author_id FROM books ORDER BY id") == [(1, 1), (2, None)]
    execute(steps.url, ["UPDATE books SET author_id = 2 WHERE id = 2"])
    steps.upgrade_check_and_back(
        "SELECT id, author_id, owner_id FROM books ORDER BY id", [(1, 1, 1), (2, 2, 1)]
    )
    assert "nothing to do" in steps.sync()


def columns(steps: Steps, table: str) -> list[dict[str, object]]:
    if steps.url.startswith("sqlite"):
        return fetch(steps.url, f"PRAGMA table_info({table})")
    return fetch(
        steps.url,
        f"SELECT column_name AS name FROM information_schema.columns WHERE table_name = '{table}'",
    )


# A class per database, so that pytest-xdist runs them side by side.
@pytest.mark.slow(seconds=60)
class TestOnSQLite:
    def test_owner_and_relation_changes_with_rows(
        self, project_factory: ProjectFactory, tmp_path: Path, run: Run
    ) -> None:
        project = project_factory(SPECS, "sqlite", BOOKSHOP_ROLES[1:])
        steps = Steps(project, f"sqlite+aiosqlite:///{tmp_path / 'app.db'}", run)
        owner_and_relation_changes(steps)


@pytest.mark.slow(seconds=60)
class TestOnPostgreSQL:
    def test_owner_and_relation_changes_with_rows(
        self, project_factory: ProjectFactory, postgres_databases: tuple[str, str], run: Run
    ) -> None:
        project = project_factory(SPECS, "postgresql", BOOKSHOP_ROLES[1:])
        owner_and_relation_changes(Steps(project, postgres_databases[0], run))
