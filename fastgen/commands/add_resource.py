"""`fastgen add resource SPEC...`: models, router, tests and a migration for new resources."""

from __future__ import annotations

from pathlib import Path

import jinja2
import sqlalchemy as sa

from fastgen.commands.outcome import Outcome
from fastgen.errors import ConflictError, PatchConflict, UsageError
from fastgen.history import read_history, single_head
from fastgen.patch import include_router, register_model_module
from fastgen.patch.main_app import MAIN_PATH
from fastgen.patch.registry import REGISTRY_PATH
from fastgen.plan import AddResource, diff
from fastgen.project import LOCK_FILE, SPECS_DIR, VERSIONS_DIR, Project
from fastgen.render.columns import NAMING_CONVENTION, build_table
from fastgen.render.environment import make_environment
from fastgen.render.migration import create_table_ops, render_revision
from fastgen.render.pyformat import format_python_files
from fastgen.render.resource import module_name, render_factories_init, render_resource
from fastgen.spec.load import load_specs
from fastgen.spec.model import Operation, ResourceSpec
from fastgen.state import ProjectState, dump_lock, read_lock
from fastgen.write import Changeset, FileChange, changes_for, read_text

_SUPPORTED_SUBJECTS = {"public"}


def _require_supported_access(spec: ResourceSpec, origin: str) -> None:
    """Access rules are enforced, never dropped: until generated auth exists, only public
    operations can be generated."""
    for operation in Operation:
        subjects = set(spec.access.subjects(operation)) - _SUPPORTED_SUBJECTS
        if subjects:
            raise UsageError(
                f"{origin}: access.{operation.value}: {', '.join(sorted(subjects))} "
                "needs authentication, which this version of fastgen does not generate yet",
                hint="no `access` block means `authenticated`; declare "
                "`access: {list: [public], read: [public], create: [public], update: [public], "
                "delete: [public]}` to generate open endpoints on purpose",
            )


def add_resource(project: Project, spec_paths: list[Path]) -> Outcome:
    root = project.root
    state = read_lock(project.lock_path)
    specs = load_specs(
        spec_paths, known_resources=tuple(state.resources), roles=project.roles or None
    )
    sources = {spec.resource: path for spec, path in zip(specs, spec_paths, strict=True)}
    desired = state
    for spec in specs:
        desired = desired.with_resource(spec)
    added = [op.spec for op in diff(state, desired) if isinstance(op, AddResource)]
    if not added:
        names = ", ".join(spec.resource for spec in specs)
        return Outcome(root, Changeset(()), f"nothing to do: {names} already up to date")
    for spec in added:
        _require_supported_access(spec, str(sources[spec.resource]))

    env = make_environment(project.override_dir)
    files: dict[str, str] = {}
    conflicts: list[PatchConflict] = []
    registry = read_text(root, REGISTRY_PATH) or ""
    main = read_text(root, MAIN_PATH) or ""
    rendered: list[tuple[str, str]] = []
    for spec in added:
        module = module_name(spec)
        files[f"{SPECS_DIR}/{module}.yaml"] = sources[spec.resource].read_text(encoding="utf-8")
        rendered.extend(render_resource(env, spec, desired))
        registry_result = register_model_module(registry, module)
        main_result = include_router(main, module)
        registry, main = registry_result.source, main_result.source
        conflicts.extend(r.conflict for r in (registry_result, main_result) if r.conflict)
    if conflicts:
        raise ConflictError(conflicts)
    factories_path, factories_text = render_factories_init(env)
    if read_text(root, factories_path) is None:
        rendered.append((factories_path, factories_text))
    rendered.append(_migration(env, project, added, desired))
    files.update(format_python_files(rendered))
    files[REGISTRY_PATH] = registry
    files[MAIN_PATH] = main
    files[LOCK_FILE] = dump_lock(desired)

    changes = changes_for(root, files.items())
    _refuse_overwrites(changes, owned={REGISTRY_PATH, MAIN_PATH, LOCK_FILE})
    return Outcome(
        root=root,
        changeset=Changeset(changes),
        summary=f"added {', '.join(spec.resource for spec in added)}",
        next_steps=("alembic upgrade head", "pytest"),
        operations=tuple(AddResource(spec).describe() for spec in added),
    )


def _migration(
    env: jinja2.Environment, project: Project, added: list[ResourceSpec], state: ProjectState
) -> tuple[str, str]:
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    tables = state.tables()
    operations = [
        op for spec in added for op in create_table_ops(build_table(spec, metadata, tables))
    ]
    names = ", ".join(spec.table for spec in added)
    history = read_history(project.versions_dir)
    rendered = render_revision(
        env,
        operations,
        message=f"create {names}",
        down_revision=single_head(history, project.versions_dir),
        sequence=len(history) + 1,
    )
    return f"{VERSIONS_DIR}/{rendered.filename}", rendered.text


def _refuse_overwrites(changes: tuple[FileChange, ...], owned: set[str]) -> None:
    """A new resource's files must not replace files someone already has (hand-written or
    left from an earlier attempt); they are reported instead of overwritten."""
    clashes = [
        c for c in changes if c.before is not None and c.before != c.after and c.path not in owned
    ]
    if clashes:
        raise ConflictError(
            [
                PatchConflict(
                    path=c.path,
                    reason="the file already exists with other content",
                    snippet="move it away, or delete it, then run the command again",
                    where="(whole file)",
                )
                for c in clashes
            ]
        )
