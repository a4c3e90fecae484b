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

from fastgen.builtin import BUILTIN_RESOURCES, SKELETON_TABLES, builtin_for_table, rename_hint
from fastgen.spec.names import snake_case

MAX_IDENTIFIER = 63
"""The longest table, column or type name PostgreSQL keeps, in bytes: it cuts longer ones
silently, and then the database and the models name different things."""

MAX_NAME = 40
"""The longest field, relation or enum value name, and resource module name (the snake_case of
its class): generated code puts two of them on one line (`async def unlink_book_tags(`,
`genre_first = "genre_first"`), and its lines have 100 columns."""

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

# Names the generated model and router classes read in their bodies (types and defaults of the
# fields). A field of that name would rebind it for the fields declared after it, since Python
# evaluates a field's type after its default: the class would not even be created.
CLASS_BODY_NAMES: frozenset[str] = frozenset(
    {"bool", "date", "datetime", "dict", "float", "int", "list", "str", "time", "utcnow", "uuid"}
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

# Modules of the project skeleton a resource's generated modules (app/models/<module>.py,
# app/routers/<module>.py, tests/factories/<module>.py, tests/test_<module>.py) would overwrite.
SKELETON_FILES: dict[str, str] = {
    "admin_users": "app/routers/admin_users.py",
    "auth": "app/routers/auth.py",
    "errors": "tests/test_errors.py",
    "health": "app/routers/health.py",
    "password_reset": "tests/test_password_reset.py",
    "password_reset_token": "app/models/password_reset_token.py",
    "refresh_token": "app/models/refresh_token.py",
    "sessions": "tests/test_sessions.py",
    "user": "app/models/user.py",
}
SKELETON_MODULES: frozenset[str] = frozenset(SKELETON_FILES)


# Tables fastgen or its tools own.
RESERVED_TABLES: frozenset[str] = frozenset({"alembic_version"})

# Table names that belong to the databases: their catalogs (PostgreSQL looks names up in
# pg_catalog first, so `pg_class` would never reach our table) and the names the naming convention
# gives indexes and constraints (on PostgreSQL an index shares the namespace of tables).
SYSTEM_TABLE_PREFIXES: dict[str, str] = {
    "pg_": "PostgreSQL's system catalogs",
    "sqlite_": "SQLite's internal tables",
}
CONSTRAINT_PREFIXES = ("ix_", "uq_", "pk_", "fk_", "ck_")
SYSTEM_SCHEMAS: frozenset[str] = frozenset({"information_schema"})
SEQUENCE_SUFFIX = "_id_seq"
"""PostgreSQL names the sequence behind a table's id `<table>_id_seq`, among the tables."""

# The type of an enum column on PostgreSQL is named after the field (`bookgenre`, only letters and
# digits). It may not be a type or type keyword PostgreSQL already has (15 to 17): an unqualified
# name resolves to those first.
POSTGRES_TYPE_NAMES: frozenset[str] = frozenset(
    """
    aclitem any anyarray anycompatible anycompatiblearray anycompatiblemultirange
    anycompatiblenonarray anycompatiblerange anyelement anyenum anymultirange anynonarray
    anyrange bigint bit bool boolean box bpchar bytea char character cid cidr circle cstring
    date datemultirange daterange dec decimal double float float4 float8 gtsvector inet int
    int2 int2vector int4 int4multirange int4range int8 int8multirange int8range integer
    internal interval json jsonb jsonpath line lseg macaddr macaddr8 money name national
    nchar numeric nummultirange numrange oid oidvector path point polygon precision real
    record refcursor regclass regcollation regconfig regdictionary regnamespace regoper
    regoperator regproc regprocedure regrole regtype setof smallint text tid time timestamp
    timestamptz timetz trigger tsmultirange tsquery tsrange tstzmultirange tstzrange
    tsvector unknown uuid varbit varchar void xid xid8 xml
    """.split()  # noqa: SIM905  (a list of words reads better as words)
)

# Enum values become members of a StrEnum class: Python refuses `mro` and the `_sunder_` names,
# and gives `__dunder__` and other `_`-names other meanings. A member named like a method of str
# (`upper`, `title`, `count`, ...) hides that method on every member, and mypy refuses it.
ENUM_MEMBER_NAMES_REFUSED: frozenset[str] = frozenset({"mro"})
STR_METHODS: frozenset[str] = frozenset(name for name in dir(str) if not name.startswith("_"))

# Class names a resource may not take: names the generated modules import or define for their
# own use (tests/render/test_generated_names.py keeps this list complete).
RESERVED_CLASS_NAMES: frozenset[str] = frozenset(
    """
    ACCESS ALPHANUMERIC APIRouter Annotated Any AppError AsyncClient AsyncSession BaseModel
    CanCreate CanDelete CanList CanRead CanUpdate ClientFor Collection ColumnElement ConfigDict
    ConflictError DateTime Decimal Depends EmailStr ErrorDetail Field FilterInt FilterText Grant
    HTTPException IntegrityError JSON JsonObject KINDS Literal LongText MISSING MakeUser
    NotFoundError PATH Path Query ROLES Relationship Request Response SQLModel SUCCESS Select Self
    Sequence Session SessionDep Settings SettingsDep StrEnum String Text TimeOfDay UTC UtcDatetime
    Visibility VisibilityDep
    """.split()  # noqa: SIM905  (a list of words reads better as words)
)

# Names the router's functions use beside the row they work on, which is named after the module
# (`book = await _get_or_404(...)`): a resource whose module has one of these names would rebind
# it (tests/render/test_generated_names.py keeps this list complete).
ROUTER_LOCALS: frozenset[str] = frozenset(
    {
        "changes",
        "conflict_error",
        "exc",
        "grant",
        "hash_password",
        "params",
        "password",
        "payload",
        "session",
        "settings",
        "status",
        "utcnow",
        "visibility",
    }
)


@dataclass(frozen=True)
class Problem:
    message: str
    hint: str | None = None


def _rename(name: str) -> str:
    return f"rename it, e.g. '{name.strip('_')}_ref'"


def too_long(name: str, what: str, limit: int) -> Problem | None:
    """`name` (ASCII, as the loader's patterns allow) is longer than `limit` characters."""
    if len(name.encode()) <= limit:
        return None
    return Problem(
        f"'{name}' is {len(name.encode())} characters long; {what} takes at most {limit}",
        "choose a shorter name",
    )


_NAME_LIMIT = "fastgen (generated code joins names, and must fit its lines)"


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
    # Reserved SQL words (order, group, key, user...) are fine: every statement the app and its
    # migrations run comes from SQLAlchemy, which quotes them; a relation's column is <name>_id.
    if name in CLASS_BODY_NAMES:
        return Problem(
            f"'{name}' would hide the name '{name}' from the generated classes, which use it for "
            "the types and defaults of fields",
            _rename(name),
        )
    return too_long(name, _NAME_LIMIT, MAX_NAME)


# Paths every generated project serves itself: a resource at or below one would be shadowed by
# it (or, under /admin, put behind the admin role whatever its access says).
PROJECT_PATHS: dict[str, str] = {
    "/admin": "the admin area (every route below it needs the admin role)",
    "/auth": "login and accounts",
    "/docs": "the API documentation (Swagger UI)",
    "/health": "the health checks",
    "/redoc": "the API documentation (ReDoc)",
}


def path_problem(path: str) -> Problem | None:
    """Why a resource cannot be served at `path`, or None when it can."""
    for taken, what in PROJECT_PATHS.items():
        if path == taken or path.startswith(taken + "/"):
            return Problem(
                f"'{path}' is served by the project itself: '{taken}' is {what}",
                "choose another path",
            )
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
    if name in SKELETON_TABLES:
        return Problem(f"'{name}' holds {SKELETON_TABLES[name]}", "choose another table name")
    return _system_table_problem(name) or too_long(name, "a PostgreSQL table name", MAX_IDENTIFIER)


def _system_table_problem(name: str) -> Problem | None:
    hint = "choose another table name"
    for prefix, owner in SYSTEM_TABLE_PREFIXES.items():
        if name.startswith(prefix):
            return Problem(f"'{name}' starts with '{prefix}', which is reserved for {owner}", hint)
    if name in SYSTEM_SCHEMAS:
        return Problem(f"'{name}' is a system schema of PostgreSQL", hint)
    constraint = next((p for p in CONSTRAINT_PREFIXES if name.startswith(p)), None)
    if constraint is not None:
        return Problem(
            f"'{name}' starts with '{constraint}', which is how indexes and constraints are named "
            "(on PostgreSQL an index is looked up among the tables)",
            hint,
        )
    if name.endswith(SEQUENCE_SUFFIX):
        return Problem(
            f"'{name}' ends with '{SEQUENCE_SUFFIX}', which is how PostgreSQL names the sequence "
            "that numbers a table's ids",
            hint,
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
    return module_name_problem(name, snake_case(name))


def module_name_problem(name: str, module: str) -> Problem | None:
    """Why the resource `name` cannot have the module name `module` (its snake_case)."""
    if module in SKELETON_MODULES:
        return Problem(
            f"'{name}' would generate {SKELETON_FILES[module]}, which the project already has",
            f"choose another class name, e.g. '{name}Entry'",
        )
    if module in ROUTER_LOCALS:
        return Problem(
            f"'{name}' would name its rows '{module}' in the generated router, whose functions "
            f"already use '{module}'",
            f"choose another class name, e.g. '{name}Entry'",
        )
    if len(module) > MAX_NAME:
        return Problem(
            f"'{name}' is too long: its module name '{module}' is {len(module)} characters long; "
            f"{_NAME_LIMIT} takes at most {MAX_NAME}",
            "choose a shorter class name",
        )
    return None


def enum_value_problem(value: str) -> Problem | None:
    """Why `value` (a name: letters, digits and '_') cannot be a choice of an enum field."""
    if value.startswith("_"):
        return Problem(
            f"enum value '{value}' starts with '_': Python's Enum reserves such names "
            "('_missing_', '__init__', ...) or treats them differently",
            f"e.g. '{value.strip('_') or 'value'}'",
        )
    if value in ENUM_MEMBER_NAMES_REFUSED:
        return Problem(
            f"enum value '{value}' cannot be a member of a Python Enum (it is a method of every "
            "class)",
            f"e.g. '{value}_value'",
        )
    if value in STR_METHODS:
        return Problem(
            f"enum value '{value}' is a method of str: as a member of the generated StrEnum it "
            "would hide that method on every member (and mypy refuses it)",
            f"e.g. '{value}_value'",
        )
    return too_long(value, _NAME_LIMIT, MAX_NAME)


def enum_type_problem(type_name: str) -> Problem | None:
    """Why `type_name` cannot name the PostgreSQL type of an enum field's column."""
    if type_name in POSTGRES_TYPE_NAMES:
        return Problem(
            f"the field's PostgreSQL enum type would be named '{type_name}', which is a type "
            "PostgreSQL already has",
            "rename the field",
        )
    if len(type_name) > MAX_IDENTIFIER:
        return Problem(
            f"the field's PostgreSQL enum type would be named '{type_name}', "
            f"{len(type_name)} characters long; PostgreSQL takes at most {MAX_IDENTIFIER}",
            "shorten the field name (the type is the resource and field names joined)",
        )
    return None
