"""Names a spec may not use, and why.

Field and relation names become Python attributes of SQLModel/pydantic classes and columns of SQL
tables, so they must avoid Python keywords, attributes those base classes already define, columns
fastgen adds itself, and SQL words that break unquoted in PostgreSQL or SQLite. They also become
query parameters of the list endpoint, so they may not contain '__' (the operator separator).
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass

from fastgen.builtin import BUILTIN_RESOURCES, builtin_for_table, rename_hint
from fastgen.spec.names import snake_case

# Separates a field from its operator in the list endpoint's filters (`pages__gte=10`): no field or
# relation name may contain it.
OPERATOR_SEPARATOR = "__"

# Columns every generated table gets (or that `owner` access adds).
SYSTEM_COLUMNS: frozenset[str] = frozenset({"id", "created_at", "updated_at", "owner_id"})

# Attributes of pydantic.BaseModel / sqlmodel.SQLModel that a field of the same name would shadow.
# Any name starting with `model_` is reserved as well (pydantic's protected namespace).
MODEL_ATTRIBUTES: frozenset[str] = frozenset(
    {
        "construct",
        "copy",
        "dict",
        "from_orm",
        "json",
        "metadata",
        "parse_file",
        "parse_obj",
        "parse_raw",
        "registry",
        "schema",
        "schema_json",
        "sqlmodel_update",
        "update_forward_refs",
        "validate",
    }
)

# Words that are reserved in PostgreSQL and/or SQLite and break as unquoted identifiers.
SQL_WORDS: frozenset[str] = frozenset(
    {
        "all",
        "analyse",
        "analyze",
        "and",
        "any",
        "array",
        "as",
        "asc",
        "asymmetric",
        "between",
        "both",
        "case",
        "cast",
        "check",
        "collate",
        "column",
        "constraint",
        "create",
        "cross",
        "current_date",
        "current_role",
        "current_time",
        "current_timestamp",
        "current_user",
        "default",
        "deferrable",
        "delete",
        "desc",
        "distinct",
        "do",
        "drop",
        "else",
        "end",
        "except",
        "exists",
        "false",
        "fetch",
        "for",
        "foreign",
        "from",
        "full",
        "grant",
        "group",
        "having",
        "in",
        "index",
        "initially",
        "inner",
        "insert",
        "intersect",
        "into",
        "is",
        "join",
        "key",
        "lateral",
        "leading",
        "left",
        "like",
        "limit",
        "localtime",
        "localtimestamp",
        "natural",
        "not",
        "null",
        "offset",
        "on",
        "only",
        "or",
        "order",
        "outer",
        "placing",
        "primary",
        "references",
        "returning",
        "right",
        "select",
        "session_user",
        "some",
        "symmetric",
        "table",
        "then",
        "to",
        "trailing",
        "true",
        "union",
        "unique",
        "update",
        "user",
        "using",
        "values",
        "variadic",
        "when",
        "where",
        "window",
        "with",
    }
)

# Modules of the project skeleton (app/routers/<name>.py, tests/test_<name>.py) a resource's
# generated modules would overwrite.
SKELETON_MODULES: frozenset[str] = frozenset({"admin_users", "auth", "health"})

# Tables fastgen or its tools own.
RESERVED_TABLES: frozenset[str] = frozenset({"alembic_version"})

# Class names a resource may not take: they shadow names the generated modules import.
RESERVED_CLASS_NAMES: frozenset[str] = frozenset(
    {
        "APIRouter",
        "Annotated",
        "AsyncClient",
        "AsyncSession",
        "ClientFor",
        "Grant",
        "MakeUser",
        "Path",
        "Settings",
        "BaseModel",
        "Depends",
        "Field",
        "HTTPException",
        "Query",
        "Relationship",
        "Request",
        "Response",
        "SQLModel",
        "Select",
        "Session",
    }
)


@dataclass(frozen=True)
class Problem:
    message: str
    hint: str | None = None


def _rename(name: str) -> str:
    return f"rename it, e.g. '{name.strip('_')}_ref'"


def attribute_name_problem(name: str) -> Problem | None:
    """Why `name` cannot be a field or relation name, or None when it is fine."""
    if name in SYSTEM_COLUMNS:
        if name == "owner_id":
            return Problem(
                "'owner_id' is reserved: fastgen adds it to record who created the row",
                _rename(name),
            )
        return Problem(
            f"'{name}' is reserved: every table gets it automatically",
            "remove it; 'id', 'created_at' and 'updated_at' are always present",
        )
    if name.startswith("_"):
        return Problem(f"'{name}' starts with '_', which is reserved", _rename(name))
    if OPERATOR_SEPARATOR in name:
        single = re.sub(r"_{2,}", "_", name).rstrip("_")
        return Problem(
            f"'{name}' contains '{OPERATOR_SEPARATOR}', which list filters use before an "
            "operator (e.g. 'pages__gte')",
            f"use single underscores, e.g. '{single}'",
        )
    if keyword.iskeyword(name):
        return Problem(f"'{name}' is a Python keyword", _rename(name))
    if name in MODEL_ATTRIBUTES or name.startswith("model_"):
        return Problem(
            f"'{name}' would shadow an attribute of SQLModel/pydantic models", _rename(name)
        )
    if name.lower() in SQL_WORDS:
        return Problem(f"'{name}' is a reserved SQL word", _rename(name))
    return None


def table_name_problem(name: str) -> Problem | None:
    """Why `name` cannot be a table name, or None when it is fine."""
    if name.lower() in SQL_WORDS:
        plural = f"{name}s"
        example = plural if table_name_problem(plural) is None else f"app_{plural}"
        return Problem(
            f"'{name}' is a reserved SQL word", f"choose another table name, e.g. '{example}'"
        )
    if name in RESERVED_TABLES:
        return Problem(f"'{name}' is used by Alembic", "choose another table name")
    builtin = builtin_for_table(name)
    if builtin is not None:
        return Problem(
            f"'{name}' is the table of the built-in {builtin} accounts",
            rename_hint(builtin, "'members'"),
        )
    return None


def class_name_problem(name: str) -> Problem | None:
    """Why `name` cannot be a resource class name, or None when it is fine."""
    if keyword.iskeyword(name):
        return Problem(f"'{name}' is a Python keyword", "choose another class name")
    if name in RESERVED_CLASS_NAMES:
        return Problem(
            f"'{name}' would clash with a name the generated code imports",
            f"choose another class name, e.g. '{name}Item'",
        )
    if name in BUILTIN_RESOURCES:
        return Problem(
            f"'{name}' is built in: it holds the accounts people log in with", rename_hint(name)
        )
    module = snake_case(name)
    if module in SKELETON_MODULES:
        return Problem(
            f"'{name}' would generate app/routers/{module}.py, which the project already has",
            f"choose another class name, e.g. '{name}Entry'",
        )
    return None
