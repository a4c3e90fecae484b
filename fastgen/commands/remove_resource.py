"""`fastgen remove resource NAME`: a resource out of the project, its table out of the database.

The resource is taken from the lock file (its spec file may be deleted already: `sync` then
points here). It is refused while another spec (or the applied state) still has a relation to
it. Otherwise one change removes its spec file, its generated files and their wiring, records
the state without it, and writes a revision that drops its table, its link tables and its enum
types, whose downgrade creates them again, empty.
"""

from __future__ import annotations

import difflib
from dataclasses import replace

from fastgen.commands.evolve import Decisions, evolve
from fastgen.commands.outcome import Outcome
from fastgen.commands.specs import spec_paths
from fastgen.errors import UsageError
from fastgen.files import read_spec_text
from fastgen.plan import RemoveResource
from fastgen.project import LOCK_FILE, Project
from fastgen.spec.references import Reference, SpecOutline, outline
from fastgen.state import ProjectState, read_lock


def remove_resource(project: Project, name: str, decisions: Decisions) -> Outcome:
    state = read_lock(project.lock_path)
    outlines = _outlines(project)
    own_specs = sorted(file for file, found in outlines.items() if found.resource == name)
    spec = state.resources.get(name)
    if spec is None:
        raise _not_there(name, state, own_specs)
    references = _references(name, state, outlines)
    if references:
        count = len(references)
        listed = "\n".join(f"  {reference}" for reference in references)
        raise UsageError(
            f"{name} is still referenced by {count} relation{'s' if count != 1 else ''}; "
            f"nothing was written:\n{listed}",
            hint=f"remove those relations or point them elsewhere, run `fastgen sync`, then "
            f"`fastgen remove resource {name}` again",
        )
    outcome = evolve(
        project,
        state,
        state.without_resource(name),
        spec_files={},
        decisions=decisions,
        operations=[RemoveResource(spec)],
        deleted_specs=own_specs,
    )
    return replace(outcome, summary=f"removed {name} ({outcome.summary})")


def _outlines(project: Project) -> dict[str, SpecOutline]:
    """Each spec file (relative path) with the resource it declares and its relations."""
    found: dict[str, SpecOutline] = {}
    for path in spec_paths(project):
        relative = path.relative_to(project.root).as_posix()
        found[relative] = outline(read_spec_text(path, relative), relative)
    return found


def _references(name: str, state: ProjectState, outlines: dict[str, SpecOutline]) -> list[str]:
    """The relations of other resources that point to `name`: in the spec files, at their
    place, and in the applied state for those a spec no longer shows (not synced yet)."""
    in_specs: list[Reference] = [
        reference
        for found in outlines.values()
        if found.resource != name
        for reference in found.references
        if reference.target == name
    ]
    shown = {(reference.resource, reference.relation) for reference in in_specs}
    applied = [
        f"{LOCK_FILE}: {other.resource}.{relation.name} ({relation.kind}: {name}), "
        "no longer in its spec but not synced yet"
        for other in state.resources.values()
        if other.resource != name
        for relation in other.relations
        if relation.target == name and (other.resource, relation.name) not in shown
    ]
    return [reference.describe() for reference in in_specs] + applied


def _not_there(name: str, state: ProjectState, own_specs: list[str]) -> UsageError:
    if own_specs:
        return UsageError(
            f"resource {name} is not applied yet (it is not in {LOCK_FILE}): nothing was "
            "generated for it",
            hint=f"delete {', '.join(own_specs)} to drop it",
        )
    known = sorted(state.resources)
    close = difflib.get_close_matches(name, known, n=1)
    return UsageError(
        f"no resource {name} in this project: nothing to remove",
        hint=(f"did you mean {close[0]}? " if close else "")
        + "resources: "
        + (", ".join(known) or "none"),
    )
