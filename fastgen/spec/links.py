"""Checks of relations against the other resources, once every spec is known.

A `has_many` needs the `belongs_to` on the other side that points back (named by `via`, or the
only one); a `many_to_many` is declared on one side only, never to its own resource, and its
association table (`<table>_<relation>`) takes a name no other table has.

Resources come from the specs being loaded (located: errors are reported in their files) and
from the project's applied state (not located: they only answer questions about their side).
`back_relation` gives renderers the same answer the loader checked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from fastgen.builtin import BUILTIN_RESOURCES
from fastgen.spec.model import RelationSpec, ResourceSpec
from fastgen.spec.names import snake_case
from fastgen.spec.relations import Target
from fastgen.spec.reserved import table_name_problem
from fastgen.spec.source import Report, Span, did_you_mean

__all__ = ["Link", "Side", "association_table", "back_relation", "check_links"]


def association_table(table: str, relation: str) -> str:
    """The table of a many_to_many: `books` + `tags` -> `books_tags`."""
    return f"{table}_{relation}"


def back_relation(owner: str, relation: RelationSpec, target: ResourceSpec) -> RelationSpec | None:
    """The `belongs_to` relation of `target` that the has_many `relation` of `owner` pairs with:
    the one `via` names, else the only belongs_to of `target` pointing to `owner`."""
    if relation.via is not None:
        return next((r for r in target.relations if r.name == relation.via), None)
    back = [r for r in target.relations if r.kind == "belongs_to" and r.target == owner]
    return back[0] if len(back) == 1 else None


@dataclass(frozen=True)
class Link:
    """One relation as the checks see it. `at` locates it in a spec being loaded."""

    name: str
    kind: str
    target: str
    via: str | None = None
    at: Target | None = None
    optional: bool = False


@dataclass
class Side:
    """A resource: its table and relations. `report` is None for an applied resource (nothing of
    it can be located); `complete` is False when some of its relations could not be read."""

    resource: str
    table: str | None
    links: list[Link] = field(default_factory=list)
    report: Report | None = None
    table_span: Span | None = None
    complete: bool = True

    @classmethod
    def applied(cls, spec: ResourceSpec) -> Side:
        links = [Link(r.name, r.kind, r.target, r.via, optional=r.optional) for r in spec.relations]
        return cls(spec.resource, spec.table, links)


def check_links(sides: Sequence[Side]) -> None:
    """Report every problem between resources in the report of the side it is written in.

    Applied sides come first: their association tables were there before."""
    by_name: dict[str, Side] = {}
    for side in sides:
        by_name.setdefault(side.resource, side)
    for side in sides:
        if side.report is None:
            continue
        for link in side.links:
            if link.kind == "has_many":
                _has_many(side, link, by_name.get(link.target))
            elif link.kind == "many_to_many":
                _many_to_many(side, link, by_name.get(link.target))
    _association_tables(sides)
    _required_cycles(sides, by_name)


def _error(side: Side, at: Span | None, path: str, message: str, hint: str | None) -> None:
    assert side.report is not None
    side.report.error(at, path, message, hint)


def _has_many(side: Side, link: Link, other: Side | None) -> None:
    if other is None or not other.complete or link.at is None:
        return  # unknown or built-in (already reported), or its relations are not all known
    if link.via is None and link.at.via_span is not None:
        return  # a 'via' that is not a name: already reported
    this, that = side.resource, other.resource
    back = [r for r in other.links if r.kind == "belongs_to" and r.target == this]
    names = [r.name for r in back]
    if link.via is not None:
        found = next((r for r in other.links if r.name == link.via), None)
        if found is not None and found in back:
            return
        path = f"relations.{link.name}.via"
        if found is None:
            message = f"{that} has no relation '{link.via}'"
            hint = did_you_mean(link.via, names)
        else:
            message = (
                f"{that}.{found.name} is a {found.kind} {found.target}, not a belongs_to {this}"
            )
            hint = None
        if hint is None:
            hint = (
                f"its belongs_to {this} relations: {', '.join(names)}"
                if names
                else _add_hint(this, that)
            )
        _error(side, link.at.via_span, path, message, hint)
        return
    if len(back) == 1:
        return
    if not back:
        _error(
            side,
            link.at.span,
            link.at.path,
            f"{that} has no belongs_to {this}",
            _add_hint(this, that),
        )
        return
    _error(
        side,
        link.at.span,
        link.at.path,
        f"{that} has several belongs_to {this} relations ({', '.join(names)})",
        f"say which one points back with 'via', e.g. 'via: {names[0]}'",
    )


def _required_cycles(sides: Sequence[Side], by_name: dict[str, Side]) -> None:
    """A required belongs_to chain that leads back to where it starts (a resource's own, or
    A -> B -> A) leaves no first row: none can be created before another exists."""
    for side in sides:
        if side.report is None:
            continue
        for link in side.links:
            if link.kind != "belongs_to" or link.optional or link.at is None:
                continue
            chain = _required_path(link.target, side.resource, by_name, {side.resource})
            if chain is None:
                continue
            if chain == [side.resource]:
                message = (
                    f"a required belongs_to {side.resource} on {side.resource} itself leaves no "
                    "first row: it would need a parent row before any row exists"
                )
                hint = "add 'optional: true'"
            else:
                loop = " -> ".join([side.resource, *chain])
                message = (
                    f"the required belongs_to chain {loop} leaves no first row: each of these "
                    "needs a row of the next before it can exist"
                )
                hint = "add 'optional: true' to one of these relations"
            _error(side, link.at.relation_span, link.at.path.rsplit(".", 1)[0], message, hint)


def _required_path(
    start: str, goal: str, by_name: dict[str, Side], seen: set[str]
) -> list[str] | None:
    """The resources from `start` to `goal` along required belongs_to relations, or None."""
    if start == goal:
        return [goal]
    side = by_name.get(start)
    if side is None or start in seen:
        return None
    for link in side.links:
        if link.kind == "belongs_to" and not link.optional:
            rest = _required_path(link.target, goal, by_name, seen | {start})
            if rest is not None:
                return [start, *rest]
    return None


def _add_hint(this: str, that: str) -> str:
    if this == that:
        return f"add 'parent: {{belongs_to: {this}, optional: true}}' to its relations"
    return f"add '{snake_case(this)}: {{belongs_to: {this}}}' to {that}'s relations"


def _many_to_many(side: Side, link: Link, other: Side | None) -> None:
    if link.at is None:
        return
    this = side.resource
    if link.target == this:
        _error(
            side,
            link.at.span,
            link.at.path,
            f"a many_to_many to {this} itself is not supported yet",
            f"add a resource with two belongs_to {this} relations instead",
        )
        return
    if other is None:
        return
    mirror = [r for r in other.links if r.kind == "many_to_many" and r.target == this]
    if not mirror:
        return
    if other.report is not None and this < other.resource:
        return  # reported on the other side, the alphabetically later one
    kept = f"{other.resource}.{mirror[0].name}"
    _error(
        side,
        link.at.span,
        link.at.path,
        f"{kept} already declares the many_to_many between {other.resource} and {this}",
        f"declare the many_to_many on one side only ({kept}); the association table belongs to it",
    )


def _association_tables(sides: Sequence[Side]) -> None:
    tables: dict[str, str] = {table: name for name, table in BUILTIN_RESOURCES.items()}
    for side in sides:
        if side.table is not None:
            tables.setdefault(side.table, side.resource)
    located = {side.table: side for side in sides if side.report is not None and side.table}
    claimed: dict[str, str] = {}
    for side in sides:
        if side.table is None:
            continue
        for link in side.links:
            if link.kind != "many_to_many" or link.target == side.resource:
                continue
            name = association_table(side.table, link.name)
            owner = f"{side.resource}.{link.name}"
            if side.report is None:
                # applied: a spec being loaded may have taken its name as its table
                clash = located.get(name)
                if clash is not None:
                    _error(
                        clash,
                        clash.table_span,
                        "table",
                        f"table '{name}' is the association table of {owner}",
                        "choose another table name",
                    )
                claimed.setdefault(name, owner)
                continue
            message = None
            if name in tables:
                message = f"its association table '{name}' is the table of {tables[name]}"
            elif name in claimed:
                message = (
                    f"its association table '{name}' is already the association table of "
                    f"{claimed[name]}"
                )
            elif (problem := table_name_problem(name)) is not None:
                message = f"its association table {problem.message}"
            claimed.setdefault(name, owner)
            if message is not None and link.at is not None:
                _error(
                    side,
                    link.at.relation_span,
                    f"relations.{link.name}",
                    message,
                    "rename the relation (the association table is '<table>_<relation>')",
                )
