"""`fastgen add column` and `fastgen remove column`: edit one spec, then sync.

The spec file is edited in place (comments, order and quoting kept) and written together with
the code and the migration, so a refused change leaves the spec untouched too.
"""

from __future__ import annotations

import difflib
from pathlib import Path

from fastgen.commands.evolve import Decisions, evolve
from fastgen.commands.outcome import Outcome
from fastgen.commands.specs import desired_state, spec_memo, spec_paths, spec_texts, specs_key
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
    new = desired_state(project, texts={path: edited}, locked=old.resources)
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
    found = _spec_files(project)
    if resource in found:
        return found[resource]
    close = difflib.get_close_matches(resource, list(found), n=1)
    raise UsageError(
        f"no resource {resource} in {project.root / 'specs'}",
        hint=(f"did you mean {close[0]}? " if close else "")
        + "resources: "
        + (", ".join(sorted(found)) or "none yet"),
    )


def _spec_files(project: Project) -> dict[str, Path]:
    """Resource -> its spec file, once the specs load. Which file holds which resource is kept
    in the per-user cache: specs that loaded before, with the same names and texts, load again
    (the command loads them once more with its edit)."""
    paths = spec_paths(project)
    texts = spec_texts(paths)  # None: one cannot be read, which loading reports
    memo = spec_memo("spec-files")
    key = specs_key(memo, project, texts) if texts is not None else None
    known = memo.get(key) if key is not None else None
    if isinstance(known, dict) and sorted(known.values()) == sorted(map(str, paths)):
        return {str(name): Path(path) for name, path in known.items()}
    specs = load_specs(paths, roles=project.roles, texts=texts)
    found = {spec.resource: path for spec, path in zip(specs, paths, strict=True)}
    if key is not None:
        memo.put(key, {name: str(path) for name, path in found.items()})
    return found
