"""Relations added to and removed from resources that exist: the operations, their labels and
safety, what is refused, and what each contributes to the migration."""

from __future__ import annotations

import ast

import pytest

from fastgen.commands.evolve import _changed_resources, _require_defaults
from fastgen.errors import UsageError
from fastgen.plan import (
    AddField,
    AddRelation,
    AddResource,
    AlterRelation,
    ChangeResource,
    Operation,
    RemoveField,
    RemoveRelation,
    Safety,
    diff,
)
from fastgen.render.schema_change import SchemaChange, schema_change
from fastgen.spec.model import Access, FieldSpec, FieldType, OnDelete, RelationSpec, ResourceSpec
from fastgen.state import ProjectState

PUBLIC = Access(
    list=("public",), read=("public",), create=("public",), update=("public",), delete=("public",)
)
AUTHOR = RelationSpec(name="author", belongs_to="Author", optional=True, on_delete=OnDelete.CASCADE)
TAGS = RelationSpec(name="tags", many_to_many="Tag")
BOOKS = RelationSpec(name="books", has_many="Book")


def spec(name: str, table: str, *relations: RelationSpec, extra: str = "") -> ResourceSpec:
    fields = [FieldSpec(name="title", type=FieldType.STR, max_length=200)]
    if extra:
        fields.append(FieldSpec(name=extra, type=FieldType.INT, optional=True))
    return ResourceSpec(
        resource=name,
        table=table,
        path=f"/{table}",
        fields=tuple(fields),
        relations=relations,
        access=PUBLIC,
    )


def book(*relations: RelationSpec, extra: str = "") -> ResourceSpec:
    return spec("Book", "books", *relations, extra=extra)


def state(*specs: ResourceSpec) -> ProjectState:
    result = ProjectState()
    for item in specs:
        result = result.with_resource(item)
    return result


OTHERS = (spec("Author", "authors", BOOKS), spec("Tag", "tags"))


def operations(before: ResourceSpec, after: ResourceSpec) -> list[Operation]:
    return diff(state(*OTHERS, before), state(*OTHERS, after))


def labels(before: ResourceSpec, after: ResourceSpec) -> list[str]:
    return [op.label() for op in operations(before, after)]


def migration(before: ResourceSpec, after: ResourceSpec) -> SchemaChange:
    old, new = state(*OTHERS, before), state(*OTHERS, after)
    result = schema_change(diff(old, new), old, new)
    for body in (result.upgrade, result.downgrade):
        ast.parse(f"def f():\n{body}\n")
    return result


# -- operations, labels, safety ----------------------------------------------------------------


def test_added_optional_belongs_to_is_safe() -> None:
    found = operations(book(), book(AUTHOR))
    assert found == [AddRelation("Book", "books", AUTHOR)]
    assert found[0].safety is Safety.SAFE
    assert found[0].label() == (
        "+ relation Book.author belongs_to Author? on_delete cascade, column author_id"
    )


def test_added_relation_shows_its_options() -> None:
    author = AUTHOR.model_copy(update={"expand": True, "filterable": True})
    assert labels(book(), book(author)) == [
        "+ relation Book.author belongs_to Author? on_delete cascade expand filterable, "
        "column author_id"
    ]
    before = spec("Author", "authors")
    after = spec("Author", "authors", BOOKS.model_copy(update={"via": "author"}))
    assert [op.label() for op in diff(state(before), state(after))] == [
        "+ relation Author.books has_many Book via author, code only"
    ]


def test_added_required_belongs_to_needs_a_default_and_is_refused() -> None:
    required = RelationSpec(name="author", belongs_to="Author")
    (found,) = operations(book(), book(required))
    assert isinstance(found, AddRelation)
    assert found.safety is Safety.NEEDS_DEFAULT
    assert found.label() == (
        "+ relation Book.author belongs_to Author on_delete restrict, column author_id "
        "(needs-default)"
    )
    with pytest.raises(UsageError) as caught:
        _require_defaults([found])
    assert caught.value.message.startswith("Book.author: a required relation")
    assert caught.value.hint is not None
    assert caught.value.hint.startswith("make it `optional: true` first")


def test_added_many_to_many_and_has_many_are_safe() -> None:
    assert labels(book(), book(TAGS)) == ["+ relation Book.tags many_to_many Tag, table books_tags"]
    author = spec("Author", "authors")
    found = diff(state(author), state(spec("Author", "authors", BOOKS)))
    assert [op.label() for op in found] == ["+ relation Author.books has_many Book, code only"]


def test_removed_relations_with_data_are_destructive() -> None:
    assert labels(book(AUTHOR, TAGS), book()) == [
        "- relation Book.author belongs_to Author? on_delete cascade, column author_id "
        "(destructive)",
        "- relation Book.tags many_to_many Tag, table books_tags (destructive)",
    ]
    found = diff(state(spec("Author", "authors", BOOKS)), state(spec("Author", "authors")))
    assert found == [RemoveRelation("Author", "authors", BOOKS)]
    assert found[0].safety is Safety.SAFE


