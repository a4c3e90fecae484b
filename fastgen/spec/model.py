"""The spec format (version 1) as immutable pydantic models.

These models are the single source of truth for what a resource looks like once loaded. The
loader (`fastgen.spec.load`) turns YAML into these models and reports every problem with its
location; everything downstream (state, diff, render) works on these values only.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints


class FieldType(StrEnum):
    STR = "str"
    TEXT = "text"
    INT = "int"
    FLOAT = "float"
    DECIMAL = "decimal"
    BOOL = "bool"
    DATE = "date"
    DATETIME = "datetime"
    TIME = "time"
    UUID = "uuid"
    EMAIL = "email"
    URL = "url"
    ENUM = "enum"
    JSON = "json"
    PASSWORD = "password"


class Operation(StrEnum):
    LIST = "list"
    READ = "read"
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


class OnDelete(StrEnum):
    CASCADE = "cascade"
    SET_NULL = "set null"
    RESTRICT = "restrict"


Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
ClassName = Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Za-z0-9]*$")]
RATE_LIMIT_PATTERN = r"^[1-9][0-9]*\s*(/|per\s+)\s*([1-9][0-9]*\s+)?(second|minute|hour|day)s?$"
PATH_PATTERN = r"^(/[a-z0-9][a-z0-9_-]*)+$"
RateLimit = Annotated[str, StringConstraints(pattern=RATE_LIMIT_PATTERN)]
Scalar = str | int | float | bool | None

# A decimal field without max_digits / decimal_places keeps None in its FieldSpec; renderers apply
# these defaults (and the loader checks defaults and values against them).
DEFAULT_MAX_DIGITS = 10
DEFAULT_DECIMAL_PLACES = 2


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)


class FieldSpec(_Frozen):
    """One column of a resource. `name` is the key under `fields:`."""

    name: Identifier
    type: FieldType
    optional: bool = False
    default: Scalar = None
    unique: bool = False
    index: bool = False
    min_length: int | None = Field(default=None, ge=0)
    max_length: int | None = Field(default=None, ge=1)
    pattern: str | None = None
    ge: int | float | None = None
    gt: int | float | None = None
    le: int | float | None = None
    lt: int | float | None = None
    max_digits: int | None = Field(default=None, ge=1, le=1000)
    decimal_places: int | None = Field(default=None, ge=0)
    values: tuple[str, ...] | None = None
    read_only: bool = False
    write_only: bool = False
    sortable: bool = False
    filterable: bool = False
    description: str | None = None
    example: Any = None
    renamed_from: Identifier | None = None

    @property
    def has_default(self) -> bool:
        """True when the spec gave a default (even `null`)."""
        return "default" in self.model_fields_set


class RelationSpec(_Frozen):
    """One relation. Exactly one of belongs_to / has_many / many_to_many is set.

    `on_delete`, `optional` and `filterable` apply to belongs_to only, `via` to has_many only (the
    target's belongs_to relation that points back; the loader checks it exists or infers it).
    """

    name: Identifier
    belongs_to: ClassName | None = None
    has_many: ClassName | None = None
    many_to_many: ClassName | None = None
    on_delete: OnDelete | None = None
    optional: bool = False
    expand: bool = False
    filterable: bool = False
    via: Identifier | None = None

    @property
    def kind(self) -> Literal["belongs_to", "has_many", "many_to_many"]:
        if self.belongs_to is not None:
            return "belongs_to"
        if self.has_many is not None:
            return "has_many"
        return "many_to_many"

    @property
    def target(self) -> str:
        target = self.belongs_to or self.has_many or self.many_to_many
        assert target is not None  # guaranteed by the loader
        return target


class PageSize(_Frozen):
    default: int = Field(default=20, ge=1)
    max: int = Field(default=100, ge=1)


class Limits(_Frozen):
    rate: RateLimit | None = None
    list: RateLimit | None = None
    read: RateLimit | None = None
    create: RateLimit | None = None
    update: RateLimit | None = None
    delete: RateLimit | None = None
    page_size: PageSize = PageSize()


DEFAULT_ACCESS: tuple[str, ...] = ("authenticated",)


class Access(_Frozen):
    """Who may do each operation. A missing operation means `authenticated`."""

    list: tuple[str, ...] = DEFAULT_ACCESS
    read: tuple[str, ...] = DEFAULT_ACCESS
    create: tuple[str, ...] = DEFAULT_ACCESS
    update: tuple[str, ...] = DEFAULT_ACCESS
    delete: tuple[str, ...] = DEFAULT_ACCESS

    def subjects(self, operation: Operation) -> tuple[str, ...]:
        result: tuple[str, ...] = getattr(self, operation.value)
        return result

    def beyond_read(self, operation: Operation) -> tuple[str, ...]:
        """The subjects of `operation` that let some caller reach rows the `read` rule hides
        from them: `authenticated` when reading needs a role, a role or `owner` when reading is
        only for the owner, `owner` when reading needs a role."""
        read = set(self.read)

        def covered(subject: str) -> bool:
            if "public" in read or subject in read:
                return True
            return subject != "public" and "authenticated" in read

        return tuple(subject for subject in self.subjects(operation) if not covered(subject))


class ResourceSpec(_Frozen):
    """A loaded, normalised resource spec. Defaults (table, path) are already filled in.

    `renamed_from` names the resource this one was called before: the next `sync` renames its
    table, modules and references instead of refusing a resource without a spec. Once applied,
    it is inert and may stay."""

    version: Literal[1] = 1
    resource: ClassName
    table: Identifier
    path: Annotated[str, StringConstraints(pattern=PATH_PATTERN)]
    fields: tuple[FieldSpec, ...]
    relations: tuple[RelationSpec, ...] = ()
    access: Access = Access()
    limits: Limits = Limits()
    renamed_from: ClassName | None = None

    @property
    def has_owner(self) -> bool:
        """An access list names `owner`: the table records who created each row (owner_id)."""
        return any("owner" in self.access.subjects(operation) for operation in Operation)

    def field(self, name: str) -> FieldSpec:
        for field in self.fields:
            if field.name == name:
                return field
        raise KeyError(name)
