"""Rendering of one resource: its models, router, tests and test-data factory.

`resource_context` is a pure function from the spec (and the project state, for relation
targets) to the values the blueprints need; `render_resource` renders the blueprints into
(path, text) pairs for new files, unformatted: the command formats all its new files at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jinja2

from fastgen.render import queries, samples
from fastgen.render.columns import (
    column_name,
    enum_class_name,
    fk_column_name,
)
from fastgen.render.model_fields import (
    EnumView,
    FieldView,
    field_imports,
    field_view,
    foreign_key_view,
    password_hash_view,
)
from fastgen.render.openapi import field_docs, route_docs
from fastgen.spec.model import FieldType, OnDelete, Operation, ResourceSpec
from fastgen.spec.names import snake_case
from fastgen.spec.patterns import ALPHANUMERIC
from fastgen.state import ProjectState

# blueprint name -> output path (formatted with the resource's module name)
RESOURCE_BLUEPRINTS: dict[str, str] = {
    "resource/model.py.jinja": "app/models/{module}.py",
    "resource/router.py.jinja": "app/routers/{module}.py",
    "resource/factory.py.jinja": "tests/factories/{module}.py",
    "resource/test_resource.py.jinja": "tests/test_{module}.py",
}
FACTORIES_INIT = ("resource/factories_init.py.jinja", "tests/factories/__init__.py")


@dataclass(frozen=True)
class ParentView:
    """A required or optional `belongs_to` parent, as the factory needs it."""

    column: str
    module: str
    resource: str
    optional: bool
    read_rule: str  # the parent's `read` list, as the router names it (queries.read_rule)


@dataclass(frozen=True)
class OperationView:
    """One operation's access list and rate limit, as the router and its tests need them."""

    name: str
    subjects: tuple[str, ...]
    roles: tuple[str, ...]  # the role names among the subjects
    public: bool
    authenticated: bool  # any valid token will do
    owner: bool
    limit: str | None  # this operation's own budget
    success: int  # the status code of a successful call

    @property
    def roles_only(self) -> bool:
        """Only holders of `roles` may call it: anyone else with a token gets 403."""
        return not (self.public or self.authenticated or self.owner)

    @property
    def owner_scoped(self) -> bool:
        """A caller without one of `roles` reaches only the rows they own."""
        return self.owner and not (self.public or self.authenticated)

    @property
    def allow_args(self) -> str:
        return ", ".join(f'"{subject}"' for subject in self.subjects)


@dataclass(frozen=True)
class ReferenceCase:
    """A foreign key or link whose target rows a caller may be unable to read: the generated
    tests check that such a row is referenced no more than, and answered like, a missing one.
    The caller ("stranger") holds every role but those of the target's `read` list."""

    kind: str  # belongs_to (a foreign key column) or many_to_many (a link endpoint)
    name: str  # the column (folder_id) or the link's path segment (labels)
    target: str
    target_module: str
    read_roles: tuple[str, ...]  # the roles of the target's `read` list: the stranger lacks them
    on_update: bool  # the stranger may update their own row (PATCH of the column, links)


_SUCCESS = {"list": 200, "read": 200, "create": 201, "update": 200, "delete": 204}
_BUILTIN_SUBJECTS = ("public", "authenticated", "owner")


def operation_views(spec: ResourceSpec) -> list[OperationView]:
    views = []
    for operation in Operation:
        subjects = spec.access.subjects(operation)
        views.append(
            OperationView(
                name=operation.value,
                subjects=subjects,
                roles=tuple(s for s in subjects if s not in _BUILTIN_SUBJECTS),
                public="public" in subjects,
                authenticated="authenticated" in subjects,
                owner="owner" in subjects,
                limit=getattr(spec.limits, operation.value),
                success=_SUCCESS[operation.value],
            )
        )
    return views


def module_name(spec: ResourceSpec) -> str:
    return snake_case(spec.resource)


def output_paths(spec: ResourceSpec) -> list[str]:
    module = module_name(spec)
    return [path.format(module=module) for path in RESOURCE_BLUEPRINTS.values()]


