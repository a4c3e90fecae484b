"""`fastgen sync`: apply every spec change made since the lock file was written, and bring the
files fastgen owns whole (the spec JSON schema, app/core/roles.py) up to date. After a git merge
that left the migrations with several heads, it writes the merge revision that joins them."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from fastgen.commands.evolve import Decisions, evolve
from fastgen.commands.outcome import Outcome
from fastgen.commands.specs import ROLES_PATH, desired_state, owned_files, roles_module, spec_paths
from fastgen.errors import UsageError
from fastgen.project import SPECS_DIR, Project
from fastgen.record import recorded
from fastgen.state import ProjectState, read_lock
from fastgen.write import Changeset, changes_for


def parse_renames(arguments: Sequence[str]) -> dict[tuple[str, str], str]:
    """`Book.abstract=summary` -> {("Book", "abstract"): "summary"}."""
    renames: dict[tuple[str, str], str] = {}
    for argument in arguments:
        match = re.fullmatch(r"([A-Z][A-Za-z0-9]*)\.([a-z][a-z0-9_]*)=([a-z][a-z0-9_]*)", argument)
        if match is None:
            raise UsageError(
                f"--rename-from {argument!r}: expected RESOURCE.NEW=OLD",
                hint="for example --rename-from Book.abstract=summary",
            )
        renames[(match[1], match[2])] = match[3]
    return renames


def with_renames(state: ProjectState, renames: Mapping[tuple[str, str], str]) -> ProjectState:
    """The state with `renamed_from` set on the named fields, as if the specs declared it."""
    for (resource, name), old in renames.items():
        spec = state.resources.get(resource)
        if spec is None or name not in {field.name for field in spec.fields}:
            raise UsageError(
                f"--rename-from {resource}.{name}={old}: the specs have no field {resource}.{name}"
            )
        fields = tuple(
            field.model_copy(update={"renamed_from": old}) if field.name == name else field
            for field in spec.fields
        )
        state = state.with_resource(spec.model_copy(update={"fields": fields}))
    return state


def sync(
    project: Project,
    decisions: Decisions,
    renames: Mapping[tuple[str, str], str] | None = None,
) -> Outcome:
    owned = {**owned_files(), ROLES_PATH: roles_module(project)}
    state = read_lock(project.lock_path)
    if not spec_paths(project):
        pending = recorded(project.root, Changeset(changes_for(project.root, owned.items())))
        if not state.resources and not pending.is_noop:  # e.g. roles changed before any resource
            return Outcome(
                project.root, pending, "no specs yet; files fastgen owns brought up to date"
            )
        raise UsageError(
            f"no specs in {project.root / SPECS_DIR}",
            hint="add a resource first: fastgen add resource SPEC.yaml",
        )
    return evolve(
        project,
        state,
        with_renames(desired_state(project, locked=state.resources), renames or {}),
        spec_files=owned,
        decisions=decisions,
        merge_heads=True,
    )
