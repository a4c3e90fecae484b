"""The plan: which operations a spec change becomes, in what order, and how each is labelled."""

from __future__ import annotations

import textwrap

import pytest

from fastgen.errors import UsageError
from fastgen.plan import (
    AddField,
    AddResource,
    AlterField,
    ChangeResource,
    RemoveField,
    RenameField,
    Safety,
    diff,
)
from fastgen.render.schema_change import schema_change
from fastgen.spec.load import load_spec_text
from fastgen.spec.model import ResourceSpec
from fastgen.state import ProjectState

BOOK = """\
version: 1
resource: Book
fields:
  title: {type: str, max_length: 200}
  pages: {type: int, optional: true}
  genre: {type: enum, values: [fiction, science]}
  summary: text?
access: {list: [public], read: [public], create: [public], update: [public], delete: [public]}
"""


def book(
    fields: str = "", *, replace: dict[str, str] | None = None, drop: str = ""
) -> ResourceSpec:
    text = BOOK
    for old, new in (replace or {}).items():
        assert old in text
        text = text.replace(old, new)
    if drop:
        text = "\n".join(line for line in text.splitlines() if not line.startswith(f"  {drop}:"))
    if fields:
        text = text.replace("access:", textwrap.indent(fields, "  ") + "access:")
    return load_spec_text(text, "specs/book.yaml")


def plan(before: ResourceSpec, after: ResourceSpec) -> list[str]:
    old = ProjectState().with_resource(before)
    new = ProjectState().with_resource(after)
    return [op.label() for op in diff(old, new)]


def test_new_resource_is_one_add_resource() -> None:
    operations = diff(ProjectState(), ProjectState().with_resource(book()))
    assert [type(op) for op in operations] == [AddResource]
    assert operations[0].describe() == "+ resource Book (table books, 4 fields, path /books)"


def test_same_spec_plans_nothing() -> None:
    assert plan(book(), book()) == []


def test_added_field_with_default_is_safe() -> None:
    assert plan(book(), book("stock: {type: int, default: 0, index: true}\n")) == [
        "+ field Book.stock int default 0 index"
    ]


def test_added_optional_field_is_safe() -> None:
    assert plan(book(), book("note: str?\n")) == ["+ field Book.note str?"]


@pytest.mark.parametrize(
    ("field", "label"),
    [
        (
            "room: {type: str, optional: true, max_length: 10, unique: true}",
            "+ field Book.room str? max_length 10 unique",
        ),
        (
            r'code: {type: str, min_length: 2, max_length: 8, pattern: "^[A-Z]+\\d$", '
            "default: AB1, index: true, sortable: true, filterable: true, example: XY9}",
            r"+ field Book.code str min_length 2 max_length 8 pattern '^[A-Z]+\d$' "
            "default 'AB1' index sortable filterable example 'XY9'",
        ),
        (
            "price: {type: decimal, max_digits: 8, decimal_places: 2, ge: 0, lt: 1000, "
            "optional: true}",
            "+ field Book.price decimal? ge 0 lt 1000 max_digits 8 decimal_places 2",
        ),
        (
            "weight: {type: float, gt: 0.5, le: 99.5, optional: true, read_only: true}",
            "+ field Book.weight float? gt 0.5 le 99.5 read_only",
        ),
        (
            "format: {type: enum, values: [paper, ebook], default: paper, write_only: true}",
            "+ field Book.format enum values [paper, ebook] default 'paper' write_only",
        ),
    ],
)
def test_added_field_shows_every_option_the_spec_gives(field: str, label: str) -> None:
    assert plan(book(), book(field + "\n")) == [label]


def test_added_required_field_without_default_needs_one() -> None:
    operations = diff(
        ProjectState().with_resource(book()),
        ProjectState().with_resource(book("stock: int\n")),
    )
    assert isinstance(operations[0], AddField)
    assert operations[0].safety is Safety.NEEDS_DEFAULT
    assert operations[0].label() == "+ field Book.stock int (needs-default)"


