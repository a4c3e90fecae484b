"""The plan: which operations a spec change becomes, in what order, and how each is labelled."""

from __future__ import annotations

import ast
import textwrap

import pytest

from fastgen.commands.evolve import with_owner_default
from fastgen.errors import UsageError
from fastgen.plan import (
    AddField,
    AddOwner,
    AddResource,
    AlterField,
    ChangeResource,
    RemoveField,
    RemoveOwner,
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


def _owner_migration(before: ResourceSpec, after: ResourceSpec, email: str | None = None):  # type: ignore[no-untyped-def]
    old = ProjectState().with_resource(before)
    new = ProjectState().with_resource(after)
    operations = with_owner_default(diff(old, new), email)
    change = schema_change(operations, old, new)
    for body in (change.upgrade, change.downgrade):
        ast.parse(f"def f():\n{body}\n")
    return operations, change


def test_adding_owner_adds_a_nullable_owner_id_and_says_who_sees_the_rows() -> None:
    after = book(replace=_access(update="[owner, admin]"))
    assert plan(book(), after) == [
        "+ owner Book, column books.owner_id: rows that exist have no owner (only roles granted "
        "all rows see them; --owner-default EMAIL gives them to an account)",
        "~ resource Book: access.update [public] -> [owner, admin]",
    ]
    operations, change = _owner_migration(book(), after)
    assert isinstance(operations[0], AddOwner)
    assert operations[0].safety is Safety.SAFE
    assert change.message == "add books.owner_id"
    up = change.upgrade
    assert "batch_op.add_column(sa.Column('owner_id', sa.Integer(), nullable=True))" in up
    assert (
        "batch_op.create_foreign_key(batch_op.f('fk_books_owner_id_users'), 'users', "
        "['owner_id'], ['id'], ondelete='SET NULL')"
    ) in up
    assert (
        "batch_op.create_index(batch_op.f('ix_books_owner_id'), ['owner_id'], unique=False)" in up
    )
    assert "UPDATE" not in up
    down = change.downgrade
    assert down.index("drop_index(batch_op.f('ix_books_owner_id'))") < down.index(
        "drop_constraint(batch_op.f('fk_books_owner_id_users'), type_='foreignkey')"
    )
    assert "batch_op.drop_column('owner_id')" in down


def test_owner_default_gives_the_rows_that_exist_to_an_account() -> None:
    after = book(replace=_access(update="[owner, admin]"))
    operations, change = _owner_migration(book(), after, " Admin@Example.com")
    assert operations[0].label() == (
        "+ owner Book, column books.owner_id: rows that exist are given to Admin@Example.com"
    )
    up = change.upgrade
    assert "owner_email = 'admin@example.com'" in up
    assert '"UPDATE books SET owner_id = "' in up
    assert '"(SELECT id FROM users WHERE lower(email) = :email) "' in up
    assert "raise RuntimeError(" in up
    assert "'app.create_user admin@example.com), then run this again'" in up
    assert up.index("raise RuntimeError(") < up.index("add_column")
    assert up.index("create_foreign_key") < up.index("UPDATE books") < up.index("create_index")
    assert "UPDATE" not in change.downgrade


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("admin", "not an email address"),
        ("a'b@example.com", "not an email address"),
        ("admin@example.com", "no resource gains `owner` in this change"),
    ],
)
def test_owner_default_needs_an_address_and_an_owner_added(email: str, message: str) -> None:
    after = book(replace=_access(update="[admin]"))
    operations = diff(ProjectState().with_resource(book()), ProjectState().with_resource(after))
    with pytest.raises(UsageError, match=message):
        with_owner_default(operations, email)


def test_removing_the_last_owner_drops_owner_id_and_is_destructive() -> None:
    before = book(replace=_access(update="[owner]", delete="[owner, admin]"))
    after = book(replace=_access(update="[owner]", delete="[admin]"))
    assert plan(before, after) == [  # one `owner` is left
        "~ resource Book: access.delete [owner, admin] -> [admin]"
    ]
    assert plan(after, book()) == [
        "- owner Book, column books.owner_id (destructive)",
        "~ resource Book: access.update [owner] -> [public], access.delete [admin] -> [public]",
    ]
    operations, change = _owner_migration(after, book())
    assert isinstance(operations[0], RemoveOwner)
    assert change.message == "drop books.owner_id"
    up = change.upgrade
    assert up.index("drop_index(batch_op.f('ix_books_owner_id'))") < up.index(
        "drop_constraint(batch_op.f('fk_books_owner_id_users')"
    )
    assert up.index("drop_constraint") < up.index("batch_op.drop_column('owner_id')")
    assert "create_foreign_key(batch_op.f('fk_books_owner_id_users')" in change.downgrade


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
