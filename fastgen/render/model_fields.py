"""Python source fragments for each field of the generated SQLModel family.

The blueprints stay readable by receiving ready-made fragments (`title: str = Field(...)`)
instead of re-deriving annotations and constraints in Jinja.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastgen.render.columns import (
    PASSWORD_HASH_LENGTH,
    column_name,
    enum_class_name,
    fk_column_name,
    on_delete_sql,
)
from fastgen.render.literals import py_value
from fastgen.spec.constraints import (
    INTEGER_MAX,
    INTEGER_MIN,
    decimal_digits,
    effective_max_length,
    effective_min_length,
    effective_pattern,
)
from fastgen.spec.model import FieldSpec, FieldType, RelationSpec, ResourceSpec

PY_TYPES: dict[FieldType, str] = {
    FieldType.STR: "str",
    FieldType.TEXT: "str",
    FieldType.INT: "int",
    FieldType.FLOAT: "float",
    FieldType.DECIMAL: "Decimal",
    FieldType.BOOL: "bool",
    FieldType.DATE: "date",
    FieldType.DATETIME: "UtcDatetime",
    FieldType.TIME: "TimeOfDay",
    FieldType.UUID: "uuid.UUID",
    FieldType.EMAIL: "EmailStr",
    FieldType.URL: "str",
    FieldType.JSON: "JsonObject",
    FieldType.PASSWORD: "str",
}

PY_IMPORTS: dict[FieldType, tuple[str, ...]] = {
    FieldType.DECIMAL: ("from decimal import Decimal",),
    FieldType.DATE: ("from datetime import date",),
    FieldType.DATETIME: (
        "from datetime import datetime",
        "from sqlalchemy import DateTime",
        "from app.core.clock import UtcDatetime",
    ),
    FieldType.TIME: ("from app.core.clock import TimeOfDay",),
    FieldType.UUID: ("import uuid",),
    FieldType.EMAIL: ("from pydantic import EmailStr",),
    FieldType.JSON: ("from sqlalchemy import JSON", "from app.core.types import JsonObject"),
    FieldType.TEXT: ("from sqlalchemy import Text",),
    FieldType.ENUM: ("from enum import StrEnum",),
}


@dataclass(frozen=True)
class EnumView:
    name: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class FieldView:
    """One attribute as it appears in each class of the model family."""

    name: str
    column: str
    declaration: str  # in Base / table / Create: `title: str = Field(max_length=200)`
    update_declaration: str  # in Update: `title: str | None = Field(default=None, ...)`
    required: bool  # NOT NULL in the table and required on create


def _default_source(resource: ResourceSpec, field: FieldSpec) -> str:
    value = field.default
    if value is None:
        return "None"
    kind = field.type
    if kind is FieldType.ENUM:
        return f"{enum_class_name(resource, field)}.{value}"
    if kind is FieldType.DECIMAL:
        return f"Decimal({py_value(str(value))})"
    if kind is FieldType.DATE:
        return f"date.fromisoformat({py_value(str(value))})"
    if kind is FieldType.DATETIME:
        return f"datetime.fromisoformat({py_value(str(value))})"
    if kind is FieldType.TIME:
        return f"time.fromisoformat({py_value(str(value))})"
    if kind is FieldType.UUID:
        return f"uuid.UUID({py_value(str(value))})"
    if kind is FieldType.FLOAT:
        return repr(float(value))
    return py_value(value)


def long_text(field: FieldSpec) -> bool:
    """A `text` field with neither max_length nor pattern of its own: typed `LongText`
    (app/core/types.py), whose bounds are TEXT_MAX_LENGTH and no NUL characters."""
    return field.type is FieldType.TEXT and field.max_length is None and field.pattern is None


def _constraints(resource: ResourceSpec, field: FieldSpec) -> list[str]:
    args: list[str] = []
    extra: list[str] = []  # `schema_extra` entries: pydantic's Field arguments SQLModel lacks
    min_length = effective_min_length(field)
    max_length = None if long_text(field) else effective_max_length(field)
    pattern = None if long_text(field) else effective_pattern(field)
    if min_length is not None:
        args.append(f"min_length={min_length}")
    if max_length is not None:
        args.append(f"max_length={max_length}")
    if pattern is not None:
        extra.append(f'"pattern": {py_value(pattern)}')
    for bound in ("ge", "gt", "le", "lt"):
        value = getattr(field, bound)
        if value is not None:
            args.append(f"{bound}={value!r}")
    if field.type is FieldType.INT:
        if field.ge is None and field.gt is None:
            args.append(f"ge={INTEGER_MIN}")
        if field.le is None and field.lt is None:
            args.append(f"le={INTEGER_MAX}")
    if field.type is FieldType.FLOAT:
        # JSON has no NaN or Infinity: once accepted, they would be returned as null.
        extra.append('"allow_inf_nan": False')
    if field.type is FieldType.DECIMAL:
        digits, places = decimal_digits(field)
        args.append(f"max_digits={digits}")
        args.append(f"decimal_places={places}")
    if field.description:
        args.append(f"description={py_value(field.description)}")
    if field.example is not None:  # shown in the OpenAPI schema (a password's, on writes only)
        extra.append(f'"examples": [{py_value(field.example)}]')
    if extra:
        args.append(f"schema_extra={{{', '.join(extra)}}}")
    return args


def _column_args(field: FieldSpec) -> list[str]:
    args: list[str] = []
    if field.unique:
        args.append("unique=True")
    if field.index:
        args.append("index=True")
    if field.type is FieldType.TEXT:
        args.append("sa_type=Text")
    elif field.type is FieldType.DATETIME:
        args.append("sa_type=DateTime(timezone=True)")
    elif field.type is FieldType.JSON:
        args.append("sa_type=JSON")
    return args


def python_type(resource: ResourceSpec, field: FieldSpec) -> str:
    if field.type is FieldType.ENUM:
        return enum_class_name(resource, field)
    if long_text(field):
        return "LongText"
    return PY_TYPES[field.type]


def field_view(resource: ResourceSpec, field: FieldSpec) -> FieldView:
    base_type = python_type(resource, field)
    constraints = _constraints(resource, field)
    column_args = _column_args(field)
    if field.type is FieldType.PASSWORD:
        # The plain password exists only in Create / Update; the table stores the hash.
        column_args = []
    if field.has_default or field.optional:
        default = _default_source(resource, field) if field.has_default else "None"
        lead = [f"default={default}"]
    else:
        lead = []
    annotation = f"{base_type} | None" if field.optional else base_type
    declaration = _declare(field.name, annotation, [*lead, *constraints, *column_args])
    update_args = ["default=None", *constraints]
    update_declaration = f"{field.name}: {base_type} | None = Field({', '.join(update_args)})"
    return FieldView(
        name=field.name,
        column=column_name(field),
        declaration=declaration,
        update_declaration=update_declaration,
        required=not field.optional,
    )


def password_hash_view(field: FieldSpec) -> FieldView:
    name = column_name(field)
    declaration = f"{name}: str = Field(max_length={PASSWORD_HASH_LENGTH})"
    if field.optional:
        declaration = f"{name}: str | None = Field(default=None, max_length={PASSWORD_HASH_LENGTH})"
    return FieldView(
        name=name,
        column=name,
        declaration=declaration,
        update_declaration=declaration,
        required=not field.optional,
    )


def foreign_key_view(relation: RelationSpec, target_table: str) -> FieldView:
    name = fk_column_name(relation)
    args = [
        f'foreign_key="{target_table}.id"',
        f'ondelete="{on_delete_sql(relation)}"',
        "index=True",
    ]
    if relation.optional:
        declaration = f"{name}: int | None = Field(default=None, {', '.join(args)})"
    else:
        declaration = f"{name}: int = Field({', '.join(args)})"
    update_declaration = f"{name}: int | None = Field(default=None)"
    return FieldView(
        name=name,
        column=name,
        declaration=declaration,
        update_declaration=update_declaration,
        required=not relation.optional,
    )


def field_imports(field: FieldSpec) -> tuple[str, ...]:
    if field.type is FieldType.PASSWORD:
        return ()
    if field.type is FieldType.TIME and field.has_default:
        return (*PY_IMPORTS[field.type], "from datetime import time")  # time.fromisoformat
    if long_text(field):
        return (*PY_IMPORTS[field.type], "from app.core.types import LongText")
    return PY_IMPORTS.get(field.type, ())


def _declare(name: str, annotation: str, args: list[str]) -> str:
    if not args:
        return f"{name}: {annotation}"
    return f"{name}: {annotation} = Field({', '.join(args)})"
