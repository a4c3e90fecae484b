"""Spec worlds for the render tests: many spec combinations, loaded by the loader (which decides
what is valid) and rendered in-process into one generated project (`world` fixture in
conftest.py, once per test session)."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastgen.commands.new import USERS_REVISION, render_project
from fastgen.plan import diff
from fastgen.render.environment import make_environment
from fastgen.render.migration import render_revision
from fastgen.render.pyformat import format_python_files
from fastgen.render.resource import render_factories_init, render_resource
from fastgen.render.schema_change import schema_change
from fastgen.spec.load import load_specs
from fastgen.spec.model import FieldType, ResourceSpec
from fastgen.state import ProjectState

ROLES = ("admin", "editor")
PUBLIC = {op: ["public"] for op in ("list", "read", "create", "update", "delete")}

# A value each type takes as a default (and as an example).
DEFAULTS: dict[FieldType, Any] = {
    FieldType.STR: "plain",
    FieldType.TEXT: "line one\nline two",
    FieldType.INT: 3,
    FieldType.FLOAT: 1.5,
    FieldType.DECIMAL: "2.50",
    FieldType.BOOL: True,
    FieldType.DATE: "2024-01-31",
    FieldType.DATETIME: "2024-01-31T12:00:00",
    FieldType.TIME: "12:30:00",
    FieldType.UUID: "5f1c8d7e-0b6a-4b8e-9a53-2f0e6c1d9b10",
    FieldType.EMAIL: "someone@example.com",
    FieldType.URL: "https://example.com/a",
    FieldType.ENUM: "beta",
    FieldType.JSON: None,
    FieldType.PASSWORD: None,
}
# Longer than a line, with words longer than a line, escapes, accents and emoji.
LONG_TEXT = (
    "A description that runs on and on, well past the hundred columns of a line, "
    + "with_a_word_that_is_longer_than_any_line_could_ever_hold_" * 3
    + ' then "quotes", a \\ backslash, a tab\t, a newline\n, accents éàü and emoji 🚀🎉.'
)
_NO_INDEX = (FieldType.PASSWORD, FieldType.JSON)
_STRINGY = (FieldType.STR, FieldType.TEXT, FieldType.EMAIL, FieldType.URL, FieldType.PASSWORD)
_NUMERIC = (FieldType.INT, FieldType.FLOAT, FieldType.DECIMAL)
_SMALL_DOMAIN = (FieldType.BOOL, FieldType.ENUM)
"""Types too few values of which exist for the generated tests' rows: unique is refused."""


def _variants(kind: FieldType) -> Iterator[dict[str, Any]]:
    """Option sets a field of `kind` accepts, one feature at a time and a few together."""
    yield {}
    yield {"optional": True}
    yield {"description": 'says "hi"\n\tand \\ more'}
    yield {"description": LONG_TEXT, "optional": True}
    if kind not in (*_NO_INDEX, *_SMALL_DOMAIN):
        yield {"unique": True}
    if kind not in _NO_INDEX:
        yield {"index": True}
        yield {"sortable": True}
        yield {"filterable": True}
        yield {"sortable": True, "filterable": True, "optional": True}
        yield {"read_only": True, "optional": True}
    yield {"write_only": True}
    if DEFAULTS[kind] is not None:
        yield {"default": DEFAULTS[kind]}
        yield {"default": DEFAULTS[kind], "optional": True, "sortable": kind not in _NO_INDEX}
    if kind in (FieldType.STR, FieldType.TEXT):
        yield {"pattern": "^[a-z]+$", "example": "abc"}
        yield {"pattern": "^[a-z]+$", "example": "abc", "unique": True}
    if kind in _STRINGY:
        yield {"min_length": 10, "max_length": 40}
    if kind in _NUMERIC:
        yield {"ge": 1, "le": 9}
        yield {"gt": 0, "lt": 10_000, "unique": True}


def _field(kind: FieldType, options: dict[str, Any]) -> dict[str, Any]:
    field: dict[str, Any] = {"type": kind.value, **options}
    if kind is FieldType.ENUM:
        field["values"] = ["alpha", "beta"]
    return field