def test_relations_come_after_fields_and_before_code_only_changes() -> None:
    before = book(AUTHOR, extra="pages")
    after = book(TAGS, extra="stock").model_copy(update={"path": "/volumes"})
    assert [type(op) for op in operations(before, after)] == [
        AddField,
        RemoveField,
        AddRelation,
        RemoveRelation,
        ChangeResource,
    ]


def test_renaming_a_relation_is_a_removal_and_an_addition() -> None:
    renamed = AUTHOR.model_copy(update={"name": "writer"})
    assert [type(op) for op in operations(book(AUTHOR), book(renamed))] == [
        AddRelation,
        RemoveRelation,
    ]


# -- what is refused, what is code only --------------------------------------------------------


@pytest.mark.parametrize(
    ("update", "label", "safety"),
    [
        ({"optional": False}, "~ relation Book.author: optional -> required", Safety.DESTRUCTIVE),
        (
            {"on_delete": OnDelete.SET_NULL},
            "~ relation Book.author: on_delete cascade -> set null",
            Safety.SAFE,
        ),
        (
            {"belongs_to": "Tag"},
            "~ relation Book.author: belongs_to Author? on_delete cascade, column author_id -> "
            "belongs_to Tag? on_delete cascade, column author_id",
            Safety.DESTRUCTIVE,
        ),
        (
            {"belongs_to": None, "many_to_many": "Author", "on_delete": None, "optional": False},
            "~ relation Book.author: belongs_to Author? on_delete cascade, column author_id -> "
            "many_to_many Author, table books_author",
            Safety.DESTRUCTIVE,
        ),
        (
            {"belongs_to": "Tag", "optional": False},
            "~ relation Book.author: belongs_to Author? on_delete cascade, column author_id -> "
            "belongs_to Tag on_delete cascade, column author_id",
            Safety.NEEDS_DEFAULT,
        ),
    ],
)
def test_changing_what_a_relation_is_in_the_database_is_one_operation(
    update: dict[str, object], label: str, safety: Safety
) -> None:
    (found,) = operations(book(AUTHOR), book(AUTHOR.model_copy(update=update)))
    assert isinstance(found, AlterRelation)
    assert found.safety is safety
    assert found.label() == (label if safety is Safety.SAFE else f"{label} ({safety})")


def test_making_a_relation_optional_is_safe_and_shown_once() -> None:
    required = AUTHOR.model_copy(update={"optional": False, "expand": True})
    assert labels(book(required), book(AUTHOR)) == [
        "~ relation Book.author: required -> optional",
        "~ resource Book: relations.author -expand",
    ]


def test_a_required_relation_to_a_new_target_is_refused_with_a_hint() -> None:
    found = operations(
        book(AUTHOR), book(AUTHOR.model_copy(update={"belongs_to": "Tag", "optional": False}))
    )
    with pytest.raises(UsageError) as caught:
        _require_defaults(found)
    assert caught.value.message.startswith("Book.author: a required relation")
    assert caught.value.hint is not None
    assert "`optional: true` first" in caught.value.hint


def test_a_relation_made_required_checks_every_row_then_sets_not_null() -> None:
    change = migration(book(AUTHOR), book(AUTHOR.model_copy(update={"optional": False})))
    assert change.message == "alter books.author_id"
    up = change.upgrade
    assert 'missing = sa.text("SELECT 1 FROM books WHERE author_id IS NULL")' in up
    assert "'books.author_id: author is now required, and rows of books '" in up
    assert up.index("raise RuntimeError(") < up.index("batch_op.alter_column('author_id'")
    assert "existing_type=sa.Integer(),\n               nullable=False)" in up
    assert "add_column" not in up and "drop_column" not in up
    down = change.downgrade
    assert "existing_type=sa.Integer(),\n               nullable=True)" in down
    assert "RuntimeError" not in down


def test_a_relation_made_optional_and_back_are_each_others_reverse() -> None:
    required = AUTHOR.model_copy(update={"optional": False})
    there = migration(book(required), book(AUTHOR))
    back = migration(book(AUTHOR), book(required))
    assert there.upgrade == back.downgrade
    assert there.downgrade == back.upgrade


def test_a_new_on_delete_makes_the_foreign_key_again() -> None:
    change = migration(
        book(AUTHOR), book(AUTHOR.model_copy(update={"on_delete": OnDelete.SET_NULL}))
    )
    up = change.upgrade
    drop = "batch_op.drop_constraint(batch_op.f('fk_books_author_id_authors'), type_='foreignkey')"
    create = (
        "batch_op.create_foreign_key(batch_op.f('fk_books_author_id_authors'), 'authors', "
        "['author_id'], ['id'], ondelete='SET NULL')"
    )
    assert up.index(drop) < up.index(create)
    assert "drop_column" not in up and "index" not in up
    assert "ondelete='CASCADE'" in change.downgrade


