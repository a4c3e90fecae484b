"""Resources renamed by `renamed_from: OldName` at the top of their spec.

A rename is the applied state seen under the new names: `renamed_state` gives the applied
specs with each renamed resource under its new class name and table, and every relation that
targets it pointing at the new name. The rest of the diff compares that state with the specs,
so a rename and any other change of the same sync are planned as usual.
"""

from __future__ import annotations

from collections.abc import Mapping

from fastgen.errors import UsageError
from fastgen.spec.model import RelationSpec, ResourceSpec
from fastgen.spec.names import default_path
from fastgen.state import ProjectState


def resource_renames(old: ProjectState, new: ProjectState) -> dict[str, str]:
    """old class name -> new class name, for the specs whose `renamed_from` names a resource
    the applied state has and the specs no longer have. Once applied (the applied state has
    the new name), the declaration is inert; so is one that names no applied resource (a
    resource added with a spec that says what it was called elsewhere): the commands that
    apply specs the lock should know refuse it when they load them (`locked`)."""
    renames: dict[str, str] = {}
    for name, spec in new.resources.items():
        source = spec.renamed_from
        if source is None or name in old.resources or source not in old.resources:
            continue
        if source in new.resources:
            raise UsageError(
                f"{name}: renamed_from {source!r}, but {source} still has a spec",
                hint=f"delete the spec of {source}, or remove renamed_from",
            )
        if source in renames:
            raise UsageError(f"{renames[source]} and {name} are both renamed from {source}")
        renames[source] = name
    return dict(sorted(renames.items()))


def renamed_state(old: ProjectState, new: ProjectState, renames: Mapping[str, str]) -> ProjectState:
    """The applied state under the new names: each renamed resource takes its new class name
    and table (and its new path when both are the defaults of their tables), and relations
    that target it name it by its new name. Nothing else changes."""
    resources: dict[str, ResourceSpec] = {}
    for name, spec in old.resources.items():
        relations = tuple(_retargeted(relation, renames) for relation in spec.relations)
        update: dict[str, object] = {"relations": relations}
        target = renames.get(name)
        if target is not None:
            after = new.resources[target]
            path = spec.path
            if spec.path == default_path(spec.table) and after.path == default_path(after.table):
                path = after.path
            update |= {
                "resource": target,
                "table": after.table,
                "path": path,
                "renamed_from": after.renamed_from,
            }
        renamed = spec.model_copy(update=update) if relations != spec.relations or target else spec
        resources[renamed.resource] = renamed
    return ProjectState(
        resources=dict(sorted(resources.items())),
        revision=old.revision,
        merged_revisions=old.merged_revisions,
    )


def _retargeted(relation: RelationSpec, renames: Mapping[str, str]) -> RelationSpec:
    target = renames.get(relation.target)
    if target is None:
        return relation
    return relation.model_copy(update={relation.kind: target})
