"""`renamed_from: OldName` at the top of a spec, then `fastgen sync`: the resource's modules
move (hand edits kept), the code of resources that refer to it follows, a revision renames its
table, and afterwards the declaration is inert. Bad declarations are refused at their place."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import Run, Snapshot


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def rename(root: Path, spec: str, old: str, new: str) -> None:
    edit(root / "specs" / spec, f"\nresource: {old}\n", f"\nresource: {new}\nrenamed_from: {old}\n")


def test_a_rename_moves_the_modules_keeping_hand_edits_and_then_is_inert(
    shop: Path, run: Run
) -> None:
    router = shop / "app" / "routers" / "tag.py"
    edit(
        router,
        "    tag = Tag.model_validate(payload)\n",
        "    tag = Tag.model_validate(payload)\n    tag.label = tag.label.strip()  # trimmed\n",
    )
    with router.open("a", encoding="utf-8") as handle:
        handle.write("\n\ndef tags_named(tags: list[Tag], label: str) -> list[Tag]:\n")
        handle.write("    return [tag for tag in tags if tag.label == label]\n")
    rename(shop, "tag.yaml", "Tag", "Label")

    planned = run("--project", shop, "plan")
    assert planned.exit_code == 1, planned.output
    assert "~ rename resource Tag -> Label (table tags -> labels)" in planned.output

    result = run("--project", shop, "sync")
    assert result.exit_code == 0, result.output
    for old, new in [
        ("app/models/tag.py", "app/models/label.py"),
        ("app/routers/tag.py", "app/routers/label.py"),
        ("tests/factories/tag.py", "tests/factories/label.py"),
        ("tests/test_tag.py", "tests/test_label.py"),
        ("specs/tag.yaml", "specs/label.yaml"),
    ]:
        assert not (shop / old).exists(), old
        assert (shop / new).is_file(), new
    moved = (shop / "app" / "routers" / "label.py").read_text(encoding="utf-8")
    assert "    label = Label.model_validate(payload)\n" in moved
    assert "    label.label = label.label.strip()  # trimmed\n" in moved  # the hand edit, renamed
    assert "def tags_named(tags: list[Label], label: str) -> list[Label]:" in moved
    assert 'APIRouter(prefix="/labels"' in moved
    assert "Tag" not in moved.replace("tags_named", "")
    main = (shop / "app" / "main.py").read_text(encoding="utf-8")
    assert "from app.routers import label\n" in main and "app.include_router(label.router)" in main
    assert "from app.routers import tag\n" not in main
    registry = (shop / "app" / "models" / "__init__.py").read_text(encoding="utf-8")
    assert "from app.models import label as label\n" in registry
    assert "import tag as tag" not in registry
    (revision,) = (shop / "migrations" / "versions").glob("*_rename_tags_to_labels.py")
    text = revision.read_text(encoding="utf-8")
    assert 'op.rename_table("tags", "labels")' in text
    assert 'op.rename_table("tags_books", "labels_books")' in text
    lock = (shop / "fastgen.lock").read_text(encoding="utf-8")
    assert "resource Label\n" in lock and "resource Tag\n" not in lock

    again = run("--project", shop, "sync")
    assert again.exit_code == 0, again.output
    assert "nothing to do" in again.output
    checked = run("--project", shop, "check")
    assert checked.exit_code == 0, checked.output
    # the record has the moved modules as generated, without the hand edits
    bases = shop / ".fastgen" / "base"
    assert not (bases / "app/routers/tag.py.base").exists()
    base = (bases / "app/routers/label.py.base").read_text()
    assert "    label = Label.model_validate(payload)\n" in base
    assert "# trimmed" not in base and "tags_named" not in base
    upgraded = run("--project", shop, "upgrade")
    assert upgraded.exit_code == 0, upgraded.output
    assert "nothing to do" in upgraded.output


def test_renaming_a_referenced_resource_patches_the_code_that_refers_to_it(
    shop: Path, run: Run, snapshot: Snapshot
) -> None:
    rename(shop, "author.yaml", "Author", "Writer")
    before = snapshot(shop)
    refused = run("--project", shop, "sync")
    assert refused.exit_code == 2, refused.output
    assert (
        "specs/book.yaml:19:24: error: relations.author.belongs_to: resource 'Author' is renamed "
        "to 'Writer'" in refused.output
    )
    assert "hint: write 'belongs_to: Writer'" in refused.output
    assert "1 error in" in refused.output  # Writer's has_many is not reported as well
    assert "Traceback" not in refused.output
    assert snapshot(shop) == before

    edit(shop / "specs" / "book.yaml", "belongs_to: Author", "belongs_to: Writer")
    result = run("--project", shop, "sync")
    assert result.exit_code == 0, result.output
    router = (shop / "app" / "routers" / "book.py").read_text(encoding="utf-8")
    assert "from app.models.writer import Writer\n" in router
    assert "Author" not in router
    assert '_REFERENCES = (("author_id", Writer,' in router  # the column keeps its name
    factory = (shop / "tests" / "factories" / "book.py").read_text(encoding="utf-8")
    assert "from tests.factories.writer import" in factory
    (revision,) = (shop / "migrations" / "versions").glob("*_rename_authors_to_writers.py")
    assert "fk_books_author_id_writers" in revision.read_text(encoding="utf-8")
    checked = run("--project", shop, "check")
    assert checked.exit_code == 0, checked.output


@pytest.mark.parametrize(
    ("declared", "message"),
    [
        ("Ghost", "renamed_from: fastgen.lock has no resource 'Ghost' to rename"),
        ("Label", "renamed_from: the old name is the resource's own name ('Label')"),
        ("Book", "renamed_from: resource 'Book' still has a spec ("),
        ("tag", "renamed_from: the old name must be a PascalCase class name, got 'tag'"),
    ],
)
def test_a_bad_renamed_from_is_refused_at_its_place(
    shop: Path, run: Run, snapshot: Snapshot, declared: str, message: str
) -> None:
    edit(
        shop / "specs" / "tag.yaml",
        "\nresource: Tag\n",
        f"\nresource: Label\nrenamed_from: {declared}\n",
    )
    before = snapshot(shop)
    for command in ("sync", "plan"):
        result = run("--project", shop, command)
        assert result.exit_code == 2, result.output
        assert f"specs/tag.yaml:6:15: error: {message}" in result.output
        assert "Traceback" not in result.output
    assert snapshot(shop) == before


def test_a_file_in_the_way_of_a_moved_module_is_a_conflict(
    shop: Path, run: Run, snapshot: Snapshot
) -> None:
    rename(shop, "tag.yaml", "Tag", "Label")
    (shop / "app" / "routers" / "label.py").write_text("# mine\n", encoding="utf-8")
    before = snapshot(shop)
    result = run("--project", shop, "sync")
    assert result.exit_code == 3, result.output
    assert "app/routers/label.py" in result.output
    assert snapshot(shop) == before
