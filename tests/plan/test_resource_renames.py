"""Resources renamed with `renamed_from: OldName`: the plan, the state under the new names,
the revision (table, link tables, constraint, index and enum type names), and the checks."""

from __future__ import annotations

from pathlib import Path

import pytest

from fastgen.errors import SpecError, UsageError
from fastgen.plan import RenameResource, Safety, diff
from fastgen.plan.renames import renamed_state
from fastgen.render.schema_change import schema_change
from fastgen.spec.load import load_spec_text, load_specs
from fastgen.spec.model import ResourceSpec
from fastgen.state import ProjectState

ACCESS = (
    "access: {list: [public], read: [public], create: [public], update: [public], "
    "delete: [public]}\n"
)


def spec(text: str, others: tuple[str, ...] = ()) -> ResourceSpec:
    return load_spec_text("version: 1\n" + text + ACCESS, "specs/x.yaml", known_resources=others)


def state(*specs: ResourceSpec) -> ProjectState:
    result = ProjectState()
    for item in specs:
        result = result.with_resource(item)
    return result


AUTHOR = (
    "resource: Author\nfields:\n  name: {type: str, max_length: 80, index: true}\n"
    "  code: {type: str, max_length: 10, unique: true}\n  kind: {type: enum, values: [a, b]}\n"
)
WRITER = AUTHOR.replace("resource: Author", "resource: Writer\nrenamed_from: Author")
BOOK = (
    "resource: Book\nfields:\n  title: str\nrelations:\n  author: {belongs_to: %s}\n"
    "  tags: {many_to_many: %s}\n"
)
TAG = "resource: Tag\nfields:\n  label: str\n"
LABEL = "resource: Label\nrenamed_from: Tag\nfields:\n  label: str\n"


def before() -> ProjectState:
    return state(
        spec(AUTHOR),
        spec(TAG),
        spec(BOOK % ("Author", "Tag"), ("Author", "Tag")),
    )


def after() -> ProjectState:
    return state(
        spec(WRITER),
        spec(LABEL),
        spec(BOOK % ("Writer", "Label"), ("Writer", "Label")),
    )


def test_a_rename_is_one_safe_operation_with_its_tables() -> None:
    operations = diff(before(), after())
    assert [op.label() for op in operations] == [
        "~ rename resource Author -> Writer (table authors -> writers)",
        "~ rename resource Tag -> Label (table tags -> labels)",
    ]
    assert all(isinstance(op, RenameResource) for op in operations)
    assert all(op.safety is Safety.SAFE for op in operations)


def test_the_state_under_the_new_names_retargets_relations() -> None:
    old, new = before(), after()
    renamed = renamed_state(old, new, {"Author": "Writer", "Tag": "Label"})
    assert sorted(renamed.resources) == ["Book", "Label", "Writer"]
    assert renamed.resources["Writer"].table == "writers"
    assert renamed.resources["Writer"].path == "/writers"
    book = renamed.resources["Book"]
    assert [relation.target for relation in book.relations] == ["Writer", "Label"]
    assert renamed.resources["Book"] == new.resources["Book"]


def test_other_changes_of_the_renamed_resource_are_planned_after_it() -> None:
    new = after().with_resource(spec(WRITER + "  bio: text?\n"))
    labels = [op.label() for op in diff(before(), new)]
    assert labels[0].startswith("~ rename resource Author -> Writer")
    assert "+ field Writer.bio text?" in labels


def test_once_applied_the_declaration_is_inert() -> None:
    assert diff(after(), after()) == []


def test_the_revision_renames_tables_names_and_enum_types_and_goes_back() -> None:
    operations = diff(before(), after())
    change = schema_change(operations, before(), after())
    up, down = change.upgrade, change.downgrade
    assert 'op.rename_table("authors", "writers")' in up
    assert 'op.rename_table("tags", "labels")' in up
    assert "ALTER TYPE authorkind RENAME TO writerkind" in up
    assert "ALTER TABLE writers RENAME CONSTRAINT pk_authors TO pk_writers" in up
    assert "ALTER SEQUENCE IF EXISTS authors_id_seq RENAME TO writers_id_seq" in up
    assert "batch_op.drop_index(batch_op.f('ix_authors_name'))" in up
    assert "batch_op.f('ix_writers_name')" in up
    assert "batch_op.drop_constraint(batch_op.f('uq_authors_code'), type_='unique')" in up
    assert "batch_op.create_unique_constraint(batch_op.f('uq_writers_code'), ['code'])" in up
    # books keeps its name; its foreign key and its link table's target column follow
    assert "batch_op.drop_constraint(batch_op.f('fk_books_author_id_authors')" in up
    assert "batch_op.f('fk_books_author_id_writers'), 'writers'" in up
    assert "new_column_name='label_id'" in up
    assert "batch_op.f('ix_books_tags_label_id')" in up
    assert "batch_op.f('fk_books_tags_label_id_labels'), 'labels'" in up
    assert 'op.rename_table("writers", "authors")' in down
    assert "ALTER TYPE writerkind RENAME TO authorkind" in down
    assert "new_column_name='tag_id'" in down
    assert change.message == "rename authors to writers; rename tags to labels"


