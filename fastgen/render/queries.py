"""What a resource's list and read endpoints accept beyond paging: the relations they can include
(`include=`), the filters (`<field>=`, `<field>__gte`, ...) and the sort keys (`sort=`), as the
router and test blueprints need them. Everything here is derived from the spec alone; a query
parameter that is not listed is refused by the generated endpoint (422)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from fastgen.builtin import BUILTIN_RESOURCES
from fastgen.render.columns import (
    enum_class_name,
    fk_column_name,
    link_class_name,
    link_columns,
    link_table_name,
)
from fastgen.spec.constraints import decimal_digits
from fastgen.spec.links import back_relation
from fastgen.spec.model import FieldSpec, FieldType, RelationSpec, ResourceSpec
from fastgen.spec.names import snake_case
from fastgen.state import ProjectState

RANGE_TYPES = (
    FieldType.INT,
    FieldType.FLOAT,
    FieldType.DECIMAL,
    FieldType.DATE,
    FieldType.DATETIME,
    FieldType.TIME,
)
TEXT_TYPES = (FieldType.STR, FieldType.TEXT, FieldType.EMAIL, FieldType.URL)
RANGE_OPERATORS = ("gte", "gt", "lte", "lt")

# Query parameter annotations: plain types (the stored values compare against them).
# FilterInt and FilterText are aliases the router declares: values a column cannot hold are
# refused (422) before they reach PostgreSQL, which would fail on them (out of INTEGER range,
# NUL characters).
_QUERY_TYPES: dict[FieldType, str] = {
    FieldType.STR: "FilterText",
    FieldType.TEXT: "FilterText",
    FieldType.EMAIL: "FilterText",
    FieldType.URL: "FilterText",
    FieldType.INT: "FilterInt",
    FieldType.FLOAT: "float",
    FieldType.DECIMAL: "Decimal",
    FieldType.BOOL: "bool",
    FieldType.DATE: "date",
    FieldType.DATETIME: "UtcDatetime",
    FieldType.TIME: "TimeOfDay",
    FieldType.UUID: "uuid.UUID",
}
_QUERY_IMPORTS: dict[str, str] = {
    "Decimal": "from decimal import Decimal",
    "date": "from datetime import date",
    "UtcDatetime": "from app.core.clock import UtcDatetime",
    "TimeOfDay": "from app.core.clock import TimeOfDay",
    "uuid.UUID": "import uuid",
}


@dataclass(frozen=True)
class FilterView:
    """One query parameter of the list endpoint that narrows the rows."""

    param: str  # `genre`, `price__gte`, `title__contains`, `author_id`
    attribute: str  # the model attribute it compares
    operator: str  # eq (any of the given values), gte, gt, lte, lt, contains
    annotation: str  # the parameter's Python type (a list for eq)
    kind: str  # how the tests compare values: number, decimal, datetime, text, plain
    parent_module: str | None = None  # a belongs_to filter: the parent's module (its factory)


@dataclass(frozen=True)
class ExpandView:
    """One relation the list and read endpoints can include on request."""

    name: str
    kind: str  # belongs_to, has_many, many_to_many
    target: str  # class
    target_module: str
    target_owner: bool  # the target's rows have owners (an owner-scoped read sees only its own)
    column: str  # belongs_to: our FK column; has_many: the child's FK column; m2m: our link column
    link_class: str | None = None  # many_to_many: the association model
    link_target_column: str | None = None  # many_to_many: the link's column for the target


@dataclass(frozen=True)
class LinkView:
    """A many_to_many this resource declares: its association model and link endpoints."""

    name: str  # relation name, also the path segment: /books/{book_id}/tags/{tag_id}
    class_name: str  # BookTagsLink
    table: str  # books_tags
    owner_column: str  # book_id
    target_column: str  # tag_id
    target: str
    target_module: str
    target_table: str
    read_rule: str  # the target's `read` list, as the router names it


def read_rule(spec: ResourceSpec, target: str) -> str:
    """How the router names the `read` list of a relation's target: its own ACCESS, another
    model's (imported under `access_alias`), or the accounts' rule in app.core.access."""
    if target == spec.resource:
        return 'ACCESS["read"]'
    if target in BUILTIN_RESOURCES:
        return "USER_READ"
    return f'{access_alias(target)}["read"]'


def links(spec: ResourceSpec, state: ProjectState) -> list[LinkView]:
    tables = state.tables()
    views = []
    for relation in spec.relations:
        if relation.kind != "many_to_many":
            continue
        owner_column, target_column = link_columns(spec, relation)
        views.append(
            LinkView(
                name=relation.name,
                class_name=link_class_name(spec, relation),
                table=link_table_name(spec, relation),
                owner_column=owner_column,
                target_column=target_column,
                target=relation.target,
                target_module=snake_case(relation.target),
                target_table=tables.get(relation.target, ""),
                read_rule=read_rule(spec, relation.target),
            )
        )
    return views


def back_reference(spec: ResourceSpec, relation: RelationSpec, state: ProjectState) -> str:
    """The child's FK column behind a has_many (the spec loader checked there is one)."""
    back = back_relation(spec.resource, relation, state.resources[relation.target])
    if back is None:
        raise ValueError(f"{relation.target} has no belongs_to {spec.resource} ({relation.name})")
    return fk_column_name(back)


