"""The names the generated modules use for themselves are names a spec cannot take.

The loader's lists of reserved names (fastgen.spec.reserved) are checked here against what the
blueprints actually render for many specs, so a blueprint that starts importing or defining a new
name makes this fail until the loader refuses a spec that would clash with it:

- module-level names that a resource class (or a class derived from one) could also take;
- names the generated classes read in their bodies, which a field of that name would rebind;
- names the router's functions use beside the row variable named after the resource's module.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from spec_worlds import World

from fastgen.spec.clashes import class_names
from fastgen.spec.names import snake_case
from fastgen.spec.reserved import attribute_name_problem, class_name_problem, module_name_problem

CLASS_NAME = re.compile(r"[A-Z][A-Za-z0-9]*")
WORLD_NAMES = ("fields", "relations", "long_names")


def _modules(rendered: World) -> Iterator[tuple[str, ast.Module]]:
    for path in rendered.paths:
        if path.startswith("migrations/"):
            continue
        yield path, ast.parse(Path(rendered.root, path).read_text(encoding="utf-8"))


def _bound_at_module_level(tree: ast.Module) -> Iterator[str]:
    for node in tree.body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield from ((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            yield node.name
        elif isinstance(node, ast.Assign):
            yield from (target.id for target in node.targets if isinstance(target, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            yield node.target.id


def _read_in_class_body(node: ast.AST) -> Iterator[str]:
    """Names a class body reads while the class is created (not inside its methods)."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Load):
            yield child.id
        yield from _read_in_class_body(child)


@pytest.mark.parametrize("name", WORLD_NAMES)
def test_module_level_names_are_not_resource_names(
    world: Callable[[str], World], name: str
) -> None:
    rendered = world(name)
    derived = {item.value for spec in rendered.specs for item in class_names(spec)}
    free = {
        bound
        for _, tree in _modules(rendered)
        for bound in _bound_at_module_level(tree)
        if CLASS_NAME.fullmatch(bound) and bound not in derived
    }
    assert free
    assert sorted(n for n in free if class_name_problem(n) is None) == []


@pytest.mark.parametrize("name", WORLD_NAMES)
def test_names_read_in_class_bodies_are_not_field_names(
    world: Callable[[str], World], name: str
) -> None:
    read = {
        found
        for _, tree in _modules(world(name))
        for node in ast.walk(tree)
        if isinstance(node, ast.ClassDef)
        for found in _read_in_class_body(node)
        if found[0].islower()
    }
    assert {"str", "utcnow"} <= read
    assert sorted(n for n in read if attribute_name_problem(n) is None) == []


@pytest.mark.parametrize("name", WORLD_NAMES)
def test_router_locals_are_not_module_names(world: Callable[[str], World], name: str) -> None:
    rendered = world(name)
    modules = {snake_case(spec.resource) for spec in rendered.specs}
    beside: set[str] = set()
    for path, tree in _modules(rendered):
        if not path.startswith("app/routers/"):
            continue
        for node in tree.body:
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            inner = [found for statement in node.body for found in ast.walk(statement)]
            names = {found.id for found in inner if isinstance(found, ast.Name)}
            names |= {argument.arg for argument in node.args.args}
            rows = names & modules
            if rows:
                beside |= {n for n in names - rows if n[0].islower() and not n.endswith("_id")}
    assert {"session", "payload"} <= beside
    assert sorted(n for n in beside if module_name_problem(n.title(), n) is None) == []


EXPAND_SUFFIXES = ("_query", "_by_id", "_grant", "_keys", "_readable")


def test_locals_of_included_relations_cannot_coincide(world: Callable[[str], World]) -> None:
    """`_expand` binds `<relation><suffix>` per included relation beside names of its own. Two
    relations can only bind the same name if one suffix ends with another, and a relation can
    only take one of its own names if that name ends with a suffix: neither happens, whatever
    the relation names are (a belongs_to named `source` once rebound the `source_id` of a
    many_to_many's loop, with another type)."""
    for suffix in EXPAND_SUFFIXES:
        assert not any(o != suffix and o.endswith(suffix) for o in EXPAND_SUFFIXES)
    rendered = world("relations")
    own: set[str] = set()
    derived = 0
    for _, tree in _modules(rendered):
        for node in ast.walk(tree):
            if not (isinstance(node, ast.AsyncFunctionDef) and node.name == "_expand"):
                continue
            for found in ast.walk(node):
                if isinstance(found, ast.Name) and isinstance(found.ctx, ast.Store):
                    if found.id.endswith(EXPAND_SUFFIXES):
                        derived += 1
                    else:
                        own.add(found.id)
    assert derived > 0
    # its own names are fixed: none comes from a relation name
    assert own == {
        "items",
        "ids",
        "item",
        "row",
        "key",
        "found",
        "child",
        "parent_id",
        "source_id",
        "linked",
        "row_id",
    }
