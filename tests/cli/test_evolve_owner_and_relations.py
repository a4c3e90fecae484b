"""`fastgen sync` when `owner` joins or leaves a resource's access lists, and when a relation
changes what it is in the database (optional, on_delete, target, kind): the plan lines, the
refusals (exit 2, nothing written), the revision, a second run that changes nothing, `fastgen
check` clean, and code identical to what a resource created with the new spec gets."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import Run, Snapshot

CODE = (
    "app/models/author.py",
    "app/routers/author.py",
    "tests/test_author.py",
    "tests/factories/author.py",
    "app/models/book.py",
    "app/routers/book.py",
    "tests/test_book.py",
    "tests/factories/book.py",
)


def edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / "specs" / f"{name}.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text, (old, text)
    path.write_text(text.replace(old, new), encoding="utf-8")


def without_author_books(root: Path) -> None:
    """Author without its has_many Book (which needs Book's belongs_to Author back)."""
    edit(root, "author", "relations:\n  books: {has_many: Book, expand: true}", "relations: {}")


def latest_revision(root: Path) -> str:
    versions = sorted((root / "migrations" / "versions").glob("*.py"))
    return versions[-1].read_text(encoding="utf-8")


def settled(root: Path, run: Run) -> None:
    """A second sync changes nothing and `fastgen check` finds specs, code and migrations in
    agreement."""
    again = run("--project", root, "sync")
    assert again.exit_code == 0, again.output
    assert "nothing to do" in again.stdout
    check = run("--project", root, "check")
    assert check.exit_code == 0, check.output


def same_as_fresh(root: Path, run: Run, tmp_path: Path) -> None:
    """The code of the evolved project is what a project given these specs at once has."""
    fresh = tmp_path / "fresh"
    fresh.mkdir(parents=True)
    assert run("new", "bookshop", "-C", fresh, "--role", "editor").exit_code == 0
    specs = [root / "specs" / "author.yaml", root / "specs" / "book.yaml"]
    added = run("--project", fresh / "bookshop", "add", "resource", *specs)
    assert added.exit_code == 0, added.output
    for path in CODE:
        assert (root / path).read_text() == (fresh / "bookshop" / path).read_text(), path


# -- owner ---------------------------------------------------------------------------------------


def test_adding_owner_adds_owner_id_and_the_code_of_a_resource_made_with_it(
    bookshop: Path, run: Run, tmp_path: Path
) -> None:
    edit(bookshop, "author", "update: [editor, admin]", "update: [owner, editor, admin]")
    planned = run("--project", bookshop, "plan", "--json")
    assert planned.exit_code == 1, planned.output
    operations = json.loads(planned.stdout)["operations"]
    assert operations[0] == {
        "kind": "add_owner",
        "description": "+ owner Author, column authors.owner_id: rows that exist have no owner "
        "(only roles granted all rows see them; --owner-default EMAIL gives them to an account)",
        "safety": "safe",
    }
    result = run("--project", bookshop, "sync")
    assert result.exit_code == 0, result.output
    revision = latest_revision(bookshop)
    assert '"""add authors.owner_id' in revision
    assert 'batch_op.add_column(sa.Column("owner_id", sa.Integer(), nullable=True))' in revision
    assert 'ondelete="SET NULL"' in revision
    assert "UPDATE" not in revision
    model = (bookshop / "app" / "models" / "author.py").read_text()
    assert "owner_id: int | None" in model
    router = (bookshop / "app" / "routers" / "author.py").read_text()
    assert "author.owner_id == grant.user_id" in router
    settled(bookshop, run)
    same_as_fresh(bookshop, run, tmp_path)


def test_owner_default_fills_the_rows_that_exist(bookshop: Path, run: Run) -> None:
    edit(bookshop, "author", "update: [editor, admin]", "update: [owner, editor, admin]")
    planned = run("--project", bookshop, "plan", "--owner-default", "boss@example.com")
    assert planned.exit_code == 1, planned.output
    assert "rows that exist are given to boss@example.com" in planned.stdout
    result = run("--project", bookshop, "sync", "--owner-default", "Boss@Example.com")
    assert result.exit_code == 0, result.output
    assert "+ owner Author, column authors.owner_id: rows that exist are given to" in result.stdout
    revision = latest_revision(bookshop)
    assert 'owner_email = "boss@example.com"' in revision
    assert '"UPDATE authors SET owner_id = "' in revision
    assert revision.index("UPDATE authors") < revision.index("def downgrade")
    settled(bookshop, run)


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("nobody", "--owner-default 'nobody': not an email address"),
        ("boss@example.com", "--owner-default: no resource gains `owner` in this change"),
    ],
)
def test_owner_default_that_cannot_apply_is_refused(
    bookshop: Path, run: Run, snapshot: Snapshot, email: str, message: str
) -> None:
    if "@" not in email:
        edit(bookshop, "author", "update: [editor, admin]", "update: [owner, editor, admin]")
    else:
        edit(bookshop, "author", "update: [editor, admin]", "update: [admin]")
    before = snapshot(bookshop)
    result = run("--project", bookshop, "sync", "--owner-default", email)
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert snapshot(bookshop) == before


