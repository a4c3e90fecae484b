"""Revision code for the most common change to a table, fields added (or, going back, removed)
and nothing else, written without SQLAlchemy or Alembic: `add column` and `remove column` do not
pay the half second it takes to import them.

The text is exactly what `fastgen.render.alter.alter_table_code` writes for the same change with
Alembic's renderer (a test compares the two over every field type and option); any other change
to a table (a field changed, renamed, a relation or the owner added or removed, fields added and
removed at once) returns None here and goes through `alter_table_code`.

The values that fill a new required column in the rows that exist are defined here, for both.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from fastgen.render.columns import column_name
from fastgen.render.create_table import enum_type_name, type_code
from fastgen.spec.model import FieldSpec, FieldType, RelationSpec, ResourceSpec


@dataclass(frozen=True)
class TableChange:
    before: ResourceSpec
    after: ResourceSpec
    renames: Mapping[str, str]  # old field name -> new field name
    owner_email: str | None = None  # the account given the rows that exist when owner_id comes

    def reverse(self) -> TableChange:
        return TableChange(self.after, self.before, {new: old for old, new in self.renames.items()})


class MissingDefault(ValueError):
    """A column becomes NOT NULL on a table that may hold rows, and nothing says what to put.
    The argument names the field (or the `belongs_to` relation)."""


def sql_literal(field: FieldSpec, value: Any) -> str:
    """A default as the text of an SQL string literal both SQLite and PostgreSQL read back as
    the same value (without the quotes)."""
    kind = field.type
    if kind is FieldType.BOOL:
        return "1" if value else "0"
    if kind is FieldType.UUID:
        return uuid.UUID(str(value)).hex
    if kind is FieldType.DATETIME:
        moment = dt.datetime.fromisoformat(str(value))
        if moment.tzinfo is not None:
            moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
        return moment.isoformat(sep=" ", timespec="microseconds")
    if kind is FieldType.FLOAT:
        return repr(float(value))
    return str(value)


NEUTRAL: dict[FieldType, str] = {
    FieldType.STR: "",
    FieldType.TEXT: "",
    FieldType.EMAIL: "",
    FieldType.URL: "",
    FieldType.PASSWORD: "",
    FieldType.INT: "0",
    FieldType.FLOAT: "0.0",
    FieldType.DECIMAL: "0",
    FieldType.BOOL: "0",
    FieldType.DATE: "1970-01-01",
    FieldType.DATETIME: "1970-01-01 00:00:00.000000",
    FieldType.TIME: "00:00:00",
    FieldType.UUID: "0" * 32,
    FieldType.JSON: "{}",
}
"""What a required column gets in the rows that exist when it comes back on the way down."""


def fill_value(field: FieldSpec, *, fill_missing: bool) -> str:
    """The value a new required column takes in the rows that exist: its default, else (with
    `fill_missing`) a neutral value; else `MissingDefault`."""
    if field.has_default and field.default is not None:
        return sql_literal(field, field.default)
    if not fill_missing:
        raise MissingDefault(field.name)
    if field.type is FieldType.ENUM:
        return (field.values or ("",))[0]
    return NEUTRAL[field.type]


def added_columns_code(
    before: ResourceSpec, after: ResourceSpec, renames: Mapping[str, str], *, fill_missing: bool
) -> list[str] | None:
    """`alter_table_code` for a table that only gained fields or only lost some; None for any
    other change."""
    if renames or before.table != after.table or before.has_owner != after.has_owner:
        return None
    if _belongs_to(before) != _belongs_to(after):
        return None
    old = {field.name: field for field in before.fields}
    new = {field.name: field for field in after.fields}
    if any(new[name] != field for name, field in old.items() if name in new):
        return None
    added = [field for field in after.fields if field.name not in old]
    removed = [field for field in before.fields if field.name not in new]
    if added and removed:
        return None
    kept = _enums(after, [field for field in after.fields if field.name in old])
    if set(_enums(after, added)) & set(kept) or set(_enums(before, removed)) & set(kept):
        return None  # an enum type shared with a field that stays: alter_table_code decides
    if added:
        return _add(after, added, fill_missing=fill_missing)
    if removed:
        return _remove(before, removed)
    return []


def _belongs_to(resource: ResourceSpec) -> list[RelationSpec]:
    """The foreign keys, whole: a relation made optional, given another target or `on_delete`
    is a change `alter_table_code` writes."""
    return [relation for relation in resource.relations if relation.kind == "belongs_to"]


def _indexes(
    table: str, fields: list[FieldSpec]
) -> tuple[list[tuple[str, str, bool]], list[tuple[str, str]]]:
    """The fields' indexes (name, column, unique) and unique constraints (name, column), each
    sorted by name."""
    indexes: list[tuple[str, str, bool]] = []
    uniques: list[tuple[str, str]] = []
    for field in fields:
        column = column_name(field)
        if field.index:
            indexes.append((f"ix_{table}_{column}", column, bool(field.unique)))
        elif field.unique:
            uniques.append((f"uq_{table}_{column}", column))
    return sorted(indexes), sorted(uniques)


def _enums(resource: ResourceSpec, fields: list[FieldSpec]) -> dict[str, FieldSpec]:
    return {
        enum_type_name(resource, field): field for field in fields if field.type is FieldType.ENUM
    }


def _batch(table: str, calls: list[str]) -> str:
    if not calls:
        return ""
    lines = [f"    with op.batch_alter_table({table!r}, schema=None) as batch_op:"]
    for call in calls:  # Alembic indents a call inside the block, not its continuation lines
        first, *rest = call.split("\n")
        lines += [f"        {first}", *(f"    {line}" for line in rest)]
    return "\n".join(lines)


def _server_default(text: str) -> str:
    """Alembic's rendering of a text server default (it strips one quote at either end)."""
    return repr(re.sub(r"^'|'$", "", text))