def test_a_new_target_drops_the_column_and_adds_it_again_empty() -> None:
    change = migration(book(AUTHOR), book(AUTHOR.model_copy(update={"belongs_to": "Tag"})))
    assert change.message == "drop books.author_id; add books.author_id"
    up = change.upgrade
    order = [
        "drop_index(batch_op.f('ix_books_author_id'))",
        "drop_constraint(batch_op.f('fk_books_author_id_authors')",
        "drop_column('author_id')",
        "add_column(sa.Column('author_id', sa.Integer(), nullable=True))",
        "create_foreign_key(batch_op.f('fk_books_author_id_tags'), 'tags'",
        "create_index(batch_op.f('ix_books_author_id')",
    ]
    assert [up.index(step) for step in order] == sorted(up.index(step) for step in order)
    assert "create_foreign_key(batch_op.f('fk_books_author_id_authors'), 'authors'" in (
        change.downgrade
    )


def test_a_many_to_many_target_change_makes_its_link_table_again() -> None:
    change = migration(book(TAGS), book(TAGS.model_copy(update={"many_to_many": "Author"})))
    assert change.message == "drop books_tags; create books_tags"
    up = change.upgrade
    assert up.index("op.drop_table('books_tags')") < up.index("op.create_table('books_tags'")
    assert "sa.Column('author_id'" in up and "['authors.id']" in up
    down = change.downgrade
    assert down.index("op.drop_table('books_tags')") < down.index("op.create_table('books_tags'")
    assert "['tags.id']" in down


def test_belongs_to_becoming_many_to_many_drops_the_column_and_makes_the_link_table() -> None:
    linked = AUTHOR.model_copy(
        update={"belongs_to": None, "many_to_many": "Author", "on_delete": None, "optional": False}
    )
    change = migration(book(AUTHOR), book(linked))
    assert change.message == "drop books.author_id; create books_author"
    up = change.upgrade
    assert up.index("drop_column('author_id')") < up.index("op.create_table('books_author'")
    down = change.downgrade
    assert down.index("op.drop_table('books_author')") < down.index(
        "add_column(sa.Column('author_id'"
    )


def test_spelling_out_the_default_on_delete_is_code_only() -> None:
    implicit = RelationSpec(name="author", belongs_to="Author")
    explicit = implicit.model_copy(update={"on_delete": OnDelete.RESTRICT})
    assert labels(book(implicit), book(explicit)) == [
        "~ resource Book: relations.author.on_delete (none) -> restrict"
    ]
    assert migration(book(implicit), book(explicit)).is_empty


def test_reordering_relations_is_code_only() -> None:
    assert labels(book(AUTHOR, TAGS), book(TAGS, AUTHOR)) == [
        "~ resource Book: relations reordered"
    ]


@pytest.mark.parametrize(
    ("relation", "option", "value", "shown"),
    [
        (AUTHOR, "expand", True, "relations.author +expand"),
        (AUTHOR, "filterable", True, "relations.author +filterable"),
        (BOOKS, "via", "author", "relations.books.via (none) -> author"),
    ],
)
def test_options_only_the_api_uses_are_code_only(
    relation: RelationSpec, option: str, value: object, shown: str
) -> None:
    if option not in RelationSpec.model_fields:
        pytest.skip(f"RelationSpec has no {option!r} yet")
    changed = relation.model_copy(update={option: value})
    before = spec("Author", "authors", relation) if relation is BOOKS else book(relation)
    after = spec("Author", "authors", changed) if relation is BOOKS else book(changed)
    old = state(spec("Tag", "tags"), book(), spec("Author", "authors"), before)
    new = state(spec("Tag", "tags"), book(), spec("Author", "authors"), after)
    found = diff(old, new)
    assert [op.label() for op in found] == [f"~ resource {before.resource}: {shown}"]
    assert schema_change(found, old, new).is_empty


# -- what each operation contributes to the migration ------------------------------------------


def test_optional_belongs_to_adds_column_constraint_and_index_in_batch_mode() -> None:
    change = migration(book(), book(AUTHOR))
    assert change.message == "add books.author_id"
    up = change.upgrade
    assert "with op.batch_alter_table('books', schema=None) as batch_op:" in up
    add = "batch_op.add_column(sa.Column('author_id', sa.Integer(), nullable=True))"
    fk = (
        "batch_op.create_foreign_key(batch_op.f('fk_books_author_id_authors'), 'authors', "
        "['author_id'], ['id'], ondelete='CASCADE')"
    )
    index = "batch_op.create_index(batch_op.f('ix_books_author_id'), ['author_id'], unique=False)"
    assert up.index(add) < up.index(fk) < up.index(index)
    down = change.downgrade
    drops = [
        "batch_op.drop_index(batch_op.f('ix_books_author_id'))",
        "batch_op.drop_constraint(batch_op.f('fk_books_author_id_authors'), type_='foreignkey')",
        "batch_op.drop_column('author_id')",
    ]
    assert [down.index(line) for line in drops] == sorted(down.index(line) for line in drops)