def expansions(spec: ResourceSpec, state: ProjectState) -> list[ExpandView]:
    views = []
    for relation in spec.relations:
        if not relation.expand:
            continue
        target = state.resources.get(relation.target)
        target_owner = target.has_owner if target is not None else False
        module = snake_case(relation.target)
        if relation.kind == "belongs_to":
            views.append(
                ExpandView(
                    relation.name,
                    "belongs_to",
                    relation.target,
                    module,
                    target_owner,
                    fk_column_name(relation),
                )
            )
        elif relation.kind == "has_many":
            views.append(
                ExpandView(
                    relation.name,
                    "has_many",
                    relation.target,
                    module,
                    target_owner,
                    back_reference(spec, relation, state),
                )
            )
        else:
            owner_column, target_column = link_columns(spec, relation)
            views.append(
                ExpandView(
                    relation.name,
                    "many_to_many",
                    relation.target,
                    module,
                    target_owner,
                    owner_column,
                    link_class_name(spec, relation),
                    target_column,
                )
            )
    return views


def _test_kind(field: FieldSpec) -> str:
    if field.type in (FieldType.INT, FieldType.FLOAT):
        return "number"
    if field.type is FieldType.DECIMAL:
        return "decimal"
    if field.type is FieldType.DATETIME:
        return "datetime"
    if field.type in TEXT_TYPES:
        return "text"
    if field.type is FieldType.ENUM:
        return "enum"  # sorted by name on every database (PostgreSQL would use declaration order)
    return "plain"


def _query_type(spec: ResourceSpec, field: FieldSpec) -> str:
    if field.type is FieldType.ENUM:
        return enum_class_name(spec, field)
    if field.type is FieldType.DECIMAL:
        # the column's own digits bound the value: `1e-200000` is a 422, not an overflow
        digits, places = decimal_digits(field)
        return f"Annotated[Decimal, Field(max_digits={digits}, decimal_places={places})]"
    return _QUERY_TYPES[field.type]


def _base_type(annotation: str) -> str:
    """`Decimal` for `list[Annotated[Decimal, Field(...)]]`: the type a filter compares."""
    base = annotation.removeprefix("list[").removesuffix("]")
    return base.removeprefix("Annotated[").split(",")[0]


def filters(spec: ResourceSpec) -> list[FilterView]:
    views = []
    for field in spec.fields:
        if not field.filterable:
            continue
        annotation = _query_type(spec, field)
        kind = _test_kind(field)
        views.append(FilterView(field.name, field.name, "eq", f"list[{annotation}]", kind))
        if field.type in RANGE_TYPES:
            for operator in RANGE_OPERATORS:
                views.append(
                    FilterView(f"{field.name}__{operator}", field.name, operator, annotation, kind)
                )
        if field.type in TEXT_TYPES:
            views.append(
                FilterView(f"{field.name}__contains", field.name, "contains", "FilterText", kind)
            )
    for relation in spec.relations:
        if relation.kind == "belongs_to" and relation.filterable:
            column = fk_column_name(relation)
            parent = snake_case(relation.target)
            views.append(FilterView(column, column, "eq", "list[FilterInt]", "number", parent))
    return views


