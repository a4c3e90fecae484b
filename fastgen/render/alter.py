"""Migration code that turns one existing table into its changed version, without a database.

Both sides are built as SQLAlchemy tables from the specs (`build_table`, the same function that
keeps models and migrations in step), and compared column by column, index by index. The result is
plain revision code: `op.batch_alter_table` blocks rendered by Alembic (batch mode recreates the
table on SQLite and is plain `ALTER TABLE` elsewhere), plus the few statements Alembic does not
write for us: native enum types created, renamed and dropped on PostgreSQL, existing rows filled
before a column becomes NOT NULL.

`belongs_to` relations added or removed are foreign key columns: added nullable with their
constraint and index (SQLite needs batch mode for a foreign key), dropped index, constraint, column.
One whose target changed is both; one whose `on_delete` changed gets its constraint made again;
one whose `optional` changed is altered, after a check (before anything else runs) that every
row has a value when it becomes required. `owner_id` comes and goes the same way, filled from
an account's email when one is given.

The downgrade is the same computation in the other direction, so every revision can go back.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import render_python_code
from alembic.operations import ops
from sqlalchemy.dialects import postgresql
from sqlalchemy.sql.elements import conv

from fastgen.render.added_columns import MissingDefault, TableChange, fill_value, sql_literal
from fastgen.render.columns import (
    NAMING_CONVENTION,
    OWNER_COLUMN,
    build_table,
    column_name,
    field_column,
    fk_column_name,
    on_delete_sql,
    sa_type,
)
from fastgen.spec.model import FieldSpec, RelationSpec, ResourceSpec

__all__ = ["MissingDefault", "TableChange", "alter_table_code", "sql_literal"]


def alter_table_code(
    change: TableChange,
    tables_before: Mapping[str, str],
    tables_after: Mapping[str, str],
    *,
    fill_missing: bool,
) -> list[str]:
    """Code blocks (indented for a function body), in the order they must run.

    `fill_missing` gives required columns without a default a neutral value for the rows that
    exist (used on the way down, where a dropped column comes back); otherwise such a column
    raises `MissingDefault`. A required `belongs_to` column has no neutral value (it must point
    to a row): on the way down it comes back nullable and is then made NOT NULL, which only
    succeeds when no row exists; on the way up it raises `MissingDefault`.
    """
    return _Builder(change, tables_before, tables_after, fill_missing).build()


class _Builder:
    def __init__(
        self,
        change: TableChange,
        tables_before: Mapping[str, str],
        tables_after: Mapping[str, str],
        fill_missing: bool,
    ) -> None:
        self.before, self.after = change.before, change.after
        self.table = change.after.table
        self.fill_missing = fill_missing
        self.owner_email = change.owner_email
        self.old_table = build_table(
            self.before, sa.MetaData(naming_convention=NAMING_CONVENTION), tables_before
        )
        self.new_table = build_table(
            self.after, sa.MetaData(naming_convention=NAMING_CONVENTION), tables_after
        )
        old_fields = {field.name: field for field in self.before.fields}
        matched: set[str] = set()
        self.pairs: list[tuple[FieldSpec, FieldSpec]] = []
        self.added: list[FieldSpec] = []
        inverse = {new: old for old, new in change.renames.items()}
        for field in self.after.fields:
            old = old_fields.get(inverse.get(field.name, field.name))
            if old is None:
                self.added.append(field)
            else:
                matched.add(old.name)
                self.pairs.append((old, field))
        self.removed = [field for field in self.before.fields if field.name not in matched]
        # a belongs_to is its name and target: one whose target changed is dropped and added
        old_links = {_link(r): r for r in self.before.relations if r.kind == "belongs_to"}
        new_links = {_link(r): r for r in self.after.relations if r.kind == "belongs_to"}
        self.added_fks: list[RelationSpec] = [r for k, r in new_links.items() if k not in old_links]
        self.removed_fks: list[RelationSpec] = [
            r for k, r in old_links.items() if k not in new_links
        ]
        kept = [(old_links[k], r) for k, r in new_links.items() if k in old_links]
        # kept foreign keys whose ON DELETE changed: the constraint is dropped and made again
        self.rebound_fks = [(o, n) for o, n in kept if on_delete_sql(o) != on_delete_sql(n)]
        # kept foreign key columns whose nullability changed
        self.renulled_fks = [(o, n) for o, n in kept if o.optional != n.optional]
        self.added_owner = self.after.has_owner and not self.before.has_owner
        self.removed_owner = self.before.has_owner and not self.after.has_owner
        for relation in self.added_fks:
            if not relation.optional and not fill_missing:
                raise MissingDefault(relation.name)
        # columns dropped and added again under the same name (a field replaced by a relation's
        # column or the other way round): their indexes and constraints go and come back too
        dropped = {column_name(f) for f in self.removed} | {
            fk_column_name(r) for r in self.removed_fks
        }
        added = {column_name(f) for f in self.added} | {fk_column_name(r) for r in self.added_fks}
        self.recreated = dropped & added

    def build(self) -> list[str]:
        blocks = [
            self._code(self._check_owner_account() + self._check_required_foreign_keys()),
            self._batch(
                self._drop_indexes()
                + self._drop_foreign_keys()
                + self._renames()
                + self._drop_columns()
            ),
            self._code(self._enum_renames() + self._enum_creates()),
            self._batch(
                self._add_columns() + self._add_foreign_keys() + self._renull_foreign_keys()
            ),
            self._code(self._fill_nulls() + self._fill_owner()),
            *self._enum_value_changes(),
            *self._alter_columns(),
            self._require_foreign_keys(),
            self._batch(self._create_indexes() + self._drop_server_defaults()),
            self._code(self._enum_drops()),
        ]
        return [block for block in blocks if block]

    # -- rendering -------------------------------------------------------------------------

    def _batch(self, operations: list[ops.MigrateOperation], using: str | None = None) -> str:
        if not operations:
            return ""
        code = render_python_code(
            ops.UpgradeOps([ops.ModifyTableOps(self.table, list(operations))]),
            render_as_batch=True,
        )
        lines = [line for line in code.splitlines() if line.strip() and "###" not in line]
        text = "\n".join(lines)
        if using is not None:
            assert text.endswith(")")
            text = f"{text[:-1]},\n               postgresql_using={using!r})"
        return text

    @staticmethod
    def _code(lines: list[str]) -> str:
        return "\n".join(f"    {line}" for line in lines)

    # -- indexes and unique constraints ---------------------------------------------------

    @staticmethod
    def _indexes(table: sa.Table) -> dict[str, tuple[bool, tuple[str, ...]]]:
        return {
            str(index.name): (bool(index.unique), tuple(c.name for c in index.columns))
            for index in table.indexes
        }

    @staticmethod
    def _uniques(table: sa.Table) -> dict[str, tuple[str, ...]]:
        return {
            str(constraint.name): tuple(c.name for c in constraint.columns)
            for constraint in table.constraints
            if isinstance(constraint, sa.UniqueConstraint)
        }

    def _kept(self, columns: tuple[str, ...]) -> bool:
        """False when a column is dropped and added again: what is on it goes and comes back."""
        return not self.recreated.intersection(columns)

    def _drop_indexes(self) -> list[ops.MigrateOperation]:
        result: list[ops.MigrateOperation] = []
        old, new = self._indexes(self.old_table), self._indexes(self.new_table)
        for name in sorted(old):
            if new.get(name) != old[name] or not self._kept(old[name][1]):
                result.append(ops.DropIndexOp(conv(name), self.table))
        old_u, new_u = self._uniques(self.old_table), self._uniques(self.new_table)
        for name in sorted(old_u):
            if new_u.get(name) != old_u[name] or not self._kept(old_u[name]):
                result.append(ops.DropConstraintOp(conv(name), self.table, type_="unique"))
        return result

    def _create_indexes(self) -> list[ops.MigrateOperation]:
        result: list[ops.MigrateOperation] = []
        old, new = self._indexes(self.old_table), self._indexes(self.new_table)
        for name in sorted(new):
            if old.get(name) != new[name] or not self._kept(new[name][1]):
                unique, columns = new[name]
                result.append(
                    ops.CreateIndexOp(conv(name), self.table, list(columns), unique=unique)
                )
        old_u, new_u = self._uniques(self.old_table), self._uniques(self.new_table)
        for name in sorted(new_u):
            if old_u.get(name) != new_u[name] or not self._kept(new_u[name]):
                result.append(
                    ops.CreateUniqueConstraintOp(conv(name), self.table, list(new_u[name]))
                )
        return result

    # -- columns ---------------------------------------------------------------------------

    def _renames(self) -> list[ops.MigrateOperation]:
        return [
            ops.AlterColumnOp(
                self.table,
                column_name(old),
                modify_name=column_name(new),
                existing_type=sa_type(self.before, old),
                existing_nullable=old.optional,
            )
            for old, new in self.pairs
            if column_name(old) != column_name(new)
        ]

    def _drop_columns(self) -> list[ops.MigrateOperation]:
        names = [column_name(field) for field in self.removed]
        names += [fk_column_name(relation) for relation in self.removed_fks]
        if self.removed_owner:
            names.append(OWNER_COLUMN)
        return [ops.DropColumnOp(self.table, name, _reverse=None) for name in names]

    def _add_columns(self) -> list[ops.MigrateOperation]:
        result: list[ops.MigrateOperation] = []
        for field in self.added:
            column = field_column(self.after, field)
            column.unique = None
            column.index = None
            if not field.optional:
                column.server_default = sa.DefaultClause(self._fill_value(field))
            result.append(ops.AddColumnOp(self.table, column))
        return result

    # -- belongs_to: foreign key columns ---------------------------------------------------

    @staticmethod
    def _foreign_key_name(table: sa.Table, column: str) -> str:
        for constraint in table.foreign_key_constraints:
            if [c.name for c in constraint.columns] == [column]:
                return str(constraint.name)
        raise KeyError(column)

    def _drop_foreign_keys(self) -> list[ops.MigrateOperation]:
        columns = [fk_column_name(r) for r in self.removed_fks]
        columns += [fk_column_name(old) for old, _ in self.rebound_fks]
        if self.removed_owner:
            columns.append(OWNER_COLUMN)
        return [
            ops.DropConstraintOp(
                conv(self._foreign_key_name(self.old_table, column)),
                self.table,
                type_="foreignkey",
            )
            for column in columns
        ]

    def _add_foreign_keys(self) -> list[ops.MigrateOperation]:
        """The column (nullable: rows that exist have no parent yet), then its constraint; the
        constraints of kept columns whose ON DELETE changed, made again."""
        result: list[ops.MigrateOperation] = []
        columns = [fk_column_name(relation) for relation in self.added_fks]
        if self.added_owner:
            columns.append(OWNER_COLUMN)
        for column in columns:
            result.append(ops.AddColumnOp(self.table, sa.Column(column, sa.Integer())))
            result.append(self._create_foreign_key(column))
        for _, relation in self.rebound_fks:
            result.append(self._create_foreign_key(fk_column_name(relation)))
        return result

    def _create_foreign_key(self, column: str) -> ops.MigrateOperation:
        """The foreign key constraint of `column` as the new table has it."""
        (foreign_key,) = self.new_table.c[column].foreign_keys
        return ops.CreateForeignKeyOp(
            conv(self._foreign_key_name(self.new_table, column)),
            self.table,
            foreign_key.target_fullname.rsplit(".", 1)[0],
            [column],
            ["id"],
            ondelete=foreign_key.ondelete,
        )

    def _check_owner_account(self) -> list[str]:
        """Before anything changes, when owner_id comes with an account for the rows that
        exist (`owner_email`): an address no account has stops the upgrade while the table
        holds rows, the table untouched."""
        if not self.added_owner or self.owner_email is None:
            return []
        email = self.owner_email.lower()
        message = (
            f"{self.table}.{OWNER_COLUMN}: no account has the email {email}, and "
            f"{self.table} has rows to give it; create it (python -m app.create_user {email}), "
            "then run this again"
        )
        return [
            f"owner_email = {email!r}",
            f'rows = sa.text("SELECT 1 FROM {self.table}")',
            'account = sa.text("SELECT id FROM users WHERE lower(email) = :email")',
            "bind = op.get_bind()",
            "if bind.execute(rows).first() is not None:",
            '    if bind.execute(account, {"email": owner_email}).first() is None:',
            *_raise(message, "        "),
        ]

    def _fill_owner(self) -> list[str]:
        """Rows that exist given to the account `owner_email` names (checked first, above)."""
        if not self.added_owner or self.owner_email is None:
            return []
        return [
            "op.execute(",
            "    sa.text(",
            f'        "UPDATE {self.table} SET {OWNER_COLUMN} = "',
            '        "(SELECT id FROM users WHERE lower(email) = :email) "',
            f'        "WHERE {OWNER_COLUMN} IS NULL"',
            "    ).bindparams(email=owner_email)",
            ")",
        ]

    def _check_required_foreign_keys(self) -> list[str]:
        """Before anything changes: a kept foreign key column about to become NOT NULL must
        have a value in every row (there is none to guess), or the upgrade stops with a
        message, the table untouched."""
        lines: list[str] = []
        for old, relation in self.renulled_fks:
            if relation.optional or not old.optional:
                continue
            column = fk_column_name(relation)
            message = (
                f"{self.table}.{column}: {relation.name} is now required, and rows of "
                f"{self.table} have none; set {column} on each of them (or delete them), "
                "then run this again"
            )
            lines += [
                f'missing = sa.text("SELECT 1 FROM {self.table} WHERE {column} IS NULL")',
                "if op.get_bind().execute(missing).first() is not None:",
                *_raise(message, "    "),
            ]
        return lines

    def _renull_foreign_keys(self) -> list[ops.MigrateOperation]:
        """Kept foreign key columns made nullable, or NOT NULL (checked first, see above)."""
        return [
            ops.AlterColumnOp(
                self.table,
                fk_column_name(relation),
                existing_type=sa.Integer(),
                existing_nullable=old.optional,
                modify_nullable=relation.optional,
            )
            for old, relation in self.renulled_fks
        ]

    def _require_foreign_keys(self) -> str:
        """A required relation's column made NOT NULL (only on the way down, see
        `alter_table_code`): rows that exist have no parent, so this fails unless there are none."""
        required = [r for r in self.added_fks if not r.optional]
        if not required:
            return ""
        names = ", ".join(f"{self.table}.{fk_column_name(r)}" for r in required)
        comment = self._code(
            [
                f"# {names}: required, and the rows that exist have nothing to point to;",
                f"# this fails unless {self.table} is empty (delete its rows or go forward)",
            ]
        )
        batch = self._batch(
            [
                ops.AlterColumnOp(
                    self.table,
                    fk_column_name(relation),
                    existing_type=sa.Integer(),
                    existing_nullable=True,
                    modify_nullable=False,
                )
                for relation in required
            ]
        )
        return f"{comment}\n{batch}"

    def _drop_server_defaults(self) -> list[ops.MigrateOperation]:
        return [
            ops.AlterColumnOp(
                self.table,
                column_name(field),
                existing_type=sa_type(self.after, field),
                existing_nullable=False,
                modify_server_default=None,
            )
            for field in self.added
            if not field.optional
        ]

    def _fill_nulls(self) -> list[str]:
        lines: list[str] = []
        for old, new in self.pairs:
            if old.optional and not new.optional:
                column = column_name(new)
                value = self._fill_value(new).replace("'", "''")
                sql = f"UPDATE {self.table} SET {column} = '{value}' WHERE {column} IS NULL"
                lines.append(f"op.execute({sql!r})")
        return lines

    def _alter_columns(self) -> list[str]:
        """One block for nullability changes; one block per type change, because PostgreSQL
        must be told how to convert each column (`USING`)."""
        nullability: list[ops.MigrateOperation] = []
        blocks: list[str] = []
        for old, new in self.pairs:
            old_type, new_type = self._old_type(old, new), sa_type(self.after, new)
            type_changed = _type_key(old_type) != _type_key(new_type) and not _enum_values_only(
                old_type, new_type
            )
            if not type_changed and old.optional == new.optional:
                continue
            name = column_name(new)
            operation = ops.AlterColumnOp(
                self.table,
                name,
                existing_type=old_type if type_changed else new_type,
                modify_type=new_type if type_changed else None,
                existing_nullable=old.optional,
                modify_nullable=new.optional if old.optional != new.optional else None,
            )
            if type_changed:
                blocks.append(self._batch([operation], using=_using(name, new_type)))
            else:
                nullability.append(operation)
        return [self._batch(nullability), *blocks]

    def _old_type(self, old: FieldSpec, new: FieldSpec) -> sa.types.TypeEngine[Any]:
        """The old column's type once renames have run (a renamed enum keeps its values)."""
        old_type, new_type = sa_type(self.before, old), sa_type(self.after, new)
        if isinstance(old_type, sa.Enum) and isinstance(new_type, sa.Enum):
            return sa.Enum(*old_type.enums, name=new_type.name)
        return old_type

    # -- enum types (native on PostgreSQL; no-ops elsewhere) ---------------------------------

    def _enum_names(self, resource: ResourceSpec, fields: list[FieldSpec]) -> dict[str, sa.Enum]:
        found: dict[str, sa.Enum] = {}
        for field in fields:
            kind = sa_type(resource, field)
            if isinstance(kind, sa.Enum):
                found[str(kind.name)] = kind
        return found

    def _enum_renames(self) -> list[str]:
        lines: list[str] = []
        for old, new in self.pairs:
            old_type, new_type = sa_type(self.before, old), sa_type(self.after, new)
            if (
                isinstance(old_type, sa.Enum)
                and isinstance(new_type, sa.Enum)
                and old_type.name != new_type.name
            ):
                lines.append('if op.get_bind().dialect.name == "postgresql":')
                lines.append(
                    f'    op.execute("ALTER TYPE {old_type.name} RENAME TO {new_type.name}")'
                )
        return lines

    def _enum_creates(self) -> list[str]:
        old = self._enum_names(self.before, list(self.before.fields))
        new = self._enum_names(self.after, list(self.after.fields))
        renamed = self._renamed_enums()
        return [
            f"{_enum_source(kind)}.create(op.get_bind(), checkfirst=True)"
            for name, kind in sorted(new.items())
            if name not in old and name not in renamed.values()
        ]

    def _enum_drops(self) -> list[str]:
        old = self._enum_names(self.before, list(self.before.fields))
        new = self._enum_names(self.after, list(self.after.fields))
        renamed = self._renamed_enums()
        return [
            f'sa.Enum(name="{name}").drop(op.get_bind(), checkfirst=True)'
            for name in sorted(old)
            if name not in new and name not in renamed
        ]

    def _renamed_enums(self) -> dict[str, str]:
        result: dict[str, str] = {}
        for old, new in self.pairs:
            old_type, new_type = sa_type(self.before, old), sa_type(self.after, new)
            if (
                isinstance(old_type, sa.Enum)
                and isinstance(new_type, sa.Enum)
                and old_type.name != new_type.name
            ):
                result[str(old_type.name)] = str(new_type.name)
        return result

    def _enum_value_changes(self) -> list[str]:
        blocks: list[str] = []
        for old, new in self.pairs:
            old_type, new_type = self._old_type(old, new), sa_type(self.after, new)
            if not _enum_values_only(old_type, new_type):
                continue
            assert isinstance(new_type, sa.Enum)
            name, column = str(new_type.name), column_name(new)
            kept = f"{name}_old"
            lines = [
                'if op.get_bind().dialect.name == "postgresql":',
                f'    op.execute("ALTER TYPE {name} RENAME TO {kept}")',
                f"    {_enum_source(new_type)}.create(op.get_bind())",
                "    op.execute(",
                f'        "ALTER TABLE {self.table} ALTER COLUMN {column} TYPE {name} "',
                f'        "USING {column}::text::{name}"',
                "    )",
                f'    op.execute("DROP TYPE {kept}")',
                "else:",
            ]
            batch = self._batch(
                [
                    ops.AlterColumnOp(
                        self.table,
                        column,
                        existing_type=old_type,
                        modify_type=new_type,
                        existing_nullable=old.optional,
                    )
                ]
            )
            blocks.append(self._code(lines) + "\n" + _indent(batch))
        return blocks

    # -- values for rows that already exist ------------------------------------------------

    def _fill_value(self, field: FieldSpec) -> str:
        return fill_value(field, fill_missing=self.fill_missing)


