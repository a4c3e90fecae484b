"""New tables are written without SQLAlchemy or Alembic (`fastgen.render.create_table`): the text
is exactly what Alembic's renderer writes for the SQLAlchemy tables the specs make."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa
from spec_worlds import WORLDS, load_world

from fastgen.render import create_table, migration
from fastgen.render.added_columns import MissingDefault, added_columns_code
from fastgen.render.alter import TableChange, alter_table_code
from fastgen.render.columns import NAMING_CONVENTION, build_link_table, build_tables
from fastgen.spec.model import Access, FieldSpec, FieldType, RelationSpec, ResourceSpec
from fastgen.state import ProjectState

OWNED = Access(
    list=("public",), read=("public",), create=("owner",), update=("owner",), delete=("admin",)
)


def _by_alembic(resources: list[ResourceSpec], tables: dict[str, str]) -> tuple[str, str]:
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    return migration.create_tables_code(build_tables(resources, metadata, tables))


def _by_fastgen(resources: list[ResourceSpec], tables: dict[str, str]) -> tuple[str, str]:
    return create_table.create_tables_code(create_table.resource_tables(resources, tables))


def _tables(resources: list[ResourceSpec]) -> dict[str, str]:
    state = ProjectState()
    for spec in resources:
        state = state.with_resource(spec)
    return dict(state.tables())


@pytest.mark.parametrize("name", sorted(WORLDS))
def test_every_world_renders_as_alembic_does(name: str, tmp_path: Path) -> None:
    """Every field type and option, every relation shape and long names: each resource alone,
    all of them at once, and each many_to_many link table alone (a relation added later)."""
    specs = load_world(WORLDS[name](), tmp_path)
    tables = _tables(specs)
    assert _by_fastgen(specs, tables) == _by_alembic(specs, tables)
    for spec in specs:
        assert _by_fastgen([spec], tables) == _by_alembic([spec], tables), spec.resource
        for relation in create_table.link_relations(spec):
            metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
            alembic = migration.create_tables_code(
                [build_link_table(spec, relation, metadata, tables)]
            )
            ours = create_table.create_tables_code(
                [create_table.link_table(spec, relation, tables)]
            )
            assert ours == alembic, (spec.resource, relation.name)


def test_values_that_need_quoting_owners_and_very_wide_tables() -> None:
    """Enum values with quotes, backslashes and accents; a table whose owner is recorded; and
    one with more columns than a Python call may have arguments (Alembic writes `*[...]`)."""
    tricky = FieldSpec(
        name="mood", type=FieldType.ENUM, values=("it's", 'say "hi"', "back\\slash", "été")
    )
    wide = tuple(
        FieldSpec(name=f"f{i}", type=FieldType.INT, optional=i % 2 == 0, unique=i % 7 == 0)
        for i in range(260)
    )
    parent = RelationSpec(name="parent", belongs_to="Note", optional=True)
    note = ResourceSpec(
        resource="Note",
        table="notes",
        path="/notes",
        fields=(tricky, FieldSpec(name="code", type=FieldType.STR, unique=True, index=True)),
        relations=(parent,),
        access=OWNED,
    )
    big = ResourceSpec(resource="Big", table="bigs", path="/bigs", fields=wide, access=OWNED)
    tables = {"Note": "notes", "Big": "bigs", "User": "users"}
    up, down = _by_fastgen([note, big], tables)
    assert (up, down) == _by_alembic([note, big], tables)
    assert "*[sa.Column('id'" in up
    assert "\"it's\", 'say \"hi\"', 'back\\\\slash', 'été'" in up
    assert down.endswith('    sa.Enum(name="notemood").drop(op.get_bind(), checkfirst=True)')


def _alter_both_ways(
    before: ResourceSpec, after: ResourceSpec, tables: dict[str, str], *, fill_missing: bool
) -> tuple[object, object]:
    """(ours, Alembic's) for the change `before` -> `after`: the code, or the exception's type
    and message."""

    def outcome(render: Callable[[], object]) -> object:
        try:
            return render()
        except MissingDefault as error:
            return ("MissingDefault", str(error))

    ours = outcome(lambda: added_columns_code(before, after, {}, fill_missing=fill_missing))
    change = TableChange(before, after, {})
    alembic = outcome(lambda: alter_table_code(change, tables, tables, fill_missing=fill_missing))
    return ours, alembic


@pytest.mark.parametrize("fill_missing", [False, True])
def test_fields_added_or_removed_render_as_alter_table_code_does(
    fill_missing: bool, tmp_path: Path
) -> None:
    """Every field type and option of the fields world added to a table, and removed from it:
    one at a time to a table that has other fields, and all of them at once."""
    specs = load_world(WORLDS["fields"](), tmp_path)
    tables = {**_tables(specs)}
    fields = [
        spec.fields[0].model_copy(update={"name": f"{spec.fields[0].name}_{i}"})
        for i, spec in enumerate(specs)
    ]
    host = specs[0].model_copy(update={"fields": (fields[0],)})
    cases = [(host, host.model_copy(update={"fields": (fields[0], field)})) for field in fields[1:]]
    cases.append((host, host.model_copy(update={"fields": tuple(fields)})))
    compared = 0
    for before, after in cases:
        for old, new in ((before, after), (after, before)):
            ours, alembic = _alter_both_ways(old, new, tables, fill_missing=fill_missing)
            assert ours == alembic, [f.name for f in new.fields if f not in old.fields]
            compared += 1
    assert compared == 2 * len(fields)


def test_other_changes_are_left_to_alter_table_code() -> None:
    """A field changed, or fields added and removed at once: not written here."""
    code = FieldSpec(name="code", type=FieldType.STR, optional=True)
    note = ResourceSpec(resource="Note", table="notes", path="/notes", fields=(code,), access=OWNED)
    longer = note.model_copy(update={"fields": (code.model_copy(update={"max_length": 9}),)})
    swapped = note.model_copy(update={"fields": (code.model_copy(update={"name": "other"}),)})
    assert added_columns_code(note, longer, {}, fill_missing=False) is None
    assert added_columns_code(note, swapped, {}, fill_missing=False) is None
    assert added_columns_code(note, swapped, {"code": "other"}, fill_missing=False) is None
    assert added_columns_code(note, note, {}, fill_missing=False) == []


def test_a_changed_foreign_key_is_left_to_alter_table_code() -> None:
    """A belongs_to made required, given another on_delete or target keeps its name: the
    relation as a whole decides."""
    code = FieldSpec(name="code", type=FieldType.STR, optional=True)
    parent = RelationSpec(name="parent", belongs_to="Note", optional=True)
    note = ResourceSpec(
        resource="Note",
        table="notes",
        path="/notes",
        fields=(code,),
        relations=(parent,),
        access=OWNED,
    )
    for change in ({"optional": False}, {"on_delete": "cascade"}, {"belongs_to": "Other"}):
        changed = note.model_copy(update={"relations": (parent.model_copy(update=change),)})
        assert added_columns_code(note, changed, {}, fill_missing=False) is None, change
        assert added_columns_code(changed, note, {}, fill_missing=True) is None, change
