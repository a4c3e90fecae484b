"""The migration for a plan: new tables are created, changed tables altered, in plan order.

Bodies are built from the two project states alone (no database): `create_tables_code` for new
resources and `alter_table_code` for resources whose fields changed. The downgrade undoes the
upgrade step by step in reverse order.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from fastgen.plan.operations import (
    AddField,
    AddResource,
    AlterField,
    Operation,
    RemoveField,
    RenameField,
)
from fastgen.render.alter import TableChange, alter_table_code
from fastgen.render.columns import NAMING_CONVENTION, build_table
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
    changed = _changed_tables(operations, old, new)
    upgrades: list[str] = []
    downgrades: list[str] = []
    if created:
        metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
        tables = [build_table(spec, metadata, new.tables()) for spec in created]
        up, down = create_tables_code(tables)
        upgrades.append(up)
        downgrades.append(down)
    for change in changed:
        upgrades.extend(alter_table_code(change, old.tables(), new.tables(), fill_missing=False))
        downgrades.insert(
            0,
            "\n".join(
                alter_table_code(change.reverse(), new.tables(), old.tables(), fill_missing=True)
            ),
        )
    return SchemaChange(
        message=_message(operations),
        upgrade=join_bodies(upgrades),
        downgrade=join_bodies(downgrades),
    )


def _changed_tables(
    operations: Sequence[Operation], old: ProjectState, new: ProjectState
) -> list[TableChange]:
    renames: dict[str, dict[str, str]] = {}
    order: list[str] = []
    for op in operations:
        if isinstance(op, AddField | RemoveField | AlterField | RenameField):
            if op.resource not in order:
                order.append(op.resource)
            if isinstance(op, RenameField):
                renames.setdefault(op.resource, {})[op.old.name] = op.new.name
    return [
        TableChange(old.resources[name], new.resources[name], renames.get(name, {}))
        for name in order
    ]


def _message(operations: Sequence[Operation]) -> str:
    parts: list[str] = []
    created = [op.spec.table for op in operations if isinstance(op, AddResource)]
    if created:
        parts.append(f"create {', '.join(created)}")
    for op in operations:
        if isinstance(op, AddField):
            parts.append(f"add {op.table}.{op.field.name}")
        elif isinstance(op, RemoveField):
            parts.append(f"drop {op.table}.{op.field.name}")
        elif isinstance(op, RenameField):
            parts.append(f"rename {op.table}.{op.old.name} to {op.new.name}")
        elif isinstance(op, AlterField):
            parts.append(f"alter {op.table}.{op.new.name}")
    return "; ".join(parts) if parts else "update code"