def test_removed_belongs_to_is_dropped_and_comes_back_on_the_way_down() -> None:
    change = migration(book(AUTHOR), book())
    assert change.message == "drop books.author_id"
    assert "batch_op.drop_constraint(batch_op.f('fk_books_author_id_authors')" in change.upgrade
    assert "batch_op.drop_column('author_id')" in change.upgrade
    assert "batch_op.create_foreign_key(" in change.downgrade
    assert "nullable=False" not in change.downgrade


def test_removed_required_belongs_to_comes_back_not_null_only_for_an_empty_table() -> None:
    required = RelationSpec(name="author", belongs_to="Author", on_delete=OnDelete.CASCADE)
    down = migration(book(required), book()).downgrade
    add = "batch_op.add_column(sa.Column('author_id', sa.Integer(), nullable=True))"
    assert "# books.author_id: required, and the rows that exist have nothing to point to" in down
    assert down.index(add) < down.index("nullable=False")


def test_many_to_many_added_and_removed_creates_and_drops_the_link_table() -> None:
    added = migration(book(), book(TAGS))
    assert added.message == "create books_tags"
    assert added.upgrade.startswith("    op.create_table('books_tags',")
    assert "op.create_index(op.f('ix_books_tags_tag_id'), 'books_tags'" in added.upgrade
    assert added.downgrade.endswith("    op.drop_table('books_tags')")
    removed = migration(book(TAGS), book())
    assert removed.message == "drop books_tags"
    assert (removed.upgrade, removed.downgrade) == (added.downgrade, added.upgrade)


def test_has_many_is_code_only() -> None:
    old, new = state(spec("Author", "authors")), state(spec("Author", "authors", BOOKS))
    assert schema_change(diff(old, new), old, new).is_empty
    assert schema_change(diff(new, old), new, old).is_empty


def test_a_relation_to_a_new_resource_comes_after_its_table() -> None:
    old = state(book())
    publisher = RelationSpec(name="publisher", belongs_to="Publisher", optional=True)
    new = state(book(publisher), spec("Publisher", "publishers"))
    found = diff(old, new)
    assert [type(op) for op in found] == [AddResource, AddRelation]
    up = schema_change(found, old, new).upgrade
    assert up.index("op.create_table('publishers'") < up.index("create_foreign_key")


def test_fields_and_relations_of_one_table_change_in_one_pass() -> None:
    change = migration(book(extra="pages"), book(AUTHOR, extra="stock"))
    assert change.message == "add books.stock; drop books.pages; add books.author_id"
    up = change.upgrade
    assert up.index("drop_column('pages')") < up.index("add_column(sa.Column('stock'")
    assert up.index("add_column(sa.Column('stock'") < up.index("add_column(sa.Column('author_id'")


def test_a_field_replaced_by_a_relation_column_gets_its_index_again() -> None:
    column = FieldSpec(name="author_id", type=FieldType.INT, optional=True, index=True)
    before = book().model_copy(update={"fields": (*book().fields, column)})
    assert labels(before, book(AUTHOR)) == [
        "- field Book.author_id (destructive)",
        "+ relation Book.author belongs_to Author? on_delete cascade, column author_id",
    ]
    up = migration(before, book(AUTHOR)).upgrade
    drop = "batch_op.drop_index(batch_op.f('ix_books_author_id'))"
    create = "batch_op.create_index(batch_op.f('ix_books_author_id')"
    assert up.index(drop) < up.index("drop_column('author_id')") < up.index(create)


# -- evolve: which resources get their code rendered again ------------------------------------


def test_relation_changes_render_the_owner_and_the_target_again() -> None:
    old, new = state(*OTHERS, book()), state(*OTHERS, book(AUTHOR, TAGS))
    assert _changed_resources(diff(old, new), old, new) == ["Book", "Author", "Tag"]
    publisher = RelationSpec(name="publisher", belongs_to="Publisher", optional=True)
    grown = state(*OTHERS, book(publisher), spec("Publisher", "publishers"))
    assert _changed_resources(diff(old, grown), old, grown) == ["Book"]  # Publisher is new
    owned = RelationSpec(name="owner_account", belongs_to="User", optional=True)
    users = state(*OTHERS, book(owned))
    assert _changed_resources(diff(old, users), old, users) == ["Book"]  # User is built in