def test_removed_field_is_destructive() -> None:
    assert plan(book(), book(drop="summary")) == ["- field Book.summary (destructive)"]


def test_rename_is_a_rename_not_a_drop_and_add() -> None:
    after = book(
        replace={"summary: text?": "abstract: {type: text, optional: true, renamed_from: summary}"}
    )
    operations = diff(ProjectState().with_resource(book()), ProjectState().with_resource(after))
    assert [type(op) for op in operations] == [RenameField]
    assert operations[0].describe() == "~ field Book.summary renamed to Book.abstract"


def test_rename_with_a_change_is_a_rename_then_an_alter() -> None:
    after = book(
        replace={
            "title: {type: str, max_length: 200}": "heading: {type: str, "
            "max_length: 300, renamed_from: title}"
        }
    )
    assert plan(book(), after) == [
        "~ field Book.title renamed to Book.heading",
        "~ field Book.heading: max_length 200 -> 300",
    ]


def test_applied_rename_is_inert() -> None:
    after = book(
        replace={"summary: text?": "abstract: {type: text, optional: true, renamed_from: summary}"}
    )
    assert plan(after, after) == []


def test_rename_from_a_missing_field_is_refused() -> None:
    after = book("note: {type: str, optional: true, renamed_from: nope}\n")
    with pytest.raises(UsageError, match="renamed_from 'nope'"):
        plan(book(), after)


@pytest.mark.parametrize(
    ("old", "new", "label"),
    [
        (
            "title: {type: str, max_length: 200}",
            "title: {type: str, max_length: 100}",
            "~ field Book.title: max_length 200 -> 100 (destructive)",
        ),
        (
            "title: {type: str, max_length: 200}",
            "title: {type: text}",
            "~ field Book.title: type str -> text, max_length 200 -> 100000",
        ),
        (
            "pages: {type: int, optional: true}",
            "pages: {type: int, default: 1}",
            "~ field Book.pages: optional -> required, default (none) -> 1",
        ),
        (
            "pages: {type: int, optional: true}",
            "pages: {type: int}",
            "~ field Book.pages: optional -> required (needs-default)",
        ),
        (
            "title: {type: str, max_length: 200}",
            "title: {type: str, max_length: 200, optional: true}",
            "~ field Book.title: required -> optional",
        ),
        (
            "title: {type: str, max_length: 200}",
            "title: {type: str, max_length: 200, unique: true, index: true}",
            "~ field Book.title: +unique, +index",
        ),
        (
            "genre: {type: enum, values: [fiction, science]}",
            "genre: {type: enum, values: [fiction, science, poetry]}",
            "~ field Book.genre: values +poetry",
        ),
        (
            "genre: {type: enum, values: [fiction, science]}",
            "genre: {type: enum, values: [fiction]}",
            "~ field Book.genre: values -science (destructive)",
        ),
        (
            "pages: {type: int, optional: true}",
            "pages: {type: int, optional: true, ge: 1, le: 5000}",
            "~ field Book.pages: ge (none) -> 1, le (none) -> 5000",
        ),
        (
            "pages: {type: int, optional: true}",
            "pages: {type: str, optional: true}",
            "~ field Book.pages: type int -> str (destructive)",
        ),
        (
            "title: {type: str, max_length: 200}",
            'title: {type: str, max_length: 200, pattern: "^[A-Z]", sortable: true}',
            "~ field Book.title: pattern (none) -> '^[A-Z]', +sortable",
        ),
        (
            "pages: {type: int, optional: true}",
            "pages: {type: int, optional: true, read_only: true, description: Page count}",
            "~ field Book.pages: +read_only, description (none) -> 'Page count'",
        ),
    ],
)
def test_field_changes_are_described_and_labelled(old: str, new: str, label: str) -> None:
    assert plan(book(), book(replace={old: new})) == [label]


