"""End to end: resources renamed with `renamed_from`, on a project with rows, on SQLite and on
PostgreSQL.

The bookshop and the all-types gadget (the projects test_generated_project uses, generated once
per run) get a row in every table. Author (that Book belongs to), Tag (whose link table
tags_books becomes labels_books) and Gadget (two native enum types on PostgreSQL) are renamed
in one `fastgen sync`: after `alembic upgrade head` every row is there under the new names and
`alembic check` is clean; `alembic downgrade -1` gives the old tables back with their rows,
and `alembic upgrade head` renames them again (`alembic check` clean). That a second sync does
nothing and `fastgen check` is clean is tested in tests/cli/test_rename_resource.py; the
generated suite is not run here (test_generated_project runs it).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.test_generated_project import SPECS
from tests.e2e.test_removal_with_rows import SEED, Database
from tests.e2e.test_schema_evolution import execute, fetch
from tests.e2e.tools import BIN, ProjectFactory, run

pytestmark = pytest.mark.e2e

RENAMES = {"author.yaml": ("Author", "Writer"), "tag.yaml": ("Tag", "Label")}
GADGET = ("gadget.yaml", "Gadget", "Widget")
OLD_ROWS = {"authors": 1, "books": 1, "reviews": 1, "tags": 1, "tags_books": 1, "gadgets": 1}
NEW_ROWS = {"writers": 1, "books": 1, "reviews": 1, "labels": 1, "labels_books": 1, "widgets": 1}


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


def rename_and_undo(db: Database) -> None:
    project = db.project
    db.alembic("upgrade", "head")
    execute(db.url, SEED)
    specs = project / "specs"
    for file, (old, new) in [*RENAMES.items(), (GADGET[0], GADGET[1:])]:
        _edit(specs / file, f"\nresource: {old}\n", f"\nresource: {new}\nrenamed_from: {old}\n")
    _edit(specs / "book.yaml", "belongs_to: Author", "belongs_to: Writer")
    synced = run([str(BIN / "fastgen"), "sync"], project).stdout
    assert "~ rename resource Author -> Writer (table authors -> writers)" in synced

    db.alembic("upgrade", "head")
    assert {table: db.count(table) for table in NEW_ROWS} == NEW_ROWS
    assert not {"authors", "tags", "tags_books", "gadgets"} & db.tables()
    (row,) = fetch(
        db.url, "SELECT b.title, w.name FROM books b JOIN writers w ON w.id = b.author_id"
    )
    assert row == {"title": "Notes", "name": "Ada"}
    (link,) = fetch(db.url, "SELECT label_id, book_id FROM labels_books")
    assert link == {"label_id": 1, "book_id": 1}
    (gadget,) = fetch(db.url, "SELECT name, size FROM widgets")
    assert gadget == {"name": "Gizmo", "size": "large"}
    if db.postgres:
        assert {"widgetsize", "widgetgroup"} <= db.enum_types()
        assert not {"gadgetsize", "gadgetgroup"} & db.enum_types()
    db.check()

    db.alembic("downgrade", "-1")
    assert {table: db.count(table) for table in OLD_ROWS} == OLD_ROWS
    assert not {"writers", "labels", "labels_books", "widgets"} & db.tables()
    db.alembic("upgrade", "head")
    assert {table: db.count(table) for table in NEW_ROWS} == NEW_ROWS
    db.check()


# A class per database, so that pytest-xdist runs them side by side.
@pytest.mark.slow(seconds=30)
class TestOnSQLite:
    def test_rename_resources_with_rows_and_undo(
        self, project_factory: ProjectFactory, tmp_path: Path
    ) -> None:
        project = project_factory(SPECS, "sqlite", ["editor"])
        db = Database(project, f"sqlite+aiosqlite:///{tmp_path / 'app.db'}", postgres=False)
        rename_and_undo(db)


@pytest.mark.slow(seconds=30)
class TestOnPostgreSQL:
    def test_rename_resources_with_rows_and_undo(
        self,
        project_factory: ProjectFactory,
        postgres_databases: tuple[str, str],
        tmp_path: Path,
    ) -> None:
        project = project_factory(SPECS, "postgresql", ["editor"])
        rename_and_undo(Database(project, postgres_databases[0], postgres=True))
