"""Checks for the `relations:` section."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from fastgen.builtin import BUILTIN_RESOURCES
from fastgen.spec.fields import IDENTIFIER, Where, check_attribute_name
from fastgen.spec.model import OnDelete
from fastgen.spec.reserved import SYSTEM_COLUMNS
from fastgen.spec.sections import expect_mapping, report_duplicates, unknown_key
from fastgen.spec.source import Entry, Report, Span, YMap, YNode, YScalar, describe, did_you_mean

CLASS_NAME = re.compile(r"[A-Z][A-Za-z0-9]*")
KINDS = ("belongs_to", "has_many", "many_to_many")
RELATION_OPTIONS = (*KINDS, "on_delete", "optional", "expand", "filterable", "via")
FLAGS = ("optional", "expand", "filterable")
# Options that only some kinds take.
ONLY_FOR: dict[str, str] = {
    "on_delete": "belongs_to",
    "optional": "belongs_to",
    "filterable": "belongs_to",
    "via": "has_many",
}
ON_DELETE = [o.value for o in OnDelete]


@dataclass(frozen=True)
class Target:
    """A resource class a relation points to; checked once every spec is known.

    `name` is the class, `span` and `path` locate it (the value of the kind option); `relation`
    is the relation's name, located by `relation_span`, and `via` its option of that name.
    """

    name: str
    span: Span
    path: str
    kind: str
    relation: str = ""
    relation_span: Span | None = None
    via: str | None = None
    via_span: Span | None = None
    optional: bool = False  # a belongs_to whose column may stay empty


def check_relations(
    report: Report, node: YNode, where: Where, field_names: Collection[str]
) -> tuple[list[dict[str, Any]], list[Target]]:
    mapping = expect_mapping(
        report, node, "relations", "'relations: {author: {belongs_to: Author}}'"
    )
    if mapping is None:
        return [], []
    report_duplicates(report, mapping, "relations", "relation")
    result: list[dict[str, Any]] = []
    targets: list[Target] = []
    foreign_keys: dict[str, Entry] = {}
    for entry in mapping.entries:
        path = f"relations.{entry.key}"
        if not check_attribute_name(report, "relation", entry, path):
            continue
        if entry.key in field_names:
            report.error(
                entry.key_span,
                path,
                f"relation '{entry.key}' has the same name as a field",
                "rename the relation or the field",
            )
            continue
        data = _relation(report, entry, path)
        if data is None:
            continue
        targets.append(_target(entry, path, data))
        if "belongs_to" in data:
            column = f"{entry.key}_id"
            foreign_keys[column] = entry
            if column in field_names:
                report.error(
                    entry.key_span,
                    path,
                    f"relation '{entry.key}' adds the column '{column}', which is already a field",
                    f"remove the field '{column}'; the relation adds it",
                )
            elif column in SYSTEM_COLUMNS:
                report.error(
                    entry.key_span,
                    path,
                    f"relation '{entry.key}' would add the column '{column}', which is reserved",
                    f"rename it, e.g. '{entry.key}_ref'",
                )
        where[("relations", len(result))] = (path, entry.key_span)
        for key in data:
            option = entry.value.get(key) if isinstance(entry.value, YMap) else None
            if option is not None:
                where[("relations", len(result), key)] = (f"{path}.{key}", option.value.span)
        result.append({"name": entry.key, **data})
    for item in result:
        other = foreign_keys.get(item["name"])
        clash = mapping.get(item["name"])
        if other is not None and clash is not None:
            report.error(
                clash.key_span,
                f"relations.{item['name']}",
                f"relation '{item['name']}' has the same name as the column of "
                f"relation '{other.key}'",
            )
    return result, targets


def _target(entry: Entry, path: str, data: dict[str, Any]) -> Target:
    kind = next(key for key in KINDS if key in data)
    assert isinstance(entry.value, YMap)
    kind_option = entry.value.get(kind)
    via_option = entry.value.get("via")
    assert kind_option is not None
    return Target(
        data[kind],
        kind_option.value.span,
        f"{path}.{kind}",
        kind,
        relation=entry.key,
        relation_span=entry.key_span,
        via=data.get("via"),
        via_span=via_option.value.span if via_option is not None else None,
        optional=data.get("optional") is True,
    )


def _relation(report: Report, entry: Entry, path: str) -> dict[str, Any] | None:
    node = entry.value
    if not isinstance(node, YMap):
        if not (isinstance(node, YScalar) and node.bad):
            report.error(
                node.span,
                path,
                f"a relation must be a mapping, got {describe(node)}",
                "e.g. '{belongs_to: Author}', '{has_many: Book}' or '{many_to_many: Tag}'",
            )
        return None
    report_duplicates(report, node, path, "option")
    data: dict[str, Any] = {}
    kinds: list[Entry] = []
    for option in node.entries:
        key, value = option.key, option.value
        if key not in RELATION_OPTIONS:
            unknown_key(report, option, path, RELATION_OPTIONS, "option")
            continue
        if isinstance(value, YScalar) and value.bad:
            continue
        if key in KINDS:
            kinds.append(option)
            if len(kinds) > 1:
                report.error(
                    option.key_span,
                    f"{path}.{key}",
                    f"a relation has exactly one kind, but '{kinds[0].key}' is already given",
                )
                continue
            if (
                not isinstance(value, YScalar)
                or not isinstance(value.value, str)
                or not CLASS_NAME.fullmatch(value.value)
            ):
                report.error(
                    value.span,
                    f"{path}.{key}",
                    f"{key} must name a resource class (PascalCase), got {describe(value)}",
                )
                continue
            data[key] = value.value
        elif key in FLAGS:
            if not isinstance(value, YScalar) or not isinstance(value.value, bool):
                report.error(
                    value.span,
                    f"{path}.{key}",
                    f"{key} must be true or false, got {describe(value)}",
                )
                continue
            data[key] = value.value
        elif key == "via":
            if (
                not isinstance(value, YScalar)
                or not isinstance(value.value, str)
                or not IDENTIFIER.fullmatch(value.value)
            ):
                report.error(
                    value.span,
                    f"{path}.via",
                    f"via must name a relation (snake_case), got {describe(value)}",
                    "the belongs_to relation of the other resource that points back to this one",
                )
                continue
            data[key] = value.value
        else:
            choice = value.value if isinstance(value, YScalar) else None
            if not isinstance(choice, str) or choice not in ON_DELETE:
                spaced = (
                    choice.replace("_", " ").replace("-", " ") if isinstance(choice, str) else ""
                )
                hint = did_you_mean(spaced, ON_DELETE) if spaced else None
                report.error(
                    value.span,
                    f"{path}.on_delete",
                    f"invalid on_delete {describe(value)}",
                    hint or f"use one of: {', '.join(ON_DELETE)}",
                )
                continue
            data[key] = OnDelete(choice)
    if not kinds:
        report.error(
            entry.key_span,
            path,
            f"relation '{entry.key}' needs one of belongs_to, has_many or many_to_many",
        )
        return None
    kind = kinds[0].key
    for key, only in ONLY_FOR.items():
        found = node.get(key)
        if found is not None and kind != only:
            report.error(
                found.key_span, f"{path}.{key}", f"{key} only applies to {only}, not {kind}"
            )
            data.pop(key, None)
    if data.get("on_delete") is OnDelete.SET_NULL and data.get("optional") is not True:
        on_delete = node.get("on_delete")
        assert on_delete is not None
        report.error(
            on_delete.value.span,
            f"{path}.on_delete",
            "on_delete 'set null' needs 'optional: true'",
            "a required foreign key cannot be set to null",
        )
    if data.get(kind) in BUILTIN_RESOURCES and data.get("expand") is True:
        expand = node.get("expand")
        assert expand is not None
        report.error(
            expand.key_span,
            f"{path}.expand",
            f"the built-in {data[kind]} accounts cannot be included",
            f"their details are for admins (/admin/users); read {entry.key}_id instead",
        )
        data.pop("expand")
    return data if kind in data else None
