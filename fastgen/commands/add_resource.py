"""`fastgen add resource SPEC...`: models, router, tests and a migration for new resources."""

from __future__ import annotations

import contextlib
from dataclasses import replace
from pathlib import Path

from fastgen.commands.evolve import Decisions, evolve
from fastgen.commands.outcome import Outcome
from fastgen.errors import SpecError, UsageError
from fastgen.files import read_spec_text
from fastgen.project import SPECS_DIR, Project
from fastgen.render.resource import module_name
from fastgen.spec.load import load_specs
from fastgen.state import read_lock
from fastgen.write import Changeset


def add_resource(project: Project, spec_paths: list[Path], decisions: Decisions) -> Outcome:
    """`spec_paths` are named by the person, so they may lie outside the project; each must be a
    regular file (not a link). Each is read once: the text checked is the text copied."""
    state = read_lock(project.lock_path)
    texts: dict[Path, str] = {}
    for path in spec_paths:
        with contextlib.suppress(SpecError):  # load_specs reports it, with the others
            texts[path] = read_spec_text(path, str(path))
    specs = load_specs(
        spec_paths, known_resources=state.resources, roles=project.roles, texts=texts
    )
    sources = {spec.resource: path for spec, path in zip(specs, spec_paths, strict=True)}
    desired = state
    for spec in specs:
        before = state.resources.get(spec.resource)
        if before is not None and before != spec:
            module = module_name(spec)
            raise UsageError(
                f"{sources[spec.resource]}: resource {spec.resource} already exists "
                "and this spec changes it",
                hint=f"edit {SPECS_DIR}/{module}.yaml (the project's copy) and run `fastgen sync`",
            )
        desired = desired.with_resource(spec)
    added = [spec for spec in specs if spec.resource not in state.resources]
    if not added:
        names = ", ".join(spec.resource for spec in specs)
        return Outcome(project.root, Changeset(()), f"nothing to do: {names} already up to date")
    spec_files = {
        f"{SPECS_DIR}/{module_name(spec)}.yaml": texts[sources[spec.resource]] for spec in added
    }
    outcome = evolve(project, state, desired, spec_files=spec_files, decisions=decisions)
    return replace(outcome, summary=f"added {', '.join(spec.resource for spec in added)}")
