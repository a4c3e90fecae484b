"""`fastgen sync`: apply every spec change made since the lock file was written."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from fastgen.commands.access import require_supported_access
from fastgen.commands.check import owned_files
from fastgen.commands.evolve import Decisions, evolve
from fastgen.commands.outcome import Outcome
from fastgen.errors import UsageError
from fastgen.project import SPECS_DIR, Project
from fastgen.spec.load import load_specs
from fastgen.state import ProjectState, read_lock


def spec_paths(project: Project) -> list[Path]:
    folder = project.root / SPECS_DIR
    return sorted([*folder.glob("*.yaml"), *folder.glob("*.yml")]) if folder.is_dir() else []


def desired_state(project: Project, texts: Mapping[Path, str] | None = None) -> ProjectState:
    """The state the project's specs describe (with `texts` standing in for some files)."""
    paths = spec_paths(project)
    state = ProjectState()
    for spec, path in zip(
        load_specs(paths, roles=project.roles or None, texts=texts), paths, strict=True
    ):
        require_supported_access(spec, path, (texts or {}).get(path))
        state = state.with_resource(spec)
    return state


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
    if not spec_paths(project):
        raise UsageError(
            f"no specs in {project.root / SPECS_DIR}",
            hint="add a resource first: fastgen add resource SPEC.yaml",
        )
    return evolve(
        project,
        read_lock(project.lock_path),
        with_renames(desired_state(project), renames or {}),
        spec_files=owned_files(),
        decisions=decisions,
    )
