"""Operations as immutable values that can describe and classify themselves.

A plan is a list of operations; every command that changes a project computes its plan first,
shows it, asks for confirmation where it is destructive, and only then renders code and migrations.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from fastgen.plural import counted
from fastgen.render.columns import OWNER_COLUMN, fk_column_name, link_table, on_delete_sql
from fastgen.spec.constraints import effective_max_length
from fastgen.spec.model import FieldSpec, FieldType, RelationSpec, ResourceSpec


class Category(StrEnum):
    ADD = "+"
    REMOVE = "-"
    CHANGE = "~"


class Safety(StrEnum):
    """How an operation treats rows that already exist."""

    SAFE = "safe"
    DESTRUCTIVE = "destructive"  # loses data, or fails on rows that do not fit any more
    NEEDS_DEFAULT = "needs-default"  # existing rows need a value the spec does not give


@dataclass(frozen=True)
class Operation:
    @property
    def category(self) -> Category:
        raise NotImplementedError

    @property
    def safety(self) -> Safety:
        return Safety.SAFE

    def describe(self) -> str:
        raise NotImplementedError

    def label(self) -> str:
        """`describe()` plus the safety label when it is not safe."""
        text = self.describe()
        return text if self.safety is Safety.SAFE else f"{text} ({self.safety})"


@dataclass(frozen=True)
class AddResource(Operation):
    spec: ResourceSpec

    @property
    def category(self) -> Category:
        return Category.ADD

    def describe(self) -> str:
        spec = self.spec
        return (
            f"{self.category} resource {spec.resource} "
            f"(table {spec.table}, {counted(len(spec.fields), 'field')}, path {spec.path})"
        )


@dataclass(frozen=True)
class RemoveResource(Operation):
    """A resource removed with its code: its table, its many_to_many link tables and every row
    they hold are dropped (`fastgen remove resource`)."""

    spec: ResourceSpec

    @property
    def category(self) -> Category:
        return Category.REMOVE

    @property
    def safety(self) -> Safety:
        return Safety.DESTRUCTIVE

    @property
    def tables(self) -> tuple[str, ...]:
        """The table, then its link tables."""
        table, relations = self.spec.table, self.spec.relations
        links = (link_table(table, r) for r in relations if r.kind == "many_to_many")
        return (table, *links)

    def describe(self) -> str:
        tables = self.tables
        return (
            f"{self.category} resource {self.spec.resource} "
            f"(table{'s' if len(tables) > 1 else ''} {', '.join(tables)}, path {self.spec.path})"
        )


@dataclass(frozen=True)
class RenameResource(Operation):
    """A resource given a new class name (`renamed_from` in its spec): its table, link tables,
    constraint, index and enum type names follow, with every row kept; so do its modules and
    the code of the resources that refer to it. `new` is the applied spec under its new names
    (the spec's other changes are operations of their own)."""

    old: ResourceSpec
    new: ResourceSpec

    @property
    def category(self) -> Category:
        return Category.CHANGE

    def describe(self) -> str:
        old, new = self.old, self.new
        table = (
            f"table {old.table} -> {new.table}" if old.table != new.table else f"table {new.table}"
        )
        return f"{self.category} rename resource {old.resource} -> {new.resource} ({table})"


_VALUED = (
    "min_length",
    "max_length",
    "pattern",
    "ge",
    "gt",
    "le",
    "lt",
    "max_digits",
    "decimal_places",
)
"""Options of a field shown as `NAME VALUE`, in this order, when the spec gives them."""

_FLAGS = ("unique", "index", "read_only", "write_only", "sortable", "filterable")
"""Options of a field shown by name when they are on."""


def field_summary(field: FieldSpec) -> str:
    """`int default 0 index`, `str? max_length 10 unique`: the type and every option the spec
    gives, except the description (prose for the API docs)."""
    parts = [f"{field.type}{'?' if field.optional else ''}"]
    for option in _VALUED:
        value = getattr(field, option)
        if value is not None:
            parts.append(f"{option} {_shown(value)}")
    if field.values:
        parts.append(f"values [{', '.join(field.values)}]")
    if field.has_default:
        parts.append(f"default {field.default!r}" if field.default is not None else "default null")
    parts.extend(flag for flag in _FLAGS if getattr(field, flag))
    if field.example is not None:
        parts.append(f"example {field.example!r}")
    return " ".join(parts)


def _shown(value: object) -> str:
    """A value in a plan line: numbers as they are, text quoted (backslashes kept single)."""
    if not isinstance(value, str):
        return str(value)
    return f"'{value}'" if "'" not in value else f'"{value}"' if '"' not in value else repr(value)


@dataclass(frozen=True)
class AddField(Operation):
    resource: str
    table: str
    field: FieldSpec

    @property
    def category(self) -> Category:
        return Category.ADD

    @property
    def safety(self) -> Safety:
        if self.field.optional or self.field.has_default:
            return Safety.SAFE
        return Safety.NEEDS_DEFAULT

    def describe(self) -> str:
        summary = field_summary(self.field)
        return f"{self.category} field {self.resource}.{self.field.name} {summary}"


@dataclass(frozen=True)
class RemoveField(Operation):
    resource: str
    table: str
    field: FieldSpec

    @property
    def category(self) -> Category:
        return Category.REMOVE

    @property
    def safety(self) -> Safety:
        return Safety.DESTRUCTIVE

    def describe(self) -> str:
        return f"{self.category} field {self.resource}.{self.field.name}"


@dataclass(frozen=True)
class RenameField(Operation):
    resource: str
    table: str
    old: FieldSpec
    new: FieldSpec

    @property
    def category(self) -> Category:
        return Category.CHANGE

    def describe(self) -> str:
        return (
            f"{self.category} field {self.resource}.{self.old.name} renamed to "
            f"{self.resource}.{self.new.name}"
        )


# FieldSpec options whose change is only seen by the API (validation, docs, defaults in Python),
# never by the database.
_API_ONLY = (
    "min_length",
    "pattern",
    "ge",
    "gt",
    "le",
    "lt",
    "read_only",
    "write_only",
    "description",
    "example",
    "sortable",  # these two exist once the spec work on list queries lands
    "filterable",
)


@dataclass(frozen=True)
class AlterField(Operation):
    """One field whose definition changed (after any rename). `changes` lists what changed."""

    resource: str
    table: str
    old: FieldSpec
    new: FieldSpec

    @property
    def category(self) -> Category:
        return Category.CHANGE

    @property
    def changes(self) -> tuple[str, ...]:
        old, new = self.old, self.new
        found: list[str] = []
        if old.type != new.type:
            found.append(f"type {old.type} -> {new.type}")
        if old.optional != new.optional:
            found.append("optional -> required" if old.optional else "required -> optional")
        if (old.has_default, old.default) != (new.has_default, new.default):
            found.append(f"default {_value(old)} -> {_value(new)}")
        for flag in ("unique", "index"):
            if getattr(old, flag) != getattr(new, flag):
                found.append(f"{'+' if getattr(new, flag) else '-'}{flag}")
        old_length, new_length = effective_max_length(old), effective_max_length(new)
        if old_length != new_length:
            found.append(f"max_length {old_length} -> {new_length}")
        for option in ("max_digits", "decimal_places"):
            if getattr(old, option) != getattr(new, option):
                found.append(f"{option} {getattr(old, option)} -> {getattr(new, option)}")
        if old.values != new.values:
            added = [v for v in new.values or () if v not in (old.values or ())]
            removed = [v for v in old.values or () if v not in (new.values or ())]
            found.append(
                "values " + " ".join([*(f"+{v}" for v in added), *(f"-{v}" for v in removed)])
                if added or removed
                else "values reordered"
            )
        for option in _API_ONLY:
            before, after = getattr(old, option, None), getattr(new, option, None)
            if before == after:
                continue
            if isinstance(before, bool) and isinstance(after, bool):
                found.append(f"{'+' if after else '-'}{option}")
            else:
                found.append(f"{option} {_changed(before)} -> {_changed(after)}")
        return tuple(found)

    @property
    def narrows(self) -> bool:
        """True when rows that fit the old column may not fit the new one."""
        old, new = self.old, self.new
        if old.type != new.type:
            return not _widens(old.type, new.type)
        old_length, new_length = effective_max_length(old), effective_max_length(new)
        if new_length is not None and (old_length is None or new_length < old_length):
            return True
        if old.type is FieldType.DECIMAL:
            if (new.max_digits or 10) < (old.max_digits or 10):
                return True
            if (new.decimal_places or 2) < (old.decimal_places or 2):
                return True
        return bool(set(old.values or ()) - set(new.values or ()))

    @property
    def safety(self) -> Safety:
        if self.narrows:
            return Safety.DESTRUCTIVE
        if self.old.optional and not self.new.optional and not self.new.has_default:
            return Safety.NEEDS_DEFAULT
        return Safety.SAFE

    def describe(self) -> str:
        return f"{self.category} field {self.resource}.{self.new.name}: {', '.join(self.changes)}"


@dataclass(frozen=True)
class ChangeResource(Operation):
    """A change outside the fields that only the generated code sees (path, access, limits)."""

    resource: str
    changes: tuple[str, ...]

    @property
    def category(self) -> Category:
        return Category.CHANGE

    def describe(self) -> str:
        return f"{self.category} resource {self.resource}: {', '.join(self.changes)}"


def relation_summary(relation: RelationSpec) -> str:
    """`belongs_to Author? on_delete cascade expand`, `has_many Book via author`: the kind, the
    target, for belongs_to what the foreign key does, and the options the spec turns on."""
    parts = [f"{relation.kind} {relation.target}"]
    if relation.kind == "belongs_to":
        parts[0] += "?" if relation.optional else ""
        parts.append(f"on_delete {on_delete_sql(relation).lower()}")
    if relation.via is not None:
        parts.append(f"via {relation.via}")
    parts.extend(flag for flag in ("expand", "filterable") if getattr(relation, flag))
    return " ".join(parts)


def _relation_schema(table: str, relation: RelationSpec) -> str:
    """What the relation is in the database (the owner's `table` names a link table)."""
    if relation.kind == "belongs_to":
        return f"column {fk_column_name(relation)}"
    if relation.kind == "many_to_many":
        return f"table {link_table(table, relation)}"
    return "code only"


@dataclass(frozen=True)
class AddRelation(Operation):
    """A relation added to an existing resource. belongs_to adds a nullable foreign key column
    (a required one would need a parent for every row that exists: refused, see `safety`),
    many_to_many a link table; has_many only changes code."""

    resource: str
    table: str
    relation: RelationSpec

    @property
    def category(self) -> Category:
        return Category.ADD

    @property
    def safety(self) -> Safety:
        if self.relation.kind == "belongs_to" and not self.relation.optional:
            return Safety.NEEDS_DEFAULT
        return Safety.SAFE

    def describe(self) -> str:
        return (
            f"{self.category} relation {self.resource}.{self.relation.name} "
            f"{relation_summary(self.relation)}, {_relation_schema(self.table, self.relation)}"
        )


@dataclass(frozen=True)
class RemoveRelation(Operation):
    """A relation removed from an existing resource: its column or link table is dropped, with
    what it held (has_many has neither: code only)."""

    resource: str
    table: str
    relation: RelationSpec

    @property
    def category(self) -> Category:
        return Category.REMOVE

    @property
    def safety(self) -> Safety:
        if self.relation.kind == "has_many":
            return Safety.SAFE
        return Safety.DESTRUCTIVE

    def describe(self) -> str:
        return (
            f"{self.category} relation {self.resource}.{self.relation.name} "
            f"{relation_summary(self.relation)}, {_relation_schema(self.table, self.relation)}"
        )


# (from, to) type changes that keep every value: the new column accepts all old values.
_WIDENING = {
    (FieldType.STR, FieldType.TEXT),
    (FieldType.EMAIL, FieldType.STR),
    (FieldType.EMAIL, FieldType.TEXT),
    (FieldType.URL, FieldType.STR),
    (FieldType.URL, FieldType.TEXT),
    (FieldType.INT, FieldType.FLOAT),
    (FieldType.INT, FieldType.DECIMAL),
    (FieldType.ENUM, FieldType.STR),
    (FieldType.ENUM, FieldType.TEXT),
}


def _widens(old: FieldType, new: FieldType) -> bool:
    return (old, new) in _WIDENING


def _changed(value: object) -> str:
    """An option's value on either side of `->`."""
    return "(none)" if value is None else _shown(value)


def _value(field: FieldSpec) -> str:
    if not field.has_default:
        return "(none)"
    return "null" if field.default is None else repr(field.default)


@dataclass(frozen=True)
class AddOwner(Operation):
    """`owner` now named in an access list of an existing resource: its table gains owner_id
    (nullable, a foreign key to users, as a resource created with `owner` has it). Rows that
    exist have no owner unless `default_email` names the account to give them."""

    resource: str
    table: str
    default_email: str | None = None

    @property
    def category(self) -> Category:
        return Category.ADD

    def describe(self) -> str:
        head = f"{self.category} owner {self.resource}, column {self.table}.{OWNER_COLUMN}"
        if self.default_email is not None:
            return f"{head}: rows that exist are given to {self.default_email}"
        return (
            f"{head}: rows that exist have no owner (only roles granted all rows see them; "
            "--owner-default EMAIL gives them to an account)"
        )


@dataclass(frozen=True)
class RemoveOwner(Operation):
    """No access list of the resource names `owner` any more: owner_id is dropped, and with it
    who created each row."""

    resource: str
    table: str

    @property
    def category(self) -> Category:
        return Category.REMOVE

    @property
    def safety(self) -> Safety:
        return Safety.DESTRUCTIVE

    def describe(self) -> str:
        return f"{self.category} owner {self.resource}, column {self.table}.{OWNER_COLUMN}"


@dataclass(frozen=True)
class AlterRelation(Operation):
    """A relation whose database side changed (same name on both sides).

    `optional` and `on_delete` of a belongs_to alter its column and foreign key in place; a new
    kind or target rebuilds it: the old column or link table is dropped with what it held, and
    the new one starts empty (nullable, for a belongs_to)."""

    resource: str
    table: str
    old: RelationSpec
    new: RelationSpec

    @property
    def category(self) -> Category:
        return Category.CHANGE

    @property
    def rebuilt(self) -> bool:
        """True when kind or target changed: the stored references cannot be kept."""
        return (self.old.kind, self.old.target) != (self.new.kind, self.new.target)

    @property
    def changes(self) -> tuple[str, ...]:
        old, new = self.old, self.new
        if self.rebuilt:
            return (
                f"{relation_summary(old)}, {_relation_schema(self.table, old)} -> "
                f"{relation_summary(new)}, {_relation_schema(self.table, new)}",
            )
        found: list[str] = []
        if old.optional != new.optional:
            found.append("optional -> required" if old.optional else "required -> optional")
        if on_delete_sql(old) != on_delete_sql(new):
            found.append(f"on_delete {on_delete_sql(old).lower()} -> {on_delete_sql(new).lower()}")
        return tuple(found)

    @property
    def safety(self) -> Safety:
        old, new = self.old, self.new
        if self.rebuilt:
            if new.kind == "belongs_to" and not new.optional:
                return Safety.NEEDS_DEFAULT  # rows that exist would have nothing to point to
            return Safety.SAFE if old.kind == "has_many" else Safety.DESTRUCTIVE
        if old.optional and not new.optional:
            return Safety.DESTRUCTIVE  # fails while a row has no value
        return Safety.SAFE

    def describe(self) -> str:
        return (
            f"{self.category} relation {self.resource}.{self.new.name}: {', '.join(self.changes)}"
        )
