"""End to end: `fastgen remove resource` on a project with rows, on SQLite and on PostgreSQL.

The bookshop and the all-types gadget (the projects test_generated_project uses, generated once
per run) get a row in every table. Tag (with its link table tags_books) and then Gadget (with
its two native enum types on PostgreSQL) are removed: after `alembic upgrade head` their tables
and types are gone, the other rows are intact and `alembic check` is clean. Then each removal is
undone by `alembic downgrade -1`: the tables come back empty, and `alembic check` run with the
code as it was before that removal finds them exactly as its models describe them; `alembic
upgrade head` drops them again. ruff runs on the code left, on SQLite; the generated suite and
mypy run after a removal in test_schema_evolution.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.e2e.test_generated_project import SPECS
from tests.e2e.test_schema_evolution import execute, fetch
from tests.e2e.tools import BIN, ProjectFactory, run

pytestmark = pytest.mark.e2e

NOW = "'2024-05-01 12:00:00'"
SEED = [
    "INSERT INTO authors (id, name, email, created_at, updated_at) "
    f"VALUES (1, 'Ada', 'ada@example.com', {NOW}, {NOW})",
    "INSERT INTO books (id, title, isbn, price, genre, author_id, created_at, updated_at) "
    f"VALUES (1, 'Notes', '978-3-16-148410-0', 12.50, 'science', 1, {NOW}, {NOW})",
    "INSERT INTO reviews (id, rating, book_id, created_at, updated_at) "
    f"VALUES (1, 5, 1, {NOW}, {NOW})",
    f"INSERT INTO tags (id, label, created_at, updated_at) VALUES (1, 'maths', {NOW}, {NOW})",
    "INSERT INTO tags_books (tag_id, book_id) VALUES (1, 1)",
    "INSERT INTO gadgets (id, name, code, quantity, weight_kg, price, in_stock, serial, size, "
    "secret_hash, created_at, updated_at) VALUES (1, 'Gizmo', 'ABC-1234', 3, 1.5, 9.99, TRUE, "
    f"'0f0e0d0c0b0a09080706050403020100', 'large', 'x', {NOW}, {NOW})",
]
KEPT = {"authors": 1, "books": 1, "reviews": 1}
REMOVED = {"Tag": ("tags", "tags_books"), "Gadget": ("gadgets",)}
ENUM_TYPES = {"gadgetsize", "gadgetgroup"}


class Database:
    def __init__(self, project: Path, url: str, postgres: bool) -> None:
        self.project, self.url, self.postgres = project, url, postgres

    def alembic(self, *args: str, project: Path | None = None) -> str:
        result = run(["alembic", *args], project or self.project, DATABASE_URL=self.url)
        return result.stdout + result.stderr

    def tables(self) -> set[str]:
        sql = (
            "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public'"
            if self.postgres
            else "SELECT name FROM sqlite_master WHERE type = 'table'"
        )
        return {row["name"] for row in fetch(self.url, sql)}

    def enum_types(self) -> set[str]:
        if not self.postgres:
            return set()
        return {row["typname"] for row in fetch(self.url, "SELECT typname FROM pg_type")}

    def count(self, table: str) -> int:
        return len(fetch(self.url, f"SELECT * FROM {table}"))

    def check(self, project: Path | None = None) -> None:
        assert "No new upgrade operations detected" in self.alembic("check", project=project)


def remove_and_undo(db: Database, tmp_path: Path) -> None:
    project = db.project
    db.alembic("upgrade", "head")
    execute(db.url, SEED)
    before: dict[str, Path] = {}  # the code as it was before each removal
    for name, tables in REMOVED.items():
        before[name] = Path(shutil.copytree(project, tmp_path / f"before-{name}"))
        fastgen = [str(BIN / "fastgen"), "remove", "resource", name, "--allow-destructive"]
        assert f"removed {name}" in run(fastgen, project).stdout
        db.alembic("upgrade", "head")
        assert not set(tables) & db.tables(), name
        assert {table: db.count(table) for table in KEPT} == KEPT, name
        db.check()
    if db.postgres:
        assert not ENUM_TYPES & db.enum_types()
    assert "nothing to do" in run([str(BIN / "fastgen"), "sync"], project).stdout

    for name, tables in reversed(REMOVED.items()):
        db.alembic("downgrade", "-1")
        assert {table: db.count(table) for table in tables} == dict.fromkeys(tables, 0), name
        assert {table: db.count(table) for table in KEPT} == KEPT, name
        db.check(before[name])  # exactly the tables its models describe
    if db.postgres:
        assert db.enum_types() >= ENUM_TYPES
    db.alembic("upgrade", "head")
    assert not {table for tables in REMOVED.values() for table in tables} & db.tables()
    if db.postgres:
        assert not ENUM_TYPES & db.enum_types()
    db.check()


# A class per database, so that pytest-xdist runs them side by side.
@pytest.mark.slow(seconds=60)
class TestOnSQLite:
    def test_remove_resources_with_rows_and_undo(
        self, project_factory: ProjectFactory, tmp_path: Path
    ) -> None:
        project = project_factory(SPECS, "sqlite", ["editor"])
        db = Database(project, f"sqlite+aiosqlite:///{tmp_path / 'app.db'}", postgres=False)
        remove_and_undo(db, tmp_path)
        for removed in ("tag", "gadget"):
            assert not (project / "app" / "models" / f"{removed}.py").exists()
        run(["ruff", "check", "."], project)
        run(["ruff", "format", "--check", "."], project)


@pytest.mark.slow(seconds=60)
class TestOnPostgreSQL:
    def test_remove_resources_with_rows_and_undo(
        self,
        project_factory: ProjectFactory,
        postgres_databases: tuple[str, str],
        tmp_path: Path,
    ) -> None:
        project = project_factory(SPECS, "postgresql", ["editor"])
        remove_and_undo(Database(project, postgres_databases[0], postgres=True), tmp_path)
