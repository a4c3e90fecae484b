"""Names fastgen derives from the specs, checked once the specs are built: each must be free.

A resource gives more names than it states. Its fields become columns (a password field's is
`<name>_hash`, a belongs_to adds `<relation>_id`); its module name, class names (the model family,
the router's parameter classes, one StrEnum per enum field, one link model per many_to_many)
and, on PostgreSQL, one enum type per enum field, which shares its namespace with the tables.
Two of them that coincide would overwrite a file, rebind a class or fail a migration, so the
loader refuses the later one, at the field, relation or resource it comes from. Resources of the
project's applied state take part (their names are taken) but are never reported on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from fastgen.builtin import BUILTIN_RESOURCES, SKELETON_TABLES
from fastgen.spec.fields import Where
from fastgen.spec.links import association_table
from fastgen.spec.model import FieldType, ResourceSpec
from fastgen.spec.names import (
    enum_class_name,
    enum_type_name,
    link_class_name,
    password_column,
    snake_case,
)
from fastgen.spec.reserved import (
    RESERVED_CLASS_NAMES,
    RESERVED_TABLES,
    Problem,
    enum_type_problem,
)
from fastgen.spec.source import Report, Span

__all__ = ["FAMILY_SUFFIXES", "Located", "check_derived_names", "class_names"]

FAMILY_SUFFIXES = (
    # app/models/<module>.py
    "Base",
    "Create",
    "Update",
    "Read",
    "Page",
    # app/routers/<module>.py
    "Id",
    "ListParams",
    "ReadParams",
    "Expanded",
    "ExpandedPage",
    "SortKey",
    "Include",
)
"""Classes and aliases named after each resource: `Book` + `Read` -> `BookRead`."""


@dataclass(frozen=True)
class Located:
    """A spec being loaded, with where its parts are (`Where` as the loader recorded it)."""

    spec: ResourceSpec
    report: Report
    where: Where

    def span(self, *loc: str | int) -> tuple[str, Span | None]:
        return self.where.get(tuple(loc), (".".join(str(part) for part in loc), None))


@dataclass(frozen=True)
class _Name:
    value: str
    what: str  # "the enum class of Book.genre": reads well before "would be 'BookGenre'"
    at: tuple[str | int, ...]  # where to report it (a key of `Where`)


def class_names(spec: ResourceSpec) -> list[_Name]:
    """Every class (or type alias) name the generated modules define for `spec`."""
    resource = spec.resource
    names = [_Name(resource, f"the model class of {resource}", ("resource",))]
    names += [
        _Name(f"{resource}{suffix}", f"the {suffix} class of {resource}", ("resource",))
        for suffix in FAMILY_SUFFIXES
    ]
    for index, field in enumerate(spec.fields):
        if field.type is FieldType.ENUM:
            names.append(
                _Name(
                    enum_class_name(resource, field.name),
                    f"the enum class of {resource}.{field.name}",
                    ("fields", index),
                )
            )
    for index, relation in enumerate(spec.relations):
        if relation.kind == "many_to_many":
            names.append(
                _Name(
                    link_class_name(resource, relation.name),
                    f"the link model of {resource}.{relation.name}",
                    ("relations", index),
                )
            )
    return names


def _type_names(spec: ResourceSpec) -> list[_Name]:
    """Names in PostgreSQL's namespace of types, which tables share: the table, the link tables
    and the enum types."""
    names = [_Name(spec.table, f"the table of {spec.resource}", ("table",))]
    for index, relation in enumerate(spec.relations):
        if relation.kind == "many_to_many":
            names.append(
                _Name(
                    association_table(spec.table, relation.name),
                    f"the link table of {spec.resource}.{relation.name}",
                    ("relations", index),
                )
            )
    for index, field in enumerate(spec.fields):
        if field.type is FieldType.ENUM:
            names.append(
                _Name(
                    enum_type_name(spec.resource, field.name),
                    f"the PostgreSQL enum type of {spec.resource}.{field.name}",
                    ("fields", index),
                )
            )
    return names


def _module_names(spec: ResourceSpec) -> list[_Name]:
    module = snake_case(spec.resource)
    return [_Name(module, f"the module of {spec.resource}", ("resource",))]


def check_derived_names(located: Sequence[Located], applied: Mapping[str, ResourceSpec]) -> None:
    """Report, in the spec it comes from, every derived name that is taken or not allowed."""
    for item in located:
        _columns(item)
        _enum_types(item)
    loaded = {item.spec.resource for item in located}
    kept = [spec for name, spec in sorted(applied.items()) if name not in loaded]
    tables = {
        table: f"the table of the built-in {name}" for name, table in BUILTIN_RESOURCES.items()
    }
    tables.update(dict.fromkeys(RESERVED_TABLES, "Alembic's table"))
    tables.update({table: f"the table of {what}" for table, what in SKELETON_TABLES.items()})
    imported = dict.fromkeys(RESERVED_CLASS_NAMES, "a name the generated code imports")
    for names_of, reserved in ((class_names, imported), (_module_names, {}), (_type_names, tables)):
        owners: dict[str, _Name | str] = dict(reserved)
        for spec in kept:
            for name in names_of(spec):
                owners.setdefault(name.value, name)
        for item in located:
            for name in names_of(item.spec):
                owner = owners.setdefault(name.value, name)
                if owner is name:
                    continue
                taken = owner if isinstance(owner, str) else owner.what
                message = f"{name.what} would be '{name.value}', which is already {taken}"
                _report(item, name.at, Problem(message, _hint(name.at)))


def _hint(at: tuple[str | int, ...]) -> str:
    if at[0] == "fields":
        return "rename the field"
    if at[0] == "relations":
        return "rename the relation"
    if at[0] == "table":
        return "choose another table name"
    return "choose another resource name"


def _report(item: Located, at: tuple[str | int, ...], problem: Problem) -> None:
    path, span = item.span(*at)
    item.report.error(span, path, problem.message, problem.hint)


def _columns(item: Located) -> None:
    """A password field's column (`<name>_hash`) must not be another field."""
    spec = item.spec
    fields = {field.name: index for index, field in enumerate(spec.fields)}
    for field in spec.fields:
        column = password_column(field.name)
        if field.type is FieldType.PASSWORD and column in fields:
            _report(
                item,
                ("fields", fields[column]),
                Problem(
                    f"field '{column}' has the name of the column that stores the hash of the "
                    f"password field '{field.name}'",
                    "rename one of them",
                ),
            )


def _enum_types(item: Located) -> None:
    for index, field in enumerate(item.spec.fields):
        if field.type is FieldType.ENUM:
            problem = enum_type_problem(enum_type_name(item.spec.resource, field.name))
            if problem is not None:
                _report(item, ("fields", index), problem)
