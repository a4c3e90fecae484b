"""What the project's own files describe: its specs (the desired state) and the files fastgen
owns whole. Read by every command that compares or syncs; light on imports, so `check` does not
load the rendering and migration machinery."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from fastgen.commands.access import require_supported_access
from fastgen.project import SPECS_DIR, Project
from fastgen.spec.json_schema import SCHEMA_FILE, schema_text
from fastgen.spec.load import load_specs
from fastgen.state import ProjectState


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


def owned_files() -> dict[str, str]:
    """Files fastgen owns whole (never edited by hand): path -> what they must contain."""
    return {SCHEMA_FILE: schema_text()}
