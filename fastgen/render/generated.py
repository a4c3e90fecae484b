"""Everything this fastgen generates for a project in a given state, in one render: the skeleton
`fastgen new` writes (for the project's name, database and roles), each resource's model,
router, factory and tests, and the files fastgen owns whole; `app/main.py` and
`app/models/__init__.py` as the skeleton has them, and `wired` with the resources wired in. What
`fastgen upgrade` merges in and `fastgen check` compares the record with. Migrations, the lock,
the specs and `.env` are not part of it (`fastgen.record.is_recorded`).
"""

from __future__ import annotations

from fastgen.commands.new import render_project
from fastgen.commands.specs import ROLES_PATH, roles_module
from fastgen.errors import ConflictError
from fastgen.patch import include_router, register_model_module
from fastgen.project import MAIN_PATH, REGISTRY_PATH, Project
from fastgen.record import Identity, is_recorded
from fastgen.render.environment import make_environment
from fastgen.render.pyformat import format_python_files
from fastgen.render.resource import (
    FACTORIES_INIT,
    module_name,
    render_factories_init,
    render_resource,
)
from fastgen.state import ProjectState


def generated_files(project: Project, state: ProjectState, identity: Identity) -> dict[str, str]:
    """path -> text, as the record keeps them: `app/main.py` and `app/models/__init__.py` as the
    skeleton has them (`wired` wires the resources in)."""
    files = {
        path: text
        for path, text in render_project(identity.name, identity.db, project.roles)
        if is_recorded(path)
    }
    files[ROLES_PATH] = roles_module(project)
    if state.resources or (project.root / FACTORIES_INIT[1]).is_file():  # kept after the last
        env = make_environment(project.override_dir)
        rendered = [
            file for spec in state.resources.values() for file in render_resource(env, spec, state)
        ]
        rendered.append(render_factories_init(env))
        files.update(format_python_files(rendered))
    return dict(sorted(files.items()))


def wired(path: str, text: str, state: ProjectState, order: str | None = None) -> str:
    """`text` of `app/main.py` or `app/models/__init__.py` (anything else is returned as it is)
    with every resource of `state` wired in, in the order `order` (a text of `app/main.py`)
    includes their routers (the order they were added), else the lock's."""
    patch = {MAIN_PATH: include_router, REGISTRY_PATH: register_model_module}.get(path)
    if patch is None:
        return text
    for module in _in_order([module_name(spec) for spec in state.resources.values()], order):
        result = patch(text, module)
        if result.conflict is not None:  # the skeleton itself: a blueprint override broke it
            raise ConflictError([result.conflict])
        text = result.source
    return text


def _in_order(modules: list[str], text: str | None) -> list[str]:
    """`modules` in the order `text` includes their routers (those it does not, last)."""
    if text is None:
        return modules
    found = {m: text.find(f"app.include_router({m}.router") for m in modules}
    return sorted(modules, key=lambda m: (found[m] < 0, found[m]))