def _raise(message: str, indent: str) -> list[str]:
    """`raise RuntimeError(...)` with the message in short literals (the revision stays within
    its line length)."""
    chunks = textwrap.wrap(message, 60, break_long_words=False, drop_whitespace=False)
    return [
        f"{indent}raise RuntimeError(",
        *(f"{indent}    {chunk!r}" for chunk in chunks),
        f"{indent})",
    ]


def _link(relation: RelationSpec) -> tuple[str, str]:
    return relation.name, relation.target


def _indent(block: str) -> str:
    return "\n".join(f"    {line}" if line else line for line in block.splitlines())


def _type_key(kind: sa.types.TypeEngine[Any]) -> str:
    if isinstance(kind, sa.Enum):
        return f"enum:{kind.name}:{','.join(kind.enums)}"
    return repr(kind)


def _enum_values_only(old: sa.types.TypeEngine[Any], new: sa.types.TypeEngine[Any]) -> bool:
    return (
        isinstance(old, sa.Enum)
        and isinstance(new, sa.Enum)
        and old.name == new.name
        and list(old.enums) != list(new.enums)
    )


def _enum_source(kind: sa.Enum) -> str:
    values = ", ".join(f'"{value}"' for value in kind.enums)
    return f'sa.Enum({values}, name="{kind.name}")'


def _using(column: str, new_type: sa.types.TypeEngine[Any]) -> str:
    if isinstance(new_type, sa.Enum):
        return f"{column}::text::{new_type.name}"
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    return f"{column}::{new_type.compile(dialect=dialect)}"
