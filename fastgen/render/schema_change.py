"""The migration for a plan: new tables are created, changed tables altered, removed ones
dropped, in plan order.

Bodies are built from the two project states alone (no database): `create_tables_code` for new
resources (their many_to_many link tables after all of their tables, since a link references both
sides) and for link tables of relations added later, `alter_table_code` for resources whose
fields or `belongs_to` relations changed. The downgrade undoes the upgrade step by step in reverse
order. A removed resource's tables (link tables first) and native enum types are dropped, and
the downgrade creates them again, empty, as the applied state describes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from fastgen.plan.operations import (
    AddField,
    AddRelation,
    AddResource,
    AlterField,
    Operation,
    RemoveField,
    RemoveRelation,
    RemoveResource,
    RenameField,
    RenameResource,
)
from fastgen.render.alter import TableChange, alter_table_code
from fastgen.render.columns import (
    NAMING_CONVENTION,
    build_link_table,
    build_tables,
    fk_column_name,
    link_relations,
    link_table,
)
from fastgen.render.migration import create_tables_code, join_bodies
from fastgen.state import ProjectState


@dataclass(frozen=True)
class SchemaChange:
    message: str
    upgrade: str
    downgrade: str

    @property
    def is_empty(self) -> bool:
        return self.upgrade.strip() == "pass"


def schema_change(
    operations: Sequence[Operation], old: ProjectState, new: ProjectState
) -> SchemaChange:
    created = [op.spec for op in operations if isinstance(op, AddResource)]
    steps: list[tuple[str, str]] = []  # (upgrade, downgrade), in the order they run up
    renames = {
        op.old.resource: op.new.resource for op in operations if isinstance(op, RenameResource)
    }
    if renames:  # first, so that the other steps see every table under its new name
        from fastgen.plan.renames import renamed_state
        from fastgen.render.rename_tables import rename_code

        renamed = renamed_state(old, new, renames)
        steps.append(rename_code(old, renamed, renames))
        old = renamed
    if created:
        metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
        steps.append(create_tables_code(build_tables(created, metadata, new.tables())))
    for change in _changed_tables(operations, old, new):
        up = alter_table_code(change, old.tables(), new.tables(), fill_missing=False)
        down = alter_table_code(change.reverse(), new.tables(), old.tables(), fill_missing=True)
        steps.append(("\n".join(up), "\n".join(down)))
    steps.extend(_link_tables(operations, old, new))
    removed = [op.spec for op in operations if isinstance(op, RemoveResource)]
    if removed:
        metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
        create, drop = create_tables_code(build_tables(removed, metadata, old.tables()))
        steps.append((drop, create))
    return SchemaChange(
        message=_message(operations),
        upgrade=join_bodies([up for up, _ in steps]),
        downgrade=join_bodies([down for _, down in reversed(steps)]),
    )


def _changed_tables(
    operations: Sequence[Operation], old: ProjectState, new: ProjectState
) -> list[TableChange]:
    renames: dict[str, dict[str, str]] = {}
    order: list[str] = []
    for op in operations:
        if isinstance(op, AddField | RemoveField | AlterField | RenameField) or (
            isinstance(op, AddRelation | RemoveRelation) and op.relation.kind == "belongs_to"
        ):
            if op.resource not in order:
                order.append(op.resource)
            if isinstance(op, RenameField):
                renames.setdefault(op.resource, {})[op.old.name] = op.new.name
    return [
        TableChange(old.resources[name], new.resources[name], renames.get(name, {}))
        for name in order
    ]


def _link_tables(
    operations: Sequence[Operation], old: ProjectState, new: ProjectState
) -> list[tuple[str, str]]:
    """Link tables of many_to_many relations added to (created) or removed from (dropped)
    resources that exist, one step each, in plan order."""
    steps: list[tuple[str, str]] = []
    for op in operations:
        if not isinstance(op, AddRelation | RemoveRelation):
            continue
        if op.relation.kind != "many_to_many":
            continue
        state = new if isinstance(op, AddRelation) else old
        metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
        table = build_link_table(
            state.resources[op.resource], op.relation, metadata, state.tables()
        )
        create, drop = create_tables_code([table])
        steps.append((create, drop) if isinstance(op, AddRelation) else (drop, create))
    return steps


def _message(operations: Sequence[Operation]) -> str:
    parts: list[str] = []
    created = [op.spec for op in operations if isinstance(op, AddResource)]
    if created:
        tables = [spec.table for spec in created]
        tables += [link_table(spec.table, r) for spec in created for r in link_relations(spec)]
        parts.append(f"create {', '.join(tables)}")
    for op in operations:
        if isinstance(op, RemoveResource):
            parts.append(f"drop {', '.join(op.tables)}")
        elif isinstance(op, RenameResource):
            if op.old.table != op.new.table:
                parts.append(f"rename {op.old.table} to {op.new.table}")
            else:
                parts.append(f"rename {op.old.resource} to {op.new.resource}")
        elif isinstance(op, AddField):
            parts.append(f"add {op.table}.{op.field.name}")
        elif isinstance(op, RemoveField):
            parts.append(f"drop {op.table}.{op.field.name}")
        elif isinstance(op, RenameField):
            parts.append(f"rename {op.table}.{op.old.name} to {op.new.name}")
        elif isinstance(op, AlterField):
            parts.append(f"alter {op.table}.{op.new.name}")
        elif isinstance(op, AddRelation | RemoveRelation):
            verb = "add" if isinstance(op, AddRelation) else "drop"
            if op.relation.kind == "belongs_to":
                parts.append(f"{verb} {op.table}.{fk_column_name(op.relation)}")
            elif op.relation.kind == "many_to_many":
                verb = "create" if isinstance(op, AddRelation) else "drop"
                parts.append(f"{verb} {link_table(op.table, op.relation)}")
    return "; ".join(parts) if parts else "update code"
