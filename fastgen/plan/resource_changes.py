"""What changed in a resource outside its fields and its relations' columns, old -> new: the
path, the access lists, the limits, and the relation options only the code sees."""

from __future__ import annotations

from fastgen.spec.model import Access, Limits, OnDelete, Operation, RelationSpec, ResourceSpec

_RELATION_OPTIONS = ("on_delete", "optional", "expand", "filterable", "via")


def resource_changes(old: ResourceSpec, new: ResourceSpec) -> tuple[str, ...]:
    """`path /books -> /volumes`, `access.delete [public] -> [admin]`, `limits.rate (none) ->
    10/minute`, `relations.author +expand`, `relations reordered`: one entry per change."""
    found: list[str] = []
    if old.path != new.path:
        found.append(f"path {old.path} -> {new.path}")
    found.extend(_relation_changes(old.relations, new.relations))
    found.extend(_access_changes(old.access, new.access))
    found.extend(_limits_changes(old.limits, new.limits))
    return tuple(found)


def _relation_changes(old: tuple[RelationSpec, ...], new: tuple[RelationSpec, ...]) -> list[str]:
    """Changes of the relations both sides have (the ones added or removed are operations of
    their own)."""
    before = {relation.name: relation for relation in old}
    after = {relation.name: relation for relation in new}
    kept_before = [r.name for r in old if r.name in after]
    kept_after = [r.name for r in new if r.name in before]
    found: list[str] = []
    for name in kept_after:
        was, now = before[name], after[name]
        if (was.kind, was.target) != (now.kind, now.target):
            continue  # rebuilt: `AlterRelation` shows both sides whole
        stored = relation_key(was) != relation_key(now)  # shown by `AlterRelation`
        for option in _RELATION_OPTIONS:
            old_value, new_value = getattr(was, option), getattr(now, option)
            if old_value == new_value or (stored and option in ("on_delete", "optional")):
                continue
            if isinstance(old_value, bool):
                found.append(f"relations.{name} {'+' if new_value else '-'}{option}")
            else:
                found.append(f"relations.{name}.{option} {_text(old_value)} -> {_text(new_value)}")
    if kept_before != kept_after:
        found.append("relations reordered")
    return found


def relation_key(relation: RelationSpec) -> tuple[object, ...]:
    """What the database sees of a relation (options the code alone uses are left out)."""
    on_delete = relation.on_delete
    if relation.kind == "belongs_to" and on_delete is None:
        on_delete = OnDelete.RESTRICT  # what a missing on_delete means
    return (relation.name, relation.kind, relation.target, on_delete, relation.optional)


def _access_changes(old: Access, new: Access) -> list[str]:
    return [
        f"access.{operation.value} [{', '.join(old.subjects(operation))}] -> "
        f"[{', '.join(new.subjects(operation))}]"
        for operation in Operation
        if old.subjects(operation) != new.subjects(operation)
    ]


def _limits_changes(old: Limits, new: Limits) -> list[str]:
    found = [
        f"limits.{key} {_text(getattr(old, key))} -> {_text(getattr(new, key))}"
        for key in ("rate", *(operation.value for operation in Operation))
        if getattr(old, key) != getattr(new, key)
    ]
    for key in ("default", "max"):
        old_size, new_size = getattr(old.page_size, key), getattr(new.page_size, key)
        if old_size != new_size:
            found.append(f"limits.page_size.{key} {old_size} -> {new_size}")
    return found


def _text(value: object) -> str:
    if value is None:
        return "(none)"
    return str(getattr(value, "value", value))  # an enum member by its spec spelling
