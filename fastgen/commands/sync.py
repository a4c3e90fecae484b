"""`fastgen sync`: apply every spec change made since the lock file was written."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

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
    state = ProjectState()
    for spec in load_specs(spec_paths(project), roles=project.roles or None, texts=texts):
        state = state.with_resource(spec)
    return state


def sync(project: Project, decisions: Decisions) -> Outcome:
    if not spec_paths(project):
        raise UsageError(
            f"no specs in {project.root / SPECS_DIR}",
            hint="add a resource first: fastgen add resource SPEC.yaml",
        )
    return evolve(
        project,
        read_lock(project.lock_path),
        desired_state(project),
        spec_files={},
        decisions=decisions,
    )