def field_specs() -> Iterator[dict[str, Any]]:
    """One resource per field type and option set, then one with every type at once."""
    for kind in FieldType:
        for number, options in enumerate(_variants(kind)):
            yield {
                "resource": f"F{kind.value.capitalize()}{number}",
                "fields": {"value": _field(kind, options)},
                "access": PUBLIC,
            }
    for number, flags in enumerate(({}, {"sortable": True, "filterable": True})):
        fields = {
            f"v_{kind.value}": _field(kind, flags if kind not in _NO_INDEX else {})
            for kind in FieldType
        }
        yield {"resource": f"AllTypes{number}", "fields": fields}


ACCESS: dict[str, dict[str, list[str]]] = {
    "default": {},
    "public": PUBLIC,
    "owner": {"list": ["owner", "admin"], "read": ["owner"], "update": ["owner", "editor"]},
    "roles": {op: ["editor"] for op in ("list", "read", "create", "update", "delete")},
    "mixed": {"list": ["public"], "read": ["authenticated"], "delete": ["admin"]},
}
LIMITS: dict[str, dict[str, Any]] = {
    "none": {},
    "shared": {"rate": "100/minute"},
    "own": {"create": "5/minute", "page_size": {"default": 5, "max": 7}},
}
# Relation sets of a child resource, to `Parent` (which has_many children back only when asked).
RELATIONS: dict[str, dict[str, dict[str, Any]]] = {
    "none": {},
    "parent": {"parent": {"belongs_to": "Parent"}},
    "parent_optional": {"parent": {"belongs_to": "Parent", "optional": True}},
    "parent_expand": {"parent": {"belongs_to": "Parent", "expand": True}},
    "parent_filterable": {"parent": {"belongs_to": "Parent", "filterable": True}},
    "parent_all": {
        "parent": {"belongs_to": "Parent", "expand": True, "filterable": True, "optional": True}
    },
    "two_parents": {
        "writer": {"belongs_to": "Parent", "filterable": True},
        "editor": {"belongs_to": "Parent", "optional": True, "expand": True},
    },
    "two_required_parents": {
        "writer": {"belongs_to": "Parent", "filterable": True},
        "editor": {"belongs_to": "Parent", "expand": True},
    },
    "self": {"up": {"belongs_to": "{self}", "optional": True, "expand": True}},
    "self_filterable": {"up": {"belongs_to": "{self}", "optional": True, "filterable": True}},
    "user": {"author": {"belongs_to": "User"}},
    "user_optional": {"author": {"belongs_to": "User", "optional": True, "filterable": True}},
    "tags": {"tags": {"many_to_many": "Parent"}},
    "tags_expand": {"tags": {"many_to_many": "Parent", "expand": True}},
    "children": {"kids": {"has_many": "Kid"}},
    "children_expand": {"kids": {"has_many": "Kid", "expand": True}},
    "children_self": {
        "up": {"belongs_to": "{self}", "optional": True},
        "downs": {"has_many": "{self}", "expand": True},
    },
}


def relation_specs() -> Iterator[dict[str, Any]]:
    """Every relation set with every access rule, and each limit with a few of them."""
    yield {"resource": "Parent", "fields": {"label": "str"}, "access": PUBLIC}
    combos = itertools.chain(
        itertools.product(RELATIONS, ACCESS, ["none"]),
        itertools.product(["none", "parent_expand", "children_expand"], ["owner"], LIMITS),
    )
    for number, (relations, access, limits) in enumerate(combos):
        if (relations, access) == ("user", "public"):
            continue  # refused: anonymous creators could never name a User (tests/spec)
        name = f"Child{number}"
        rels = json.loads(json.dumps(RELATIONS[relations]).replace("{self}", name))
        spec: dict[str, Any] = {
            "resource": name,
            "fields": {"label": {"type": "str", "sortable": True}},
            "relations": rels,
            "access": ACCESS[access],
            "limits": LIMITS[limits],
        }
        if any(r.get("has_many") == "Kid" for r in rels.values()):
            yield {
                "resource": f"Kid{number}",
                "fields": {"label": "str"},
                "relations": {"home": {"belongs_to": name}},
                # authenticated: anonymous creators could never name a home they may not read
                "access": {**PUBLIC, "create": ["authenticated"]},
            }
            rels["kids"]["has_many"] = f"Kid{number}"
        yield spec


def _long(stem: str, size: int) -> str:
    """`stem` padded to exactly `size` characters: a snake_case name."""
    return (stem + "_x" * size)[:size].rstrip("_").ljust(size, "x")


