"""`fastgen add column` and `fastgen remove column`: edit one spec, then sync.

The spec file is edited in place (comments, order and quoting kept) and written together with
the code and the migration, so a refused change leaves the spec untouched too.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from fastgen.commands.evolve import Decisions, evolve
from fastgen.commands.outcome import Outcome
from fastgen.commands.specs import desired_state, spec_paths
from fastgen.errors import UsageError
from fastgen.files import read_spec_text
from fastgen.project import Project
from fastgen.spec.edit import ColumnOptions, add_field, column_entry, remove_field
from fastgen.spec.load import load_specs
from fastgen.state import read_lock


def add_column(
    project: Project,
    resource: str,
    argument: str,
    options: ColumnOptions,
    decisions: Decisions,
) -> Outcome:
    path = _spec_for(project, resource)
    column = column_entry(argument, options)
    text = read_spec_text(path, _relative(project, path))
    edited = add_field(text, column.name, column.entry, origin=_relative(project, path))
    return _evolve_with(project, path, edited, decisions)


def remove_column(project: Project, resource: str, name: str, decisions: Decisions) -> Outcome:
    path = _spec_for(project, resource)
    text = read_spec_text(path, _relative(project, path))
    edited = remove_field(text, name, origin=_relative(project, path))
    return _evolve_with(project, path, edited, decisions)


def _evolve_with(project: Project, path: Path, edited: str, decisions: Decisions) -> Outcome:
    old = read_lock(project.lock_path)
    new = desired_state(project, texts={path: edited})
    return evolve(
        project,
        old,
        new,
        spec_files={_relative(project, path): edited},
        decisions=decisions,
    )


def _relative(project: Project, path: Path) -> str:
    return path.relative_to(project.root).as_posix()


def _spec_for(project: Project, resource: str) -> Path:
    """The spec file of `resource` (its class name, e.g. `Book`)."""
    paths = spec_paths(project)
    specs = load_specs(paths, roles=project.roles)
    found = {spec.resource: path for spec, path in zip(specs, paths, strict=True)}
    if resource in found:
        return found[resource]
    close = difflib.get_close_matches(resource, list(found), n=1)
    raise UsageError(
        f"no resource {resource} in {project.root / 'specs'}",
        hint=(f"did you mean {close[0]}? " if close else "")
        + "resources: "
        + (", ".join(sorted(found)) or "none yet"),
    )
