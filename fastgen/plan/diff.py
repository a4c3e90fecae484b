"""State against state: the operations that turn the applied state into the desired one."""

from __future__ import annotations

from fastgen.errors import UsageError
from fastgen.plan.operations import (
    AddField,
    AddOwner,
    AddRelation,
    AddResource,
    AlterField,
    AlterRelation,
    ChangeResource,
    Operation,
    RemoveField,
    RemoveOwner,
    RemoveRelation,
    RenameField,
    RenameResource,
)
from fastgen.plan.renames import renamed_state, resource_renames
from fastgen.plan.resource_changes import relation_key, resource_changes
from fastgen.spec.model import FieldSpec, ResourceSpec
from fastgen.state import ProjectState


def diff(old: ProjectState, new: ProjectState) -> list[Operation]:
    """Operations in dependency order: a resource comes after the resources it belongs to;
    within a resource, renames first, then additions, changes and removals in field order, then
    relations added, changed and removed, then owner_id added or dropped, then changes only
    the code sees. Resources renamed (`renamed_from`) come first; the rest compares the applied
    state under the new names."""
    renames = resource_renames(old, new)
    operations: list[Operation] = []
    if renames:
        before_renames = old
        old = renamed_state(old, new, renames)
        operations.extend(
            RenameResource(before_renames.resources[source], old.resources[target])
            for source, target in renames.items()
        )
    removed = sorted(set(old.resources) - set(new.resources))
    if removed:
        commands = " and ".join(f"`fastgen remove resource {name}`" for name in removed)
        raise UsageError(
            f"resource {', '.join(removed)} is in fastgen.lock but has no spec in specs/",
            hint=f"to remove it (its code, its table and every row in it), run {commands}; "
            "to keep it, restore the spec file; to rename it, add "
            f"`renamed_from: {removed[0]}` to the spec that has its new name",
        )
    for name in _dependency_order(new):
        spec = new.resources[name]
        before = old.resources.get(name)
        if before is None:
            operations.append(AddResource(spec))
        elif before != spec:
            operations.extend(diff_resource(before, spec))
    return operations


def diff_resource(old: ResourceSpec, new: ResourceSpec) -> list[Operation]:
    if old.table != new.table:
        raise UsageError(
            f"{new.resource}: renaming table {old.table} to {new.table} is not supported",
            hint=f"keep `table: {old.table}` in the spec",
        )
    old_fields = {field.name: field for field in old.fields}
    renames = _renames(old, new)
    renamed_from = {new_name: old_name for old_name, new_name in renames.items()}
    resource, table = new.resource, new.table
    operations: list[Operation] = []
    for old_name, new_name in renames.items():
        operations.append(RenameField(resource, table, old_fields[old_name], new.field(new_name)))
    for field in new.fields:
        before = old_fields.get(renamed_from.get(field.name, field.name))
        if before is None:
            operations.append(AddField(resource, table, field))
        elif _comparable(before) != _comparable(field):
            operations.append(AlterField(resource, table, before, field))
    for field in old.fields:
        if field.name not in renames and field.name not in {f.name for f in new.fields}:
            operations.append(RemoveField(resource, table, field))
    operations.extend(_relations(old, new))
    operations.extend(_owner(old, new))
    changes = resource_changes(old, new)
    if changes:
        operations.append(ChangeResource(resource, changes))
    return operations


def _relations(old: ResourceSpec, new: ResourceSpec) -> list[Operation]:
    """Relations added, changed in what the database sees of them (kind, target, on_delete,
    optional) and removed, by name; changes that only the code sees (options such as `expand`,
    or their order) are `resource_changes`."""
    before = {relation.name: relation for relation in old.relations}
    after = {relation.name: relation for relation in new.relations}
    operations: list[Operation] = []
    for relation in new.relations:
        previous = before.get(relation.name)
        if previous is None:
            operations.append(AddRelation(new.resource, new.table, relation))
        elif relation_key(previous) != relation_key(relation):
            operations.append(AlterRelation(new.resource, new.table, previous, relation))
    for relation in old.relations:
        if relation.name not in after:
            operations.append(RemoveRelation(old.resource, old.table, relation))
    return operations


def _owner(old: ResourceSpec, new: ResourceSpec) -> list[Operation]:
    """`owner` appearing in the access lists adds owner_id; leaving all of them drops it."""
    if old.has_owner == new.has_owner:
        return []
    if new.has_owner:
        return [AddOwner(new.resource, new.table)]
    return [RemoveOwner(new.resource, new.table)]


def _renames(old: ResourceSpec, new: ResourceSpec) -> dict[str, str]:
    """old name -> new name, for fields that declare `renamed_from` a field the old state has
    and the new spec no longer has. Once applied, the declaration is inert and may stay."""
    old_names = {field.name for field in old.fields}
    new_names = {field.name for field in new.fields}
    renames: dict[str, str] = {}
    for field in new.fields:
        source = field.renamed_from
        if source is None or field.name in old_names:
            continue
        if source not in old_names:
            raise UsageError(
                f"{new.resource}.{field.name}: renamed_from {source!r}, but {new.resource} "
                "has no such field",
                hint="fields it has: " + ", ".join(sorted(old_names)),
            )
        if source in new_names:
            raise UsageError(
                f"{new.resource}.{field.name}: renamed_from {source!r}, but {source!r} "
                "is still in the spec",
                hint=f"remove {source!r} from `fields:`, or drop the renamed_from",
            )
        if source in renames:
            raise UsageError(
                f"{new.resource}: {renames[source]!r} and {field.name!r} are both "
                f"renamed from {source!r}"
            )
        renames[source] = field.name
    return renames


def _comparable(field: FieldSpec) -> FieldSpec:
    """A field without its name and its rename note, to compare definitions."""
    return field.model_copy(update={"name": "_", "renamed_from": None})


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