# As long as the loader takes: names of 40 characters (module names too), tables of 63.
LONG_RESOURCE = "CatalogueEntryOfLongArchivesShelves"  # module: 40 characters
LONG_OTHER = "ShelfOfLongArchiveCataloguesXyzabcd"  # module: 40 characters


def long_name_specs() -> Iterator[dict[str, Any]]:
    """Every name as long as the loader takes (tables 63 characters, other names 40)."""
    fields: dict[str, Any] = {}
    for kind in FieldType:
        name = _long(f"long_{kind.value}", 40)
        options: dict[str, Any] = {"optional": True, "unique": True, "description": LONG_TEXT}
        if kind in _NO_INDEX:
            options = {"optional": True}
        if kind in _SMALL_DOMAIN:
            options.pop("unique")
        if kind not in (*_NO_INDEX, FieldType.BOOL, FieldType.UUID):
            options |= {"sortable": True, "filterable": True}
        if kind is FieldType.ENUM:
            name = "kind"
            options["values"] = [_long("first_value", 40), _long("second_value", 40)]
        if kind in (FieldType.STR, FieldType.TEXT):
            options |= {"pattern": "^[a-z]+$", "example": "example" * 12}
        fields[name] = {"type": kind.value, **options}
    fields[_long("required_enum", 40)] = {"type": "enum", "values": [_long("only", 40)]}
    access = {"list": ["public"], "read": ["owner", "editor"], "update": ["owner"]}
    limits = {"rate": "1000 per 2 minutes", "delete": "10/second"}
    yield {
        "resource": LONG_RESOURCE,
        "table": _long("very_long_table_name", 63),
        "path": "/" + "-".join(["segment"] * 11) + "/a",  # 90 characters
        "fields": fields,
        "access": access,
        "limits": limits,
    }
    relations = {
        _long("long_parent", 40): {"belongs_to": LONG_RESOURCE, "expand": True, "filterable": True},
        _long("other_parent", 40): {"belongs_to": LONG_RESOURCE, "optional": True},
        _long("linked", 40): {"many_to_many": LONG_RESOURCE, "expand": True},
        _long("self_parent", 40): {"belongs_to": LONG_OTHER, "optional": True, "expand": True},
        _long("self_children", 40): {"has_many": LONG_OTHER, "expand": True},
    }
    yield {
        "resource": LONG_OTHER,
        "table": _long("other_table", 63 - 41),
        "fields": {_long("long_label", 40): {"type": "str", "unique": True, "sortable": True}},
        "relations": relations,
        "access": access,
    }


def load_world(specs: Iterable[dict[str, Any]], tmp_path: Path) -> list[ResourceSpec]:
    """The spec dictionaries as the loader accepts them (it decides what is valid)."""
    folder = tmp_path / "specs"
    folder.mkdir()
    paths = []
    for spec in specs:
        path = folder / f"{spec['resource']}.yaml"
        path.write_text(json.dumps({"version": 1, **spec}, indent=1), encoding="utf-8")
        paths.append(path)
    return load_specs(paths, roles=ROLES)


def render_world(specs: list[ResourceSpec], root: Path) -> list[str]:
    """A generated project holding every resource's files and the revision that creates their
    tables (formatted as `add resource` does); returns those files' paths."""
    state = ProjectState()
    for spec in specs:
        state = state.with_resource(spec)
    env = make_environment()
    files = [pair for spec in specs for pair in render_resource(env, spec, state)]
    files.append(render_factories_init(env))
    change = schema_change(diff(ProjectState(), state), ProjectState(), state)
    revision = render_revision(
        env,
        message=change.message,
        upgrade=change.upgrade,
        downgrade=change.downgrade,
        down_revision=USERS_REVISION,
        sequence=2,
    )
    files.append((f"migrations/versions/{revision.filename}", revision.text))
    generated = [path for path, _ in files]
    for path, text in [*render_project("world", "sqlite", ROLES), *format_python_files(files)]:
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return generated


WORLDS: dict[str, Callable[[], Iterator[dict[str, Any]]]] = {
    "fields": field_specs,
    "relations": relation_specs,
    "long_names": long_name_specs,
}


@dataclass(frozen=True)
class World:
    specs: list[ResourceSpec]
    root: Path  # the generated project
    paths: list[str]  # the resource files in it (relative)
