"""The migration for a plan: new tables are created, changed tables altered, removed ones
dropped, in plan order.

Bodies are built from the two project states alone (no database): `create_tables_code` for new
resources (their many_to_many link tables after all of their tables, since a link references both
sides) and for link tables of relations added later, `alter_table_code` for resources whose
fields or `belongs_to` relations changed. The downgrade undoes the upgrade step by step in reverse
order. A removed resource's tables (link tables first) and native enum types are dropped, and
the downgrade creates them again, empty, as the applied state describes them.

Tables created or dropped whole are written without SQLAlchemy or Alembic
(`fastgen.render.create_table`); only changed tables import them (`fastgen.render.alter`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fastgen.plan.operations import (
    AddField,
    AddOwner,
    AddRelation,
    AddResource,
    AlterField,
    AlterRelation,
    Operation,
    RemoveField,
    RemoveOwner,
    RemoveRelation,
    RemoveResource,
    RenameField,
    RenameResource,
)
from fastgen.render import create_table
from fastgen.render.added_columns import TableChange, added_columns_code
from fastgen.render.columns import OWNER_COLUMN, fk_column_name, link_relations, link_table
from fastgen.render.create_table import create_tables_code, resource_tables
from fastgen.render.migration import join_bodies
from fastgen.spec.model import RelationSpec
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
        steps.append(create_tables_code(resource_tables(created, new.tables())))
    for change in _changed_tables(operations, old, new):
        steps.append(_altered(change, old, new))
    steps.extend(_link_tables(operations, old, new))
    removed = [op.spec for op in operations if isinstance(op, RemoveResource)]
    if removed:
        create, drop = create_tables_code(resource_tables(removed, old.tables()))
        steps.append((drop, create))
    return SchemaChange(
        message=_message(operations),
        upgrade=join_bodies([up for up, _ in steps]),
        downgrade=join_bodies([down for _, down in reversed(steps)]),
    )


def _altered(change: TableChange, old: ProjectState, new: ProjectState) -> tuple[str, str]:
    """Upgrade and downgrade of one changed table: fields only added (or only removed) are
    written directly, anything else by `alter_table_code` (SQLAlchemy and Alembic)."""
    up = added_columns_code(change.before, change.after, change.renames, fill_missing=False)
    down = added_columns_code(change.after, change.before, {}, fill_missing=True)
    if up is None or down is None:
        from fastgen.render.alter import alter_table_code

        up = alter_table_code(change, old.tables(), new.tables(), fill_missing=False)
        down = alter_table_code(change.reverse(), new.tables(), old.tables(), fill_missing=True)
    return "\n".join(up), "\n".join(down)


def _changed_tables(
    operations: Sequence[Operation], old: ProjectState, new: ProjectState
) -> list[TableChange]:
    renames: dict[str, dict[str, str]] = {}
    emails: dict[str, str] = {}
    order: list[str] = []
    for op in operations:
        if (
            isinstance(op, AddField | RemoveField | AlterField | RenameField | RemoveOwner)
            or (isinstance(op, AddRelation | RemoveRelation) and op.relation.kind == "belongs_to")
            or (isinstance(op, AlterRelation) and "belongs_to" in (op.old.kind, op.new.kind))
            or isinstance(op, AddOwner)
        ):
            if op.resource not in order:
                order.append(op.resource)
            if isinstance(op, RenameField):
                renames.setdefault(op.resource, {})[op.old.name] = op.new.name
            if isinstance(op, AddOwner) and op.default_email is not None:
                emails[op.resource] = op.default_email
    return [
        TableChange(
            old.resources[name], new.resources[name], renames.get(name, {}), emails.get(name)
        )
        for name in order
    ]


def _link_tables(
    operations: Sequence[Operation], old: ProjectState, new: ProjectState
) -> list[tuple[str, str]]:
    """Link tables of many_to_many relations added to (created) or removed from (dropped)
    resources that exist, one step each, in plan order."""
    steps: list[tuple[str, str]] = []
    for op in operations:
        removed: RelationSpec | None = None
        added: RelationSpec | None = None
        if isinstance(op, RemoveRelation):
            removed = op.relation
        elif isinstance(op, AddRelation):
            added = op.relation
        elif isinstance(op, AlterRelation) and op.rebuilt:
            removed, added = op.old, op.new
        else:
            continue
        # a link table whose target changed is dropped before the new one (same name) is made
        if removed is not None and removed.kind == "many_to_many":
            create, drop = create_tables_code([_link_table(old, op.resource, removed)])
            steps.append((drop, create))
        if added is not None and added.kind == "many_to_many":
            steps.append(create_tables_code([_link_table(new, op.resource, added)]))
    return steps


def _link_table(
    state: ProjectState, resource: str, relation: RelationSpec
) -> create_table.TableCode:
    return create_table.link_table(state.resources[resource], relation, state.tables())


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
        elif isinstance(op, AddOwner | RemoveOwner):
            verb = "add" if isinstance(op, AddOwner) else "drop"
            parts.append(f"{verb} {op.table}.{OWNER_COLUMN}")
        elif isinstance(op, AlterRelation):
            parts.extend(_relation_message(op))
        elif isinstance(op, AddRelation | RemoveRelation):
            verb = "add" if isinstance(op, AddRelation) else "drop"
            if op.relation.kind == "belongs_to":
                parts.append(f"{verb} {op.table}.{fk_column_name(op.relation)}")
            elif op.relation.kind == "many_to_many":
                verb = "create" if isinstance(op, AddRelation) else "drop"
                parts.append(f"{verb} {link_table(op.table, op.relation)}")
    return "; ".join(parts) if parts else "update code"


def _relation_message(op: AlterRelation) -> list[str]:
    old, new = op.old, op.new
    if not op.rebuilt:
        return [f"alter {op.table}.{fk_column_name(new)}"]
    parts: list[str] = []
    if old.kind == "belongs_to":
        parts.append(f"drop {op.table}.{fk_column_name(old)}")
    elif old.kind == "many_to_many":
        parts.append(f"drop {link_table(op.table, old)}")
    if new.kind == "belongs_to":
        parts.append(f"add {op.table}.{fk_column_name(new)}")
    elif new.kind == "many_to_many":
        parts.append(f"create {link_table(op.table, new)}")
    return parts