def resource_context(spec: ResourceSpec, state: ProjectState) -> dict[str, Any]:
    tables = {**state.tables(), spec.resource: spec.table}
    writable: list[FieldView] = []  # in Base: readable and writable
    write_only: list[FieldView] = []  # in Create / Update and the table, never read
    read_only: list[FieldView] = []  # in the table and Read, never written by clients
    stored_only: list[FieldView] = []  # in the table only (password hashes)
    passwords: list[FieldView] = []
    enums: list[EnumView] = []
    # Filters the value-based filter tests cover: not those of read-only fields without a
    # default, null in every row made through the API (no value to filter by).
    never_set = {f.name for f in spec.fields if f.read_only and f.default is None}
    valued_filters = [view for view in queries.filters(spec) if view.attribute not in never_set]
    imports: set[str] = set()
    for field in spec.fields:
        imports.update(field_imports(field))
        view = field_view(spec, field)
        if field.type is FieldType.ENUM:
            assert field.values is not None
            enums.append(EnumView(enum_class_name(spec, field), field.values))
        if field.type is FieldType.PASSWORD:
            passwords.append(view)
            stored_only.append(password_hash_view(field))
        elif field.write_only:
            write_only.append(view)
        elif field.read_only:
            read_only.append(view)
        else:
            writable.append(view)
    parents: list[ParentView] = []
    for relation in spec.relations:
        if relation.kind != "belongs_to":
            continue
        writable.append(foreign_key_view(relation, tables[relation.target]))
        parents.append(
            ParentView(
                column=fk_column_name(relation),
                module=snake_case(relation.target),
                resource=relation.target,
                optional=relation.optional,
                read_rule=queries.read_rule(spec, relation.target),
            )
        )
    creatable = [*writable, *write_only, *passwords]
    payload_fields = [f for f in spec.fields if not f.read_only]
    field_samples = {f.name: samples.sample(f) for f in payload_fields}
    uses_counter, sample_imports = samples.uses(list(field_samples.values()))
    unique_fields = [f.name for f in spec.fields if f.unique and not f.read_only]
    module = module_name(spec)
    page = spec.limits.page_size
    operations = operation_views(spec)
    limited = [op for op in operations if op.limit is not None or spec.limits.rate is not None]
    tag = spec.table.replace("_", "-")
    links = queries.links(spec, state)
    expand = queries.expansions(spec, state)
    return {
        "owner": spec.has_owner,
        "operations": {op.name: op for op in operations},
        "shared_limit": spec.limits.rate,
        "rate_limited": bool(limited),
        # the operation the 429 test exhausts: one that needs no new rows, when possible
        "limited_operation": _pick_limited(limited),
        "read_only_names": [f.name for f in spec.fields if f.read_only],
        "valued_filters": valued_filters,
        "access": {op.name: op.subjects for op in operations},
        "links": links,
        "docs": route_docs(spec, tag, [link.name for link in links]),
        "field_docs": field_docs(spec, f"{spec.resource}{'Expanded' if expand else 'Read'}"),
        "reference_cases": reference_cases(spec, state),
        "list_beyond_read": spec.access.beyond_read(Operation.LIST),
        "update_beyond_read": spec.access.beyond_read(Operation.UPDATE),
        "datetime_fields": [f.name for f in payload_fields if f.type is FieldType.DATETIME],
        "json_fields": [f.name for f in payload_fields if f.type is FieldType.JSON],
        "textual_fields": [
            f.name
            for f in payload_fields
            if f.type
            in (FieldType.STR, FieldType.TEXT, FieldType.EMAIL, FieldType.URL, FieldType.PASSWORD)
        ],
        "expand": expand,
        "filters": queries.filters(spec),
        "sortable": queries.sortable(spec),
        "query_imports": queries.query_imports(spec),
        "query_enums": queries.query_enums(spec),
        "query_aliases": queries.query_aliases(spec),
        "model_imports": queries.model_imports(spec, state),
        "factory_imports": queries.factory_imports(
            spec, state, [case.target_module for case in reference_cases(spec, state)]
        ),
        "test_kinds": {
            view.attribute: view.kind for view in [*queries.filters(spec), *queries.sortable(spec)]
        },
        "range_filters_exist": any(
            view.operator in queries.RANGE_OPERATORS for view in valued_filters
        ),
        "page_sizes": sorted(
            {size for size in (1, 5, 25) if size <= page.max} | {min(page.max, 25)}
        ),
        **_matrix(operations, limited),
        "spec": spec,
        "resource": spec.resource,
        "module": module,
        "table": spec.table,
        "path": spec.path,
        "tag": tag,
        "id_param": f"{module}_id",
        "human": module.replace("_", " "),
        "writable": writable,
        "write_only": write_only,
        "read_only": read_only,
        "stored_only": stored_only,
        "passwords": [
            (f.name, column_name(f)) for f in spec.fields if f.type is FieldType.PASSWORD
        ],
        "optional_passwords": [
            f.name for f in spec.fields if f.type is FieldType.PASSWORD and f.optional
        ],
        "creatable": creatable,
        "password_views": passwords,
        "not_null_on_update": [f.name for f in creatable if f.required],
        "enums": enums,
        "imports": sorted(imports),
        "parents": parents,
        "restricting_users": [
            fk_column_name(r)
            for r in spec.relations
            if r.kind == "belongs_to"
            and r.target == "User"
            and r.on_delete in (None, OnDelete.RESTRICT)
        ],
        "samples": [(f.name, field_samples[f.name].source) for f in payload_fields],
        "invalid_cases": [c for f in payload_fields for c in samples.invalid_cases(f)],
        "boundary_cases": [c for f in payload_fields for c in samples.boundary_cases(f)],
        "unique_fields": unique_fields,
        "readable_checks": _readable_checks(spec),
        "update_field": _update_field(spec, field_samples),
        "page_default": page.default,
        "page_max": page.max,
        "uses_counter": uses_counter,
        "sample_imports": sample_imports,
    }


