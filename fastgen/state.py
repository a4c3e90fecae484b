"""The applied state of a project: every resource spec as of the last successful command.

It lives in the project's lock file (JSON, sorted, stable) and is the base of every diff:
a change is always state against state, never spec against generated code.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from fastgen.builtin import BUILTIN_RESOURCES
from fastgen.errors import UsageError
from fastgen.files import read_project_text
from fastgen.spec.model import ResourceSpec

LOCK_FORMAT = 1


@dataclass(frozen=True)
class ProjectState:
    """`revision` is the last Alembic revision fastgen wrote for this state (None before any)."""

    resources: Mapping[str, ResourceSpec] = field(default_factory=dict)
    revision: str | None = None

    def with_resource(self, spec: ResourceSpec) -> ProjectState:
        resources = dict(self.resources)
        resources[spec.resource] = spec
        return ProjectState(resources=dict(sorted(resources.items())), revision=self.revision)

    def without_resource(self, name: str) -> ProjectState:
        resources = {key: spec for key, spec in self.resources.items() if key != name}
        return ProjectState(resources=resources, revision=self.revision)

    def tables(self) -> dict[str, str]:
        """Class name -> table name, for resolving relation targets (`User` included: it is
        built in, with no spec)."""
        return {**BUILTIN_RESOURCES, **{name: spec.table for name, spec in self.resources.items()}}


def dump_lock(state: ProjectState) -> str:
    document: dict[str, Any] = {
        "fastgen_lock": LOCK_FORMAT,
        "resources": {
            name: spec.model_dump(mode="json", exclude_unset=True)
            for name, spec in sorted(state.resources.items())
        },
    }
    if state.revision is not None:
        document["revision"] = state.revision
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def parse_lock(text: str, origin: str) -> ProjectState:
    try:
        document = json.loads(text)
        if document.get("fastgen_lock") != LOCK_FORMAT:
            raise ValueError(f"unsupported lock format {document.get('fastgen_lock')!r}")
        resources = {
            name: ResourceSpec.model_validate(data)
            for name, data in sorted(document["resources"].items())
        }
        revision = document.get("revision")
        if revision is not None and not isinstance(revision, str):
            raise ValueError(f"revision must be a string, not {revision!r}")
    except (ValueError, KeyError, TypeError, AttributeError, ValidationError) as exc:
        raise UsageError(
            f"{origin}: the lock file is damaged: {exc}",
            hint="restore it from version control; fastgen never edits it by hand",
        ) from exc
    return ProjectState(resources=resources, revision=revision)


def read_lock(path: Path) -> ProjectState:
    text = read_project_text(path.parent, path.name)
    return ProjectState() if text is None else parse_lock(text, str(path))