def test_removing_the_last_owner_is_destructive(
    bookshop: Path, run: Run, snapshot: Snapshot, tmp_path: Path
) -> None:
    edit(bookshop, "book", "update: [owner, admin]", "update: [editor, admin]")
    before = snapshot(bookshop)
    refused = run("--project", bookshop, "sync")
    assert refused.exit_code == 2
    assert "- owner Book, column books.owner_id (destructive)" in refused.output
    assert "--allow-destructive" in refused.output
    assert snapshot(bookshop) == before

    done = run("--project", bookshop, "sync", "--allow-destructive")
    assert done.exit_code == 0, done.output
    revision = latest_revision(bookshop)
    assert '"""drop books.owner_id' in revision
    upgrade = revision[: revision.index("def downgrade")]
    assert 'batch_op.drop_column("owner_id")' in upgrade
    assert "owner_id" not in (bookshop / "app" / "models" / "book.py").read_text()
    settled(bookshop, run)
    same_as_fresh(bookshop, run, tmp_path)


# -- relations -------------------------------------------------------------------------------


AUTHOR = "author: {belongs_to: Author, on_delete: cascade,"


def test_a_relation_made_optional_then_required_again(
    bookshop: Path, run: Run, snapshot: Snapshot, tmp_path: Path
) -> None:
    optional = "author: {belongs_to: Author, on_delete: set null, optional: true,"
    edit(bookshop, "book", AUTHOR, optional)
    result = run("--project", bookshop, "sync")
    assert result.exit_code == 0, result.output
    assert "~ relation Book.author: required -> optional, on_delete cascade -> set null\n" in (
        result.stdout
    )
    revision = latest_revision(bookshop)
    assert re.search(r'"""alter books\.author_id\n', revision)
    assert 'ondelete="SET NULL"' in revision and "nullable=True" in revision
    settled(bookshop, run)
    same_as_fresh(bookshop, run, tmp_path / "optional")

    edit(bookshop, "book", optional, AUTHOR)
    before = snapshot(bookshop)
    refused = run("--project", bookshop, "sync")
    assert refused.exit_code == 2
    assert (
        "~ relation Book.author: optional -> required, on_delete set null -> cascade "
        "(destructive)" in refused.output
    )
    assert snapshot(bookshop) == before
    done = run("--project", bookshop, "sync", "--allow-destructive")
    assert done.exit_code == 0, done.output
    revision = latest_revision(bookshop)
    upgrade = revision[: revision.index("def downgrade")]
    assert upgrade.index("WHERE author_id IS NULL") < upgrade.index("batch_op")
    assert "books.author_id: author is now required" in upgrade
    settled(bookshop, run)
    same_as_fresh(bookshop, run, tmp_path / "required")


def test_a_required_relation_to_another_target_is_refused(
    bookshop: Path, run: Run, snapshot: Snapshot
) -> None:
    line = "author: {belongs_to: Author, on_delete: cascade, expand: true, filterable: true}"
    edit(bookshop, "book", line, "author: {belongs_to: User, on_delete: cascade}")
    without_author_books(bookshop)
    before = snapshot(bookshop)
    result = run("--project", bookshop, "sync", "--allow-destructive")
    assert result.exit_code == 2
    assert "Book.author: a required relation, and the table may already hold rows" in (
        result.output
    )
    assert "`optional: true` first" in result.output
    assert snapshot(bookshop) == before


def test_a_new_target_rebuilds_the_column(bookshop: Path, run: Run, snapshot: Snapshot) -> None:
    line = "author: {belongs_to: Author, on_delete: cascade, expand: true, filterable: true}"
    edit(bookshop, "book", line, "author: {belongs_to: User, on_delete: cascade, optional: true}")
    without_author_books(bookshop)
    planned = run("--project", bookshop, "plan")
    assert planned.exit_code == 1
    assert (
        "~ relation Book.author: belongs_to Author on_delete cascade expand filterable, column "
        "author_id -> belongs_to User? on_delete cascade, column author_id (destructive)\n"
        in planned.stdout
    )
    before = snapshot(bookshop)
    assert run("--project", bookshop, "sync").exit_code == 2
    assert snapshot(bookshop) == before
    done = run("--project", bookshop, "sync", "--allow-destructive")
    assert done.exit_code == 0, done.output
    revision = latest_revision(bookshop)
    assert '"""drop books.author_id; add books.author_id' in revision
    assert 'batch_op.f("fk_books_author_id_users")' in revision
    settled(bookshop, run)


def test_belongs_to_becoming_many_to_many_drops_the_column_for_a_link_table(
    bookshop: Path, run: Run
) -> None:
    line = "author: {belongs_to: Author, on_delete: cascade, expand: true, filterable: true}"
    edit(bookshop, "book", line, "author: {many_to_many: Author}")
    planned = run("--project", bookshop, "plan")
    assert planned.exit_code == 2  # Author.books has_many Book needs Book's belongs_to back
    assert "Traceback" not in planned.output
    without_author_books(bookshop)
    result = run("--project", bookshop, "sync", "--allow-destructive")
    assert result.exit_code == 0, result.output
    assert (
        "~ relation Book.author: belongs_to Author on_delete cascade expand filterable, column "
        "author_id -> many_to_many Author, table books_author (destructive)\n" in result.stdout
    )
    revision = latest_revision(bookshop)
    assert '"""drop books.author_id; create books_author' in revision
    upgrade = revision[: revision.index("def downgrade")]
    assert upgrade.index('batch_op.drop_column("author_id")') < upgrade.index(
        'op.create_table(\n        "books_author"'
    )
    settled(bookshop, run)