_USER_READ = ("owner", "admin")  # app.core.access.USER_READ: an account is read by itself, admins


def _read_subjects(target: str, state: ProjectState) -> tuple[str, ...]:
    spec = state.resources.get(target)
    return _USER_READ if spec is None else spec.access.read


def _allows_stranger(subjects: tuple[str, ...], read_roles: tuple[str, ...]) -> bool:
    """A stranger (every role but `read_roles`, owner of their own rows) passes `subjects`."""
    return any(s in ("public", "authenticated", "owner") or s not in read_roles for s in subjects)


def reference_cases(spec: ResourceSpec, state: ProjectState) -> list[ReferenceCase]:
    """Foreign keys and links to targets whose `read` rule may hide a row from a stranger (no
    `public`, no `authenticated`), where the stranger may create the row (and its other
    required parents) that references it."""
    required = [r for r in spec.relations if r.kind == "belongs_to" and not r.optional]
    cases = []
    for relation in spec.relations:
        if relation.kind not in ("belongs_to", "many_to_many"):
            continue
        read = _read_subjects(relation.target, state)
        if {"public", "authenticated"} & set(read):
            continue
        roles = tuple(s for s in read if s not in ("owner",))
        others = [r for r in required if r is not relation]
        if not _allows_stranger(spec.access.create, roles) or not all(
            _allows_stranger(_read_subjects(other.target, state), roles)
            and (
                other.target not in state.resources
                or _allows_stranger(state.resources[other.target].access.create, roles)
            )
            for other in others
        ):
            continue
        name = fk_column_name(relation) if relation.kind == "belongs_to" else relation.name
        cases.append(
            ReferenceCase(
                kind=relation.kind,
                name=name,
                target=relation.target,
                target_module=snake_case(relation.target),
                read_roles=roles,
                on_update=_allows_stranger(spec.access.update, roles),
            )
        )
    return cases


def _matrix(operations: list[OperationView], limited: list[OperationView]) -> dict[str, Any]:
    """Which access and rate-limit tests the resource's test module needs."""
    owner_scoped = [op.name for op in operations if op.owner_scoped]
    owner_item_ops = [name for name in owner_scoped if name in ("read", "update", "delete")]
    role_cases = [(op.name, role) for op in operations for role in op.roles]
    roles_only = [op.name for op in operations if op.roles_only]
    return {
        "anonymous_denied": [op.name for op in operations if not op.public],
        "anonymous_allowed": [op.name for op in operations if op.public],
        "roles_only": roles_only,
        "role_cases": role_cases,
        "owner_item_ops": owner_item_ops,
        "owner_lists": "list" in owner_scoped,
        "uses_other_users": bool(roles_only or role_cases or owner_scoped or limited),
    }


def _pick_limited(limited: list[OperationView]) -> OperationView | None:
    order = ["list", "read", "update", "delete", "create"]
    return min(limited, key=lambda op: order.index(op.name), default=None)


def _readable_checks(spec: ResourceSpec) -> list[tuple[str, str]]:
    """(field, kind) pairs the create test compares between payload and response."""
    checks: list[tuple[str, str]] = []
    for field in spec.fields:
        if field.read_only or field.write_only or field.type is FieldType.PASSWORD:
            continue
        kind = "datetime" if field.type is FieldType.DATETIME else "plain"
        if field.type is FieldType.DECIMAL:
            kind = "decimal"
        if field.type is FieldType.FLOAT:
            kind = "float"
        checks.append((field.name, kind))
    return checks


def _update_field(spec: ResourceSpec, field_samples: dict[str, samples.Sample]) -> str | None:
    """A plain writable field the update test can change to a second sample value: one whose
    sample varies from call to call when there is one."""
    candidates = [
        field.name
        for field in spec.fields
        if not (field.read_only or field.write_only)
        and field.type in (FieldType.STR, FieldType.TEXT, FieldType.INT)
    ]
    varying = [name for name in candidates if field_samples[name].counter]
    chosen = varying or candidates
    return chosen[0] if chosen else None


def render_resource(
    env: jinja2.Environment, spec: ResourceSpec, state: ProjectState
) -> list[tuple[str, str]]:
    context = resource_context(spec, state)
    files: list[tuple[str, str]] = []
    for blueprint, path in RESOURCE_BLUEPRINTS.items():
        target = path.format(module=context["module"])
        text = env.get_template(blueprint).render(context)
        files.append((target, text))
    return files


def render_factories_init(env: jinja2.Environment) -> tuple[str, str]:
    blueprint, path = FACTORIES_INIT
    return path, env.get_template(blueprint).render(text_alphabet=ALPHANUMERIC)
