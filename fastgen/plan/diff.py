"""State against state: the operations that turn the applied state into the desired one."""

from __future__ import annotations

from fastgen.errors import UsageError
from fastgen.plan.operations import AddResource, Operation
from fastgen.state import ProjectState


def diff(old: ProjectState, new: ProjectState) -> list[Operation]:
    """Operations in dependency order: a resource comes after the resources it belongs to."""
    operations: list[Operation] = []
    for name in _dependency_order(new):
        spec = new.resources[name]
        before = old.resources.get(name)
        if before is None:
            operations.append(AddResource(spec))
        elif before != spec:
            raise UsageError(
                f"resource {name} already exists and its spec has changed",
                hint="this version adds resources only; "
                "revert the spec to the one recorded in fastgen.lock",
            )
    return operations


def _dependency_order(state: ProjectState) -> list[str]:
    ordered: list[str] = []
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name in ordered or name in visiting or name not in state.resources:
            return
        visiting.add(name)
        for relation in state.resources[name].relations:
            if relation.kind == "belongs_to" and relation.target != name:
                visit(relation.target)
        visiting.discard(name)
        ordered.append(name)

    for name in sorted(state.resources):
        visit(name)
    return ordered