def test_a_rename_that_keeps_the_table_changes_only_class_derived_names() -> None:
    old = state(spec(AUTHOR.replace("fields:", "table: people\nfields:")))
    new = state(spec(WRITER.replace("fields:", "table: people\nfields:")))
    (operation,) = diff(old, new)
    assert operation.describe() == "~ rename resource Author -> Writer (table people)"
    change = schema_change([operation], old, new)
    assert "rename_table" not in change.upgrade
    assert "ALTER TYPE authorkind RENAME TO writerkind" in change.upgrade


def test_renamed_from_a_resource_the_state_does_not_have_is_an_addition() -> None:
    """`add resource` of a spec that says what it was called elsewhere (the loader refuses
    it when the specs are synced: see the tests of the loader below)."""
    new = before().with_resource(
        spec(WRITER.replace("renamed_from: Author", "renamed_from: Ghost"))
    )
    assert [op.describe() for op in diff(before(), new)] == [
        "+ resource Writer (table writers, 3 fields, path /writers)"
    ]


def test_renamed_from_a_resource_that_still_has_a_spec_is_refused() -> None:
    new = after().with_resource(spec(AUTHOR))
    with pytest.raises(UsageError, match="Author still has a spec"):
        diff(before(), new)


def _load(tmp_path: Path, files: dict[str, str], locked: tuple[str, ...] | None) -> SpecError:
    paths = []
    for name, text in files.items():
        path = tmp_path / name
        path.write_text("version: 1\n" + text + ACCESS)
        paths.append(path)
    with pytest.raises(SpecError) as caught:
        load_specs(paths, locked=locked)
    return caught.value


def test_the_loader_points_at_each_bad_renamed_from(tmp_path: Path) -> None:
    error = _load(tmp_path, {"writer.yaml": WRITER}, locked=("Book",))
    assert "writer.yaml:3:15: error: renamed_from: fastgen.lock has no resource 'Author'" in (
        error.render()
    )
    error = _load(tmp_path, {"writer.yaml": WRITER, "author.yaml": AUTHOR}, locked=("Author",))
    assert "resource 'Author' still has a spec" in error.render()
    itself = WRITER.replace("renamed_from: Author", "renamed_from: Writer")
    error = _load(tmp_path, {"writer.yaml": itself}, locked=None)
    assert "the old name is the resource's own name ('Writer')" in error.render()
    lower = WRITER.replace("renamed_from: Author", "renamed_from: author")
    error = _load(tmp_path, {"writer.yaml": lower}, locked=None)
    assert "the old name must be a PascalCase class name, got 'author'" in error.render()


def test_a_spec_that_still_targets_the_old_name_is_told_the_new_one(tmp_path: Path) -> None:
    files = {"writer.yaml": WRITER, "tag.yaml": TAG, "book.yaml": BOOK % ("Author", "Tag")}
    rendered = _load(tmp_path, files, locked=("Author", "Book", "Tag")).render()
    assert "book.yaml:6:24: error: relations.author.belongs_to: resource 'Author' is renamed " in (
        rendered
    )
    assert "hint: write 'belongs_to: Writer'" in rendered


def test_a_resource_whose_spec_is_gone_points_at_renamed_from() -> None:
    new = state(
        spec(AUTHOR.replace("Author", "Writer")),
        spec(TAG),
        spec(BOOK % ("Writer", "Tag"), ("Writer", "Tag")),
    )
    with pytest.raises(UsageError) as caught:
        diff(before(), new)
    assert "resource Author is in fastgen.lock but has no spec" in caught.value.message
    assert "add `renamed_from: Author` to the spec that has its new name" in (
        caught.value.hint or ""
    )
