"""One naming convention for the generated app's metadata and for the revisions fastgen writes.

A project with every kind of constraint (unique, index, foreign key, link table, enum, owner),
evolved by `add column`, is migrated into one database and built by `SQLModel.metadata.create_all`
(as its tests build theirs) into another, on SQLite and on the real PostgreSQL. The SQLAlchemy
inspector must see the same names in both; and `alembic revision --autogenerate` on the migrated
database must write a revision with nothing in it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.services import postgres_databases

pytestmark = pytest.mark.e2e

BIN = Path(sys.executable).parent

# Run inside the generated project: prints every table's constraint and index names (and the
# enum types on PostgreSQL) of the database at argv[1], after `create_all` there if argv[2] says so.
INSPECT = """
import asyncio, json, sys
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel import SQLModel
import app.models

def names(connection):
    found = inspect(connection)
    result = {}
    for table in sorted(found.get_table_names()):
        if table == "alembic_version":
            continue
        result[table] = {
            "pk": found.get_pk_constraint(table).get("name"),
            "unique": sorted(
                (u["name"], u["column_names"]) for u in found.get_unique_constraints(table)
            ),
            "indexes": sorted(
                (i["name"], i["column_names"], bool(i["unique"])) for i in found.get_indexes(table)
            ),
            "fks": sorted(
                (f["name"], f["constrained_columns"], f["referred_table"])
                for f in found.get_foreign_keys(table)
            ),
        }
    if connection.dialect.name == "postgresql":
        result["(enums)"] = sorted((e["name"], e["labels"]) for e in found.get_enums())
    return result

async def main():
    engine = create_async_engine(sys.argv[1])
    async with engine.begin() as connection:
        if sys.argv[2] == "create_all":
            await connection.run_sync(SQLModel.metadata.create_all)
        print(json.dumps(await connection.run_sync(names)))
    await engine.dispose()

asyncio.run(main())
"""


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with Author, Book, Tag and Review, then a unique and an indexed column added."""
    from typer.testing import CliRunner

    from fastgen.cli import app

    examples = Path(__file__).resolve().parent.parent.parent / "examples" / "bookshop"
    folder = tmp_path_factory.mktemp("names")
    runner = CliRunner()
    project = ["--project", str(folder / "shop")]
    specs = [str(examples / f"{name}.yaml") for name in ("author", "book", "tag", "review")]
    steps = [
        ["new", "shop", "-C", str(folder), "--role", "editor"],
        [*project, "add", "resource", *specs],
        [*project, "add", "column", "Author", "handle:str?", "--unique"],
        [*project, "add", "column", "Book", "stock:int", "--default", "0", "--index"],
    ]
    for step in steps:
        result = runner.invoke(app, step, catch_exceptions=False)
        assert result.exit_code == 0, result.output
    return folder / "shop"


def run_in(project: Path, *args: str, url: str) -> str:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "x" * 40,
        "PATH": f"{BIN}:{os.environ['PATH']}",
    }
    result = subprocess.run(
        args, cwd=project, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def schema_names(project: Path, url: str, how: str) -> dict[str, object]:
    return json.loads(run_in(project, sys.executable, "-c", INSPECT, url, how, url=url))


def assert_one_convention(project: Path, migrated: str, created: str) -> None:
    run_in(project, "alembic", "upgrade", "head", url=migrated)
    by_migrations = schema_names(project, migrated, "inspect")
    by_create_all = schema_names(project, created, "create_all")

    assert by_migrations == by_create_all
    books = by_migrations["books"]
    assert isinstance(books, dict)
    assert books["pk"] == "pk_books"
    assert ["uq_books_isbn", ["isbn"]] in books["unique"]
    assert ["fk_books_author_id_authors", ["author_id"], "authors"] in books["fks"]
    assert ["ix_books_stock", ["stock"], False] in books["indexes"]
    assert ["uq_authors_handle", ["handle"]] in by_migrations["authors"]["unique"]  # type: ignore[index]

    versions = project / "migrations" / "versions"
    before = set(versions.glob("*.py"))
    run_in(project, "alembic", "revision", "--autogenerate", "-m", "nothing", url=migrated)
    (written,) = set(versions.glob("*.py")) - before
    try:
        text = written.read_text()
        upgrade = text.split("def upgrade() -> None:", 1)[1].split("def downgrade", 1)[0]
        assert "op." not in upgrade, text
    finally:
        written.unlink()


def test_sqlite_migrated_and_create_all_databases_have_the_same_names(
    shop: Path, tmp_path: Path
) -> None:
    assert_one_convention(
        shop,
        f"sqlite+aiosqlite:///{tmp_path / 'migrated.db'}",
        f"sqlite+aiosqlite:///{tmp_path / 'created.db'}",
    )


@pytest.fixture
def postgres_pair() -> Iterator[list[str]]:
    with postgres_databases("migrated", "created") as urls:
        yield urls


def test_postgresql_migrated_and_create_all_databases_have_the_same_names(
    shop: Path, postgres_pair: list[str]
) -> None:
    assert_one_convention(shop, *postgres_pair)


def test_the_app_package_sets_fastgens_convention_before_any_table(shop: Path) -> None:
    """The convention is rendered from the constant the revisions are built with, into
    app/__init__.py: it runs before any module of the app declares a table."""
    from fastgen.render.columns import NAMING_CONVENTION

    text = (shop / "app" / "__init__.py").read_text()
    for key, pattern in NAMING_CONVENTION.items():
        assert f'    "{key}": "{pattern}",\n' in text
    assert "SQLModel.metadata.naming_convention = {" in text