def test_access_change_is_a_code_only_resource_change() -> None:
    after = book(replace={"delete: [public]": "delete: [admin]"})
    operations = diff(ProjectState().with_resource(book()), ProjectState().with_resource(after))
    assert [type(op) for op in operations] == [ChangeResource]
    assert operations[0].describe() == "~ resource Book: access.delete [public] -> [admin]"


def test_operations_follow_field_order_renames_first() -> None:
    after = book(
        "stock: {type: int, default: 0}\n",
        replace={
            "summary: text?": "abstract: {type: text, optional: true, renamed_from: summary}",
            "pages: {type: int, optional: true}": "pages: {type: int, optional: true, ge: 1}",
        },
        drop="genre",
    )
    kinds = [
        type(op)
        for op in diff(ProjectState().with_resource(book()), ProjectState().with_resource(after))
    ]
    assert kinds == [RenameField, AlterField, AddField, RemoveField]


def test_removing_a_resource_spec_is_refused() -> None:
    with pytest.raises(UsageError, match=r"Book is in fastgen\.lock but has no spec"):
        diff(ProjectState().with_resource(book()), ProjectState())


def _access(**subjects: str) -> dict[str, str]:
    """Replacements for `book()` that change the access of some operations."""
    return {f"{operation}: [public]": f"{operation}: {who}" for operation, who in subjects.items()}


def test_adding_owner_to_an_existing_resource_is_refused() -> None:
    after = book(replace=_access(update="[owner, admin]"))
    with pytest.raises(UsageError) as caught:
        diff(ProjectState().with_resource(book()), ProjectState().with_resource(after))
    assert caught.value.message == (
        "Book: `owner` in access needs an owner_id column that table books does not have; "
        "adding it to an existing resource is not supported yet"
    )
    assert caught.value.hint is not None
    assert caught.value.hint.startswith("restore the access lists recorded in fastgen.lock")


def test_removing_the_last_owner_is_refused() -> None:
    before = book(replace=_access(update="[owner]", delete="[owner, admin]"))
    after = book(replace=_access(update="[owner]", delete="[admin]"))
    assert plan(before, after) == [  # one `owner` is left
        "~ resource Book: access.delete [owner, admin] -> [admin]"
    ]
    with pytest.raises(UsageError, match=r"^Book: no access list names `owner` any more") as caught:
        diff(ProjectState().with_resource(after), ProjectState().with_resource(book()))
    assert "owner_id column of table books" in caught.value.message
    assert caught.value.hint is not None
    assert "keep `owner` in at least one operation" in caught.value.hint


def test_access_changes_that_keep_owner_are_plain_resource_changes() -> None:
    before = book(replace=_access(read="[owner]"))
    after = book(replace=_access(read="[authenticated]", update="[owner]", delete="[owner, admin]"))
    assert plan(before, after) == [
        "~ resource Book: access.read [owner] -> [authenticated], "
        "access.update [public] -> [owner], access.delete [public] -> [owner, admin]"
    ]


def test_a_new_resource_may_use_owner() -> None:
    spec = book(replace=_access(update="[owner]"))
    operations = diff(ProjectState(), ProjectState().with_resource(spec))
    assert [type(op) for op in operations] == [AddResource]


def test_belongs_to_the_built_in_user_resolves_to_the_users_table() -> None:
    note = load_spec_text(
        "version: 1\nresource: Note\nfields:\n  text: str\n"
        "relations:\n  writer: {belongs_to: User, on_delete: cascade}\n",
        "specs/note.yaml",
    )
    state = ProjectState().with_resource(note)
    assert state.tables() == {"User": "users", "Note": "notes"}
    operations = diff(ProjectState(), state)
    assert [type(op) for op in operations] == [AddResource]
    upgrade = schema_change(operations, ProjectState(), state).upgrade
    assert "sa.ForeignKeyConstraint(['writer_id'], ['users.id']" in upgrade
