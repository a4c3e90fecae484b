"""`fastgen remove resource NAME` on a generated project: what it removes and writes, what it
refuses (exit 2: references, no terminal, not there), where it stops for hand edits (exit 3),
and that a refusal or a dry run writes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from fastgen.commands.evolve import Decisions
from fastgen.commands.remove_resource import remove_resource
from fastgen.errors import UsageError
from fastgen.project import find_project

if TYPE_CHECKING:
    from conftest import Run, Snapshot

TAG_FILES = [
    "specs/tag.yaml",
    "app/models/tag.py",
    "app/routers/tag.py",
    "tests/factories/tag.py",
    "tests/test_tag.py",
]


def versions(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "migrations" / "versions").glob("*.py"))


def test_a_resource_others_point_to_is_refused_with_each_reference(
    shop: Path, run: Run, snapshot: Snapshot
) -> None:
    before = snapshot(shop)
    result = run("--project", shop, "remove", "resource", "Book", "--allow-destructive")
    assert result.exit_code == 2, result.output
    assert "Book is still referenced by 2 relations; nothing was written" in result.output
    assert "specs/author.yaml:11:21: Author.books (has_many: Book)" in result.output
    assert "specs/tag.yaml:9:25: Tag.books (many_to_many: Book)" in result.output
    assert "remove those relations or point them elsewhere, run `fastgen sync`" in result.output
    assert "Traceback" not in result.output
    assert snapshot(shop) == before


def test_a_reference_removed_from_its_spec_but_not_synced_still_counts(
    bookshop: Path, run: Run, snapshot: Snapshot
) -> None:
    spec = bookshop / "specs" / "author.yaml"
    text = spec.read_text()
    spec.write_text(text.replace("  books: {has_many: Book, expand: true}", "  {}"))
    before = snapshot(bookshop)
    result = run("--project", bookshop, "remove", "resource", "Book", "--allow-destructive")
    assert result.exit_code == 2, result.output
    assert "fastgen.lock: Author.books (has_many: Book), no longer in its spec" in result.output
    assert snapshot(bookshop) == before


def test_without_a_terminal_it_needs_the_flag_then_removes_everything_once(
    shop: Path, run: Run, snapshot: Snapshot
) -> None:
    before = snapshot(shop)
    refused = run("--project", shop, "remove", "resource", "Tag")
    assert refused.exit_code == 2
    assert "- resource Tag (tables tags, tags_books, path /tags) (destructive)" in refused.output
    assert "--allow-destructive" in refused.output
    assert snapshot(shop) == before

    done = run("--project", shop, "remove", "resource", "Tag", "--allow-destructive")
    assert done.exit_code == 0, done.output
    for path in TAG_FILES:
        assert not (shop / path).exists(), path
        assert f"delete  {path}" in done.stdout
    main = (shop / "app" / "main.py").read_text()
    assert "tag" not in main and "app.include_router(book.router)" in main
    registry = (shop / "app" / "models" / "__init__.py").read_text()
    assert "tag" not in registry and "from app.models import book as book" in registry
    assert '"Tag"' not in (shop / "fastgen.lock").read_text()
    revision = (shop / "migrations" / "versions" / versions(shop)[-1]).read_text()
    assert versions(shop)[-1].endswith("_drop_tags_tags_books.py")
    upgrade, downgrade = revision.split("def downgrade() -> None:")
    assert 'op.drop_table("tags_books")' in upgrade and 'op.drop_table("tags")' in upgrade
    assert 'op.create_table(\n        "tags",' in downgrade and '"tags_books",' in downgrade
    assert "removed Tag (applied 1 change; migration migrations/versions/" in done.stdout
    assert run("--project", shop, "check").exit_code == 0

    after = snapshot(shop)
    again = run("--project", shop, "remove", "resource", "Tag", "--allow-destructive")
    assert again.exit_code == 2
    assert "no resource Tag in this project: nothing to remove" in again.output
    assert "resources: Author, Book" in again.output
    assert snapshot(shop) == after


def test_dry_run_shows_what_goes_and_the_revision_and_writes_nothing(
    shop: Path, run: Run, snapshot: Snapshot
) -> None:
    before = snapshot(shop)
    result = run("--project", shop, "remove", "resource", "Tag", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "- resource Tag (tables tags, tags_books, path /tags) (destructive)" in result.stdout
    for path in TAG_FILES:
        assert f"delete  {path}" in result.stdout
    assert "-from app.routers import tag\n" in result.stdout
    assert '+    op.drop_table("tags_books")\n' in result.stdout  # the revision it would write
    assert "dry run: nothing was written" in result.stdout
    assert snapshot(shop) == before
    assert run("--project", shop, "--dry-run", "remove", "resource", "Tag").exit_code == 0
    assert snapshot(shop) == before


def test_a_generated_file_edited_by_hand_is_a_conflict_unless_forced(
    shop: Path, run: Run, snapshot: Snapshot
) -> None:
    router = shop / "app" / "routers" / "tag.py"
    router.write_text(router.read_text() + "\n\n# hand-written: kept for the v2 API\n")
    before = snapshot(shop)
    result = run("--project", shop, "remove", "resource", "Tag", "--allow-destructive")
    assert result.exit_code == 3, result.output
    assert "1 file to delete was edited by hand; nothing was written" in result.output
    assert "app/routers/tag.py (as fastgen generates it)" in result.output
    assert "+# hand-written: kept for the v2 API" in result.output
    assert "--force" in result.output
    assert snapshot(shop) == before

    forced = run("--project", shop, "remove", "resource", "Tag", "--allow-destructive", "--force")
    assert forced.exit_code == 0, forced.output
    assert not router.exists()


def test_sync_after_deleting_a_spec_names_the_command_which_then_removes_it(
    shop: Path, run: Run
) -> None:
    (shop / "specs" / "tag.yaml").unlink()
    sync = run("--project", shop, "sync", "--allow-destructive")
    assert sync.exit_code == 2
    assert "resource Tag is in fastgen.lock but has no spec in specs/" in sync.output
    assert "run `fastgen remove resource Tag`" in sync.output
    assert "not supported" not in sync.output

    done = run("--project", shop, "remove", "resource", "Tag", "--allow-destructive")
    assert done.exit_code == 0, done.output
    assert "delete  specs/tag.yaml" not in done.stdout
    assert not (shop / "app" / "models" / "tag.py").exists()
    assert "nothing to do" in run("--project", shop, "sync").stdout


def test_a_person_who_answers_no_gets_nothing_written(shop: Path, snapshot: Snapshot) -> None:
    asked: list[object] = []

    def confirm(labels: object) -> bool:
        asked.append(labels)
        return False

    before = snapshot(shop)
    with pytest.raises(UsageError, match="not confirmed"):
        remove_resource(find_project(shop), "Tag", Decisions(confirm=confirm))
    assert asked == [["- resource Tag (tables tags, tags_books, path /tags) (destructive)"]]
    assert snapshot(shop) == before


def test_an_unknown_name_is_refused_with_a_suggestion(shop: Path, run: Run) -> None:
    result = run("--project", shop, "remove", "resource", "Tags", "--allow-destructive")
    assert result.exit_code == 2
    assert "no resource Tags in this project" in result.output
    assert "did you mean Tag?" in result.output
