"""Everything this fastgen generates for a project in a given state, in one render: the skeleton
`fastgen new` writes (for the project's name, database and roles), each resource's model,
router, factory and tests, the wiring of `app/main.py` and `app/models/__init__.py`, and the
files fastgen owns whole. What `fastgen upgrade` merges in and `fastgen check` compares the
record with. Migrations, the lock, the specs and `.env` are not part of it
(`fastgen.record.is_recorded`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

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


def generated_files(
    project: Project,
    state: ProjectState,
    identity: Identity,
    wired: Sequence[str | None] = (),
) -> dict[str, str]:
    """path -> text. `wired` are texts of `app/main.py` whose order of included routers the
    render keeps (routers are included in the order resources were added)."""
    files = {
        path: text
        for path, text in render_project(identity.name, identity.db, project.roles)
        if is_recorded(path)
    }
    files[ROLES_PATH] = roles_module(project)
    modules = _in_order([module_name(spec) for spec in state.resources.values()], wired)
    for module in modules:
        for path, patch in ((MAIN_PATH, include_router), (REGISTRY_PATH, register_model_module)):
            result = patch(files[path], module)
            if result.conflict is not None:  # the skeleton itself: a blueprint override broke it
                raise ConflictError([result.conflict])
            files[path] = result.source
    if state.resources or (project.root / FACTORIES_INIT[1]).is_file():  # kept after the last
        env = make_environment(project.override_dir)
        rendered = [
            file for spec in state.resources.values() for file in render_resource(env, spec, state)
        ]
        rendered.append(render_factories_init(env))
        files.update(format_python_files(rendered))
    return dict(sorted(files.items()))


def _in_order(modules: list[str], texts: Sequence[str | None]) -> list[str]:
    """`modules` in the order the first text that includes them all has their routers."""
    for text in texts:
        if text is None:
            continue
        found: Mapping[str, int] = {m: text.find(f"app.include_router({m}.router") for m in modules}
        if all(index >= 0 for index in found.values()):
            return sorted(modules, key=lambda m: found[m])
    return modules
