"""Migration code for resources renamed (`renamed_from`): every name the database holds that
is derived from a class name or a table name follows, and every row stays.

Both sides are built as SQLAlchemy tables (the applied state, and the same state under the new
names) and compared table by table: a table whose name changed is renamed (`op.rename_table`),
and within each table (renamed or one that refers to a renamed table) the columns of link
tables are renamed (`tag_id` -> `label_id`), and indexes, unique and foreign key constraints
whose names changed are dropped and made again under their new names, in `op.batch_alter_table`
blocks (a table copy on SQLite, which cannot rename constraints; plain `ALTER TABLE`
elsewhere). On PostgreSQL the primary key constraint, the id sequence and the native enum types
are renamed too (SQLite keeps the primary key's old name, which nothing compares or uses).
The downgrade is the same computation in the other direction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import render_python_code
from alembic.operations import ops
from sqlalchemy.sql.elements import conv

from fastgen.render.columns import NAMING_CONVENTION, build_tables, link_relations, link_table
from fastgen.state import ProjectState


@dataclass(frozen=True)
class _Pair:
    before: sa.Table
    after: sa.Table
    has_id: bool  # a resource's table (an id sequence on PostgreSQL), not a link table


def rename_code(
    old: ProjectState, renamed: ProjectState, names: Mapping[str, str]
) -> tuple[str, str]:
    """Upgrade and downgrade bodies that take the database from `old` to `renamed` (the
    same specs, resources renamed old name -> new name as `names` says)."""
    pairs = _pairs(old, renamed, names)
    up = _code(pairs)
    down = _code([_Pair(p.after, p.before, p.has_id) for p in pairs])
    return up, down


def _pairs(old: ProjectState, renamed: ProjectState, names: Mapping[str, str]) -> list[_Pair]:
    specs = list(old.resources.values())
    before = {
        t.name: t
        for t in build_tables(specs, sa.MetaData(naming_convention=NAMING_CONVENTION), old.tables())
    }
    after_specs = [renamed.resources[names.get(spec.resource, spec.resource)] for spec in specs]
    after = {
        t.name: t
        for t in build_tables(
            after_specs, sa.MetaData(naming_convention=NAMING_CONVENTION), renamed.tables()
        )
    }
    pairs: list[_Pair] = []
    for spec, spec_after in zip(specs, after_specs, strict=True):
        pairs.append(_Pair(before[spec.table], after[spec_after.table], has_id=True))
        for relation in link_relations(spec):
            pairs.append(
                _Pair(
                    before[link_table(spec.table, relation)],
                    after[link_table(spec_after.table, relation)],
                    has_id=False,
                )
            )
    return [pair for pair in pairs if _signature(pair.before) != _signature(pair.after)]


def _signature(table: sa.Table) -> tuple[object, ...]:
    """Every name of a table the database holds."""
    return (
        table.name,
        tuple(column.name for column in table.columns),
        tuple(str(kind.name) for kind in _enums(table)),
        sorted(str(index.name) for index in table.indexes),
        sorted(str(constraint.name) for constraint in table.constraints),
    )


def _enums(table: sa.Table) -> list[Any]:
    return [column.type for column in table.columns if isinstance(column.type, sa.Enum)]


def _code(pairs: Sequence[_Pair]) -> str:
    blocks: list[str] = []
    for pair in pairs:
        if pair.before.name != pair.after.name:
            blocks.append(f'    op.rename_table("{pair.before.name}", "{pair.after.name}")')
    postgresql = [line for pair in pairs for line in _postgresql_renames(pair)]
    if postgresql:
        blocks.append('    if op.get_bind().dialect.name == "postgresql":')
        blocks.extend(f"        {line}" for line in postgresql)
    for pair in pairs:
        block = _batch(pair)
        if block:
            blocks.append(block)
    return "\n".join(blocks) if blocks else "    pass"


def _postgresql_renames(pair: _Pair) -> list[str]:
    """Names only PostgreSQL keeps apart from the table's definition: the primary key's, the
    id sequence's, the enum types'."""
    lines: list[str] = []
    table = pair.after.name
    old_pk, new_pk = pair.before.primary_key.name, pair.after.primary_key.name
    if old_pk != new_pk:
        lines.append(f'op.execute("ALTER TABLE {table} RENAME CONSTRAINT {old_pk} TO {new_pk}")')
    if pair.has_id and pair.before.name != pair.after.name:
        lines.append(
            f'op.execute("ALTER SEQUENCE IF EXISTS {pair.before.name}_id_seq '
            f'RENAME TO {pair.after.name}_id_seq")'
        )
    for old_type, new_type in zip(_enums(pair.before), _enums(pair.after), strict=True):
        if old_type.name != new_type.name:
            lines.append(f'op.execute("ALTER TYPE {old_type.name} RENAME TO {new_type.name}")')
    return lines


def _batch(pair: _Pair) -> str:
    """Columns renamed, and indexes and constraints whose names changed dropped and made
    again, in batch blocks on the table (under its new name)."""
    before, after, table = pair.before, pair.after, pair.after.name
    columns = dict(zip(before.columns.keys(), after.columns.keys(), strict=True))
    drops: list[ops.MigrateOperation] = []
    renames: list[ops.MigrateOperation] = []
    creates: list[ops.MigrateOperation] = []
    new_indexes = {_index_key(index, {}): index for index in after.indexes}
    for index in sorted(before.indexes, key=lambda i: str(i.name)):
        new = new_indexes[_index_key(index, columns)]
        if index.name != new.name:
            drops.append(ops.DropIndexOp(conv(str(index.name)), table))
            creates.append(
                ops.CreateIndexOp(
                    conv(str(new.name)), table, [c.name for c in new.columns], unique=new.unique
                )
            )
    for constraint, unique in _renamed(pair, sa.UniqueConstraint, columns):
        drops.append(ops.DropConstraintOp(conv(str(constraint.name)), table, type_="unique"))
        creates.append(
            ops.CreateUniqueConstraintOp(
                conv(str(unique.name)), table, [c.name for c in unique.columns]
            )
        )
    for key, new_key in _renamed(pair, sa.ForeignKeyConstraint, columns):
        drops.append(ops.DropConstraintOp(conv(str(key.name)), table, type_="foreignkey"))
        creates.append(
            ops.CreateForeignKeyOp(
                conv(str(new_key.name)),
                table,
                new_key.referred_table.name,
                [c.name for c in new_key.columns],
                [element.column.name for element in new_key.elements],
                ondelete=new_key.ondelete,
            )
        )
    for old_column, new_column in zip(before.columns, after.columns, strict=True):
        if old_column.name != new_column.name:
            renames.append(
                ops.AlterColumnOp(
                    table,
                    old_column.name,
                    modify_name=new_column.name,
                    existing_type=old_column.type,
                    existing_nullable=old_column.nullable,
                )
            )
    # Alembic's batch mode leaves out a constraint on a column renamed in the same block: the
    # constraints are made again in a block of their own once the columns have their new names.
    blocks = [drops + renames, creates] if renames else [drops + creates]
    return "\n".join(_render(table, operations) for operations in blocks if operations)


def _render(table: str, operations: list[ops.MigrateOperation]) -> str:
    code = render_python_code(
        ops.UpgradeOps([ops.ModifyTableOps(table, operations)]), render_as_batch=True
    )
    return "\n".join(line for line in code.splitlines() if line.strip() and "###" not in line)


def _renamed(
    pair: _Pair, kind: type[sa.Constraint], columns: Mapping[str, str]
) -> list[tuple[Any, Any]]:
    """The constraints of `kind` of the table before and after, paired by their columns (as
    `columns` renames them), whose names changed; in name order."""
    after = {_columns_key(c.columns, {}): c for c in _sorted(pair.after.constraints, kind)}
    paired = (
        (c, after[_columns_key(c.columns, columns)]) for c in _sorted(pair.before.constraints, kind)
    )
    return [(old, new) for old, new in paired if old.name != new.name]


def _sorted(constraints: Any, kind: type[sa.Constraint]) -> list[Any]:
    return sorted((c for c in constraints if isinstance(c, kind)), key=lambda c: str(c.name))


def _index_key(index: sa.Index, columns: Mapping[str, str]) -> tuple[object, ...]:
    return (bool(index.unique), *(columns.get(c.name, c.name) for c in index.columns))


def _columns_key(found: Any, columns: Mapping[str, str]) -> tuple[str, ...]:
    return tuple(columns.get(c.name, c.name) for c in found)
