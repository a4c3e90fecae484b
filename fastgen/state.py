"""The applied state of a project: every resource spec as of the last successful command.

It lives in the project's lock file and is the base of every diff: a change is always state
against state, never spec against generated code. The text (`fastgen.lock_text`) has one block
per resource, so git merges two branches that each added or changed a different resource; the
merged lock is read as the union of both sides (git's conflict markers included) until
`fastgen sync` settles it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from fastgen.builtin import BUILTIN_RESOURCES
from fastgen.files import read_project_text
from fastgen.spec.model import ResourceSpec


@dataclass(frozen=True)
class ProjectState:
    """`revision` is the last Alembic revision fastgen wrote for this state (None before any).
    `merged_revisions` are the revisions each side of a git merge recorded, when the lock file
    is such a merge (`revision` is then None); the next command that writes settles it."""

    resources: Mapping[str, ResourceSpec] = field(default_factory=dict)
    revision: str | None = None
    merged_revisions: tuple[str, ...] = ()

    def with_resource(self, spec: ResourceSpec) -> ProjectState:
        resources = dict(self.resources)
        resources[spec.resource] = spec
        return replace(self, resources=dict(sorted(resources.items())))

    def without_resource(self, name: str) -> ProjectState:
        resources = {key: spec for key, spec in self.resources.items() if key != name}
        return ProjectState(resources=resources, revision=self.revision)

    def tables(self) -> dict[str, str]:
        """Class name -> table name, for resolving relation targets (`User` included: it is
        built in, with no spec)."""
        return {**BUILTIN_RESOURCES, **{name: spec.table for name, spec in self.resources.items()}}

    @property
    def recorded_revisions(self) -> tuple[str, ...]:
        """Every revision the lock names: the one, or those of a merge."""
        return (self.revision,) if self.revision is not None else self.merged_revisions


def dump_lock(state: ProjectState) -> str:
    from fastgen.lock_text import dump

    return dump(state)


def parse_lock(text: str, origin: str) -> ProjectState:
    from fastgen.lock_text import parse

    return parse(text, origin)


def read_lock(path: Path) -> ProjectState:
    text = read_project_text(path.parent, path.name)
    return ProjectState() if text is None else parse_lock(text, str(path))
