"""Rendering of one resource: its models, router, tests and test-data factory.

`resource_context` is a pure function from the spec (and the project state, for relation
targets) to the values the blueprints need; `render_resource` renders the blueprints into
(path, text) pairs for new files, unformatted: the command formats all its new files at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import jinja2

from fastgen.render import samples
from fastgen.render.columns import column_name, enum_class_name, fk_column_name
from fastgen.render.model_fields import (
    EnumView,
    FieldView,
    field_imports,
    field_view,
    foreign_key_view,
    password_hash_view,
)
from fastgen.spec.model import FieldType, ResourceSpec
from fastgen.spec.names import snake_case
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
            )
        )
    creatable = [*writable, *write_only, *passwords]
    payload_fields = [f for f in spec.fields if not f.read_only]
    unique_fields = [f.name for f in spec.fields if f.unique and not f.read_only]
    module = module_name(spec)
    page = spec.limits.page_size
    return {
        "spec": spec,
        "resource": spec.resource,
        "module": module,
        "table": spec.table,
        "path": spec.path,
        "tag": spec.table.replace("_", "-"),
        "id_param": f"{module}_id",
        "human": module.replace("_", " "),
        "writable": writable,
        "write_only": write_only,
        "read_only": read_only,
        "stored_only": stored_only,
        "passwords": [
            (f.name, column_name(f)) for f in spec.fields if f.type is FieldType.PASSWORD
        ],
        "creatable": creatable,
        "password_views": passwords,
        "not_null_on_update": [f.name for f in creatable if f.required],
        "enums": enums,
        "imports": sorted(imports),
        "parents": parents,
        "samples": [(f.name, samples.sample(f)) for f in payload_fields],
        "invalid_cases": [c for f in payload_fields for c in samples.invalid_cases(f)],
        "boundary_cases": [c for f in payload_fields for c in samples.boundary_cases(f)],
        "unique_fields": unique_fields,
        "readable_checks": _readable_checks(spec),
        "update_field": _update_field(spec),
        "page_default": page.default,
        "page_max": page.max,
        "uses_uuid_sample": any(
            f.type is FieldType.UUID and f.example is None for f in payload_fields
        ),
        "uses_vary": any(f.pattern is not None and f.unique for f in payload_fields),
        "uses_counter": any(re.search(r"\bn\b", samples.sample(f)) for f in payload_fields),
        "uses_text": any("text(" in samples.sample(f) for f in payload_fields),
    }


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


def _update_field(spec: ResourceSpec) -> str | None:
    """A plain writable field the update test can change to a second sample value."""
    for field in spec.fields:
        if field.read_only or field.write_only or field.type is FieldType.PASSWORD:
            continue
        if field.type in (FieldType.STR, FieldType.TEXT, FieldType.INT) and field.pattern is None:
            return field.name
    return None


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
    return path, env.get_template(blueprint).render()
