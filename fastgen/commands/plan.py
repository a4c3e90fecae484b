"""`fastgen plan`: what `sync` would do, as operations and file diffs; writes nothing.

The same document is printed for people or, with `--json`, as one JSON object:

    {
      "pending": true,                  # false when specs and lock agree
      "operations": [{"kind": "add_field", "description": "+ field Book.stock int default 0",
                      "safety": "safe"}],             # safe | destructive | needs-default
      "files": [{"path": "app/models/book.py", "action": "patch", "diff": "--- ..."}],
      "blocked": null                   # or why no files could be rendered (e.g. a default
    }                                   # is needed first)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from fastgen.commands.evolve import Decisions, evolve, heads_to_merge, with_owner_default
from fastgen.commands.specs import desired_state
from fastgen.errors import UsageError
from fastgen.plan import Operation, Safety, diff
from fastgen.project import Project
from fastgen.state import read_lock
from fastgen.write import Action, FileChange


@dataclass(frozen=True)
class Plan:
    operations: tuple[Operation, ...]
    changes: tuple[FileChange, ...]
    blocked: str | None = None

    @property
    def pending(self) -> bool:
        return bool(self.operations)

    def as_json(self) -> dict[str, Any]:
        return {
            "pending": self.pending,
            "operations": [
                {"kind": _kind(op), "description": op.describe(), "safety": str(op.safety)}
                for op in self.operations
            ],
            "files": [
                {"path": c.path, "action": str(c.action), "diff": c.diff()}
                for c in self.changes
                if c.action is not Action.IDENTICAL
            ],
            "blocked": self.blocked,
        }


def plan(project: Project, owner_default: str | None = None) -> Plan:
    old = read_lock(project.lock_path)
    new = desired_state(project, locked=old.resources)
    operations = tuple(with_owner_default(diff(old, new), owner_default))
    merge = heads_to_merge(project)  # sync joins several heads first
    shown = (merge, *operations) if merge is not None else operations
    if not shown:
        return Plan((), ())
    if any(op.safety is Safety.NEEDS_DEFAULT for op in operations):
        needs = "; ".join(op.describe() for op in operations if op.safety is Safety.NEEDS_DEFAULT)
        return Plan(shown, (), blocked=f"a default is needed first: {needs}")
    try:
        outcome = evolve(
            project,
            old,
            new,
            spec_files={},
            decisions=Decisions(dry_run=True),
            operations=operations,
            merge_heads=True,
        )
    except UsageError as error:
        return Plan(shown, (), blocked=error.message)
    return Plan(shown, outcome.changeset.pending)


def _kind(op: Operation) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(op).__name__).lower()