def _add(resource: ResourceSpec, added: list[FieldSpec], *, fill_missing: bool) -> list[str]:
    table = resource.table
    creates = [
        f"    {_enum_source(name, field)}.create(op.get_bind(), checkfirst=True)"
        for name, field in sorted(_enums(resource, added).items())
    ]
    columns: list[str] = []
    for field in added:
        default = ""
        if not field.optional:
            value = fill_value(field, fill_missing=fill_missing)
            default = f"server_default={_server_default(value)}, "
        columns.append(
            f"batch_op.add_column(sa.Column({column_name(field)!r}, "
            f"{type_code(resource, field)}, {default}nullable={field.optional!r}))"
        )
    indexes, uniques = _indexes(table, added)
    creates_after = [
        f"batch_op.create_index(batch_op.f({name!r}), [{column!r}], unique={unique!r})"
        for name, column, unique in indexes
    ]
    creates_after += [
        f"batch_op.create_unique_constraint(batch_op.f({name!r}), [{column!r}])"
        for name, column in uniques
    ]
    indent = " " * 11
    defaults = [
        f"batch_op.alter_column({column_name(field)!r},\n"
        f"{indent}existing_type={type_code(resource, field)},\n"
        f"{indent}server_default=None,\n"
        f"{indent}existing_nullable=False)"
        for field in added
        if not field.optional
    ]
    blocks = ["\n".join(creates), _batch(table, columns), _batch(table, creates_after + defaults)]
    return [block for block in blocks if block]


def _remove(resource: ResourceSpec, removed: list[FieldSpec]) -> list[str]:
    table = resource.table
    indexes, uniques = _indexes(table, removed)
    drops = [f"batch_op.drop_index(batch_op.f({name!r}))" for name, _, _ in indexes]
    drops += [
        f"batch_op.drop_constraint(batch_op.f({name!r}), type_='unique')" for name, _ in uniques
    ]
    drops += [f"batch_op.drop_column({column_name(field)!r})" for field in removed]
    enum_drops = [
        f'    sa.Enum(name="{name}").drop(op.get_bind(), checkfirst=True)'
        for name in sorted(_enums(resource, removed))
    ]
    blocks = [_batch(table, drops), "\n".join(enum_drops)]
    return [block for block in blocks if block]


def _enum_source(name: str, field: FieldSpec) -> str:
    values = ", ".join(f'"{value}"' for value in field.values or ())
    return f'sa.Enum({values}, name="{name}")'
