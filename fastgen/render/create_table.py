"""Revision code that creates (and drops) the tables of resources, written without SQLAlchemy or
Alembic: importing those two costs more than half a second, and a new resource is only ever
`op.create_table` and `op.create_index`.

The text is exactly what Alembic's `render_python_code` writes for the tables `build_tables`
makes (`fastgen.render.columns`), before ruff formats it: the same column order, the table's
constraints sorted by their code, indexes by name, `repr` for every name and value, and the
downgrade as `upgrade_ops.reverse()` gives it plus the native enum types dropped. A test renders
both ways over every field type and relation shape and compares the texts.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from fastgen.render.columns import (
    LINK_ON_DELETE,
    OWNER_COLUMN,
    PASSWORD_HASH_LENGTH,
    USERS_TABLE,
    column_name,
    fk_column_name,
    link_columns,
    link_relations,
    link_table_name,
    on_delete_sql,
)
from fastgen.spec import names
from fastgen.spec.constraints import decimal_digits, effective_max_length
from fastgen.spec.model import FieldSpec, FieldType, RelationSpec, ResourceSpec

MAX_PYTHON_ARGS = 255
"""Alembic renders a table with more arguments than Python allowed in a call as `*[...]`."""

_INDENT = "    "


@dataclass(frozen=True)
class _Index:
    name: str
    columns: tuple[str, ...]
    unique: bool


@dataclass
class TableCode:
    """A table as its `create_table` call names it: columns as code, constraints as code,
    indexes, and the native enum types its columns use."""

    name: str
    columns: list[str] = field(default_factory=list)
    constraints: list[str] = field(default_factory=list)
    indexes: list[_Index] = field(default_factory=list)
    enums: list[str] = field(default_factory=list)
    primary_key: list[str] = field(default_factory=list)

    def column(
        self,
        name: str,
        type_code: str,
        *,
        nullable: bool,
        unique: bool = False,
        index: bool = False,
        primary_key: bool = False,
        references: tuple[str, str] | None = None,
    ) -> None:
        """One column, the way `sa.Column(name, type, ..., unique=, index=, primary_key=)` and a
        `sa.ForeignKey(references[0], ondelete=references[1])` make it."""
        self.columns.append(
            f"sa.Column({name!r}, {type_code}, nullable={not primary_key and nullable!r})"
        )
        if primary_key:
            self.primary_key.append(name)
        if index:
            self.indexes.append(_Index(f"ix_{self.name}_{name}", (name,), unique))
        elif unique:
            self.constraints.append(
                f"sa.UniqueConstraint({name!r}, name=op.f({f'uq_{self.name}_{name}'!r}))"
            )
        if references is not None:
            target, on_delete = references
            referred_table = target.split(".")[0]
            constraint = f"fk_{self.name}_{name}_{referred_table}"
            self.constraints.append(
                f"sa.ForeignKeyConstraint([{name!r}], [{target!r}], "
                f"name=op.f({constraint!r}), ondelete={on_delete!r})"
            )

    def create(self) -> list[str]:
        """`op.create_table` and its `op.create_index` calls, unindented."""
        constraints = list(self.constraints)
        if self.primary_key:
            keys = ", ".join(repr(name) for name in self.primary_key)
            constraints.append(f"sa.PrimaryKeyConstraint({keys}, name=op.f({f'pk_{self.name}'!r}))")
        args = [*self.columns, *sorted(constraints)]
        joined = ",\n".join(args)
        if len(args) > MAX_PYTHON_ARGS:
            joined = f"*[{joined}]"
        result = [f"op.create_table({self.name!r},\n{joined}\n)"]
        for index in sorted(self.indexes, key=lambda i: i.name):
            columns = ", ".join(repr(column) for column in index.columns)
            result.append(
                f"op.create_index(op.f({index.name!r}), {self.name!r}, [{columns}], "
                f"unique={index.unique!r})"
            )
        return result

    def drop(self) -> list[str]:
        """The reverse of `create`: indexes dropped last to first, then the table."""
        result = [
            f"op.drop_index(op.f({index.name!r}), table_name={self.name!r})"
            for index in sorted(self.indexes, key=lambda i: i.name)
        ]
        result.reverse()
        result.append(f"op.drop_table({self.name!r})")
        return result


def type_code(resource: ResourceSpec, spec: FieldSpec) -> str:
    """The code of the column type `fastgen.render.columns.sa_type` gives, as Alembic writes it."""
    kind = spec.type
    if kind in (FieldType.STR, FieldType.EMAIL, FieldType.URL):
        length = effective_max_length(spec)
        return "sa.String()" if length is None else f"sa.String(length={length!r})"
    if kind is FieldType.PASSWORD:
        return f"sa.String(length={PASSWORD_HASH_LENGTH})"
    simple = {
        FieldType.TEXT: "sa.Text()",
        FieldType.INT: "sa.Integer()",
        FieldType.FLOAT: "sa.Float()",
        FieldType.BOOL: "sa.Boolean()",
        FieldType.DATE: "sa.Date()",
        FieldType.DATETIME: "sa.DateTime(timezone=True)",
        FieldType.TIME: "sa.Time()",
        FieldType.UUID: "sa.Uuid()",
        FieldType.JSON: "sa.JSON()",
    }
    if kind in simple:
        return simple[kind]
    if kind is FieldType.DECIMAL:
        precision, scale = decimal_digits(spec)
        return f"sa.Numeric(precision={precision!r}, scale={scale!r})"
    assert spec.values is not None
    values = ", ".join(repr(value) for value in spec.values)
    return f"sa.Enum({values}, name={enum_type_name(resource, spec)!r})"


def enum_type_name(resource: ResourceSpec, spec: FieldSpec) -> str:
    return names.enum_type_name(resource.resource, spec.name)


def resource_table(resource: ResourceSpec, tables: Mapping[str, str]) -> TableCode:
    """The table of a resource (`fastgen.render.columns.build_table`)."""
    table = TableCode(resource.table)
    table.column("id", "sa.Integer()", nullable=False, primary_key=True)
    for spec in resource.fields:
        table.column(
            column_name(spec),
            type_code(resource, spec),
            nullable=spec.optional,
            unique=bool(spec.unique),
            index=bool(spec.index),
        )
        if spec.type is FieldType.ENUM:
            table.enums.append(enum_type_name(resource, spec))
    for relation in resource.relations:
        if relation.kind != "belongs_to":
            continue
        table.column(
            fk_column_name(relation),
            "sa.Integer()",
            nullable=relation.optional,
            index=True,
            references=(f"{tables[relation.target]}.id", on_delete_sql(relation)),
        )
    if resource.has_owner:
        table.column(
            OWNER_COLUMN,
            "sa.Integer()",
            nullable=True,
            index=True,
            references=(f"{USERS_TABLE}.id", "SET NULL"),
        )
    table.column("created_at", "sa.DateTime(timezone=True)", nullable=False)
    table.column("updated_at", "sa.DateTime(timezone=True)", nullable=False)
    return table


def link_table(owner: ResourceSpec, relation: RelationSpec, tables: Mapping[str, str]) -> TableCode:
    """The link table of a many_to_many relation (`fastgen.render.columns.build_link_table`)."""
    assert relation.kind == "many_to_many", relation
    owner_column, target_column = link_columns(owner, relation)
    table = TableCode(link_table_name(owner, relation))
    table.column(
        owner_column,
        "sa.Integer()",
        nullable=False,
        primary_key=True,
        references=(f"{owner.table}.id", LINK_ON_DELETE),
    )
    table.column(
        target_column,
        "sa.Integer()",
        nullable=False,
        primary_key=True,
        index=True,
        references=(f"{tables[relation.target]}.id", LINK_ON_DELETE),
    )
    return table


def resource_tables(
    resources: Iterable[ResourceSpec], tables: Mapping[str, str]
) -> list[TableCode]:
    """The tables of several resources: theirs first, then their link tables, in the order
    given (`fastgen.render.columns.build_tables`)."""
    specs = list(resources)
    result = [resource_table(spec, tables) for spec in specs]
    for spec in specs:
        for relation in link_relations(spec):
            result.append(link_table(spec, relation, tables))
    return result


def _body(statements: Sequence[str], extra: Sequence[str] = ()) -> str:
    lines = [_INDENT + line for statement in statements for line in statement.split("\n")]
    lines += extra
    return "\n".join(lines) if lines else "    pass"


def create_tables_code(tables: Sequence[TableCode]) -> tuple[str, str]:
    """Upgrade and downgrade bodies that create the tables (with their indexes) and drop them,
    native enum types included (`fastgen.render.migration.create_tables_code`)."""
    up = [statement for table in tables for statement in table.create()]
    down = [statement for table in reversed(tables) for statement in table.drop()]
    enum_drops = [
        f'    sa.Enum(name="{name}").drop(op.get_bind(), checkfirst=True)'
        for table in tables
        for name in table.enums
    ]
    return _body(up), _body(down, enum_drops)