def sortable(spec: ResourceSpec) -> list[FilterView]:
    """Sort keys, as views of their field (param = the key, `-key` sorts descending)."""
    return [
        FilterView(field.name, field.name, "sort", _query_type(spec, field), _test_kind(field))
        for field in spec.fields
        if field.sortable
    ]


def query_imports(spec: ResourceSpec) -> list[str]:
    """Imports the router's filter parameters need (enums come from the model module): computed
    from the annotations the parameters are declared with, so each import is used. Sort keys
    need none: the router lists them as strings."""
    lines = set()
    for view in filters(spec):
        base = _base_type(view.annotation)
        if base in _QUERY_IMPORTS:
            lines.add(_QUERY_IMPORTS[base])
    return sorted(lines)


def query_enums(spec: ResourceSpec) -> list[str]:
    names = set()
    for view in filters(spec):
        base = _base_type(view.annotation)
        if base not in _QUERY_TYPES.values():
            names.add(base)
    return sorted(names)


def model_imports(spec: ResourceSpec, state: ProjectState) -> list[str]:
    """`from app.models... import ...` lines of the router: its own model family, parents it
    checks, relations it includes and targets it links (isort orders them when formatting)."""
    module = snake_case(spec.resource)
    suffixes = [s for s in SCHEMA_SUFFIXES if s != "Page" or not expansions(spec, state)]
    own = [spec.resource, *(f"{spec.resource}{suffix}" for suffix in suffixes), "ACCESS"]
    own += [link.class_name for link in links(spec, state)]
    own += query_enums(spec)
    lines = {f"from app.models.{module} import {name}" for name in own}
    for relation in spec.relations:
        target = snake_case(relation.target)
        if relation.target == spec.resource:
            continue
        if relation.kind == "belongs_to" or relation.kind == "many_to_many":
            lines.add(f"from app.models.{target} import {relation.target}")
            if relation.target not in BUILTIN_RESOURCES:  # whose read rule is app.core.access's
                alias = access_alias(relation.target)
                lines.add(f"from app.models.{target} import ACCESS as {alias}")
    for view in expansions(spec, state):
        if view.target == spec.resource:
            continue
        lines.add(f"from app.models.{view.target_module} import {view.target}")
        lines.add(f"from app.models.{view.target_module} import {view.target}Read")
        lines.add(
            f"from app.models.{view.target_module} import ACCESS as {access_alias(view.target)}"
        )
    return sorted(lines)


SCHEMA_SUFFIXES = ("Create", "Page", "Read", "Update")


def access_alias(resource: str) -> str:
    return f"{snake_case(resource).upper()}_ACCESS"


def factory_imports(
    spec: ResourceSpec, state: ProjectState, referenced: Iterable[str] = ()
) -> list[str]:
    """Factories of other resources the generated tests of includes, links, parent filters and
    `referenced` modules (the hidden rows of the reference tests) create rows with."""
    modules = {view.target_module for view in expansions(spec, state)} | set(referenced)
    modules |= {view.target_module for view in links(spec, state)}
    modules |= {view.parent_module for view in filters(spec) if view.parent_module}
    modules.discard(snake_case(spec.resource))
    modules.discard("user")  # accounts come from the `make_user` fixture
    return [f"from tests.factories.{module} import create_{module}" for module in sorted(modules)]


def query_aliases(spec: ResourceSpec) -> list[str]:
    """The router's constrained parameter types the filters use (FilterInt, FilterText)."""
    used = {_base_type(view.annotation) for view in filters(spec)}
    return sorted(used & {"FilterInt", "FilterText"})
