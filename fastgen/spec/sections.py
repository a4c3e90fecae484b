"""Checks for the `relations:`, `access:` and `limits:` sections."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from fastgen.spec.fields import Where, check_attribute_name
from fastgen.spec.model import RATE_LIMIT_PATTERN, OnDelete, Operation, PageSize
from fastgen.spec.reserved import SYSTEM_COLUMNS
from fastgen.spec.source import (
    Entry,
    Report,
    Span,
    YMap,
    YNode,
    YScalar,
    YSeq,
    describe,
    did_you_mean,
)

CLASS_NAME = re.compile(r"[A-Z][A-Za-z0-9]*")
RATE_LIMIT = re.compile(RATE_LIMIT_PATTERN)
KINDS = ("belongs_to", "has_many", "many_to_many")
RELATION_OPTIONS = (*KINDS, "on_delete", "optional")
ON_DELETE = [o.value for o in OnDelete]
OPERATIONS = [o.value for o in Operation]
BUILTIN_SUBJECTS = ("public", "authenticated", "owner")
LIMIT_KEYS = ("rate", *OPERATIONS, "page_size")
PAGE_SIZE_KEYS = ("default", "max")
RATE_HINT = (
    "use '<count>/<period>' or '<count> per <period>' with second, minute, hour or day, "
    "e.g. '120/minute'"
)


@dataclass(frozen=True)
class Target:
    """A resource class a relation points to; checked once every spec is known."""

    name: str
    span: Span
    path: str


def report_duplicates(report: Report, node: YMap, path: str, what: str = "key") -> None:
    for first, later in node.duplicates:
        where = f"{path}.{later.key}" if path else later.key
        report.error(
            later.key_span,
            where,
            f"duplicate {what} '{later.key}' (first defined on line {first.key_span.line + 1})",
        )


def unknown_key(
    report: Report, entry: Entry, path: str, allowed: Collection[str], what: str
) -> None:
    hint = did_you_mean(entry.key, allowed) or f"allowed {what}s are: {', '.join(allowed)}"
    report.error(
        entry.key_span,
        f"{path}.{entry.key}" if path else entry.key,
        f"unknown {what} '{entry.key}'",
        hint,
    )


def _mapping(report: Report, node: YNode, path: str, example: str) -> YMap | None:
    """The node as a mapping; None (and a diagnostic unless it is null) otherwise."""
    if isinstance(node, YMap):
        return node
    if isinstance(node, YScalar) and (node.value is None or node.bad):
        return None
    report.error(
        node.span, path, f"{path} must be a mapping, got {describe(node)}", f"e.g. {example}"
    )
    return None


# -- relations


def check_relations(
    report: Report, node: YNode, where: Where, field_names: Collection[str]
) -> tuple[list[dict[str, Any]], list[Target]]:
    mapping = _mapping(report, node, "relations", "'relations: {author: {belongs_to: Author}}'")
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
        data = _relation(report, entry, path, targets)
        if data is None:
            continue
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


def _relation(
    report: Report, entry: Entry, path: str, targets: list[Target]
) -> dict[str, Any] | None:
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
            targets.append(Target(value.value, value.span, f"{path}.{key}"))
            data[key] = value.value
        elif key == "optional":
            if not isinstance(value, YScalar) or not isinstance(value.value, bool):
                report.error(
                    value.span,
                    f"{path}.optional",
                    f"optional must be true or false, got {describe(value)}",
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
    for key in ("on_delete", "optional"):
        found = node.get(key)
        if found is not None and kind != "belongs_to":
            report.error(
                found.key_span, f"{path}.{key}", f"{key} only applies to belongs_to, not {kind}"
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
    return data if kind in data else None


# -- access


def check_access(
    report: Report, node: YNode, where: Where, roles: Collection[str] | None
) -> dict[str, tuple[str, ...]]:
    mapping = _mapping(report, node, "access", "'access: {list: [public], create: [admin]}'")
    if mapping is None:
        return {}
    report_duplicates(report, mapping, "access", "operation")
    result: dict[str, tuple[str, ...]] = {}
    for entry in mapping.entries:
        path = f"access.{entry.key}"
        if entry.key not in OPERATIONS:
            hint = did_you_mean(entry.key, OPERATIONS) or f"operations are: {', '.join(OPERATIONS)}"
            report.error(entry.key_span, path, f"unknown operation '{entry.key}'", hint)
            continue
        subjects = _subjects(report, entry, path, roles)
        if subjects is not None:
            where[("access", entry.key)] = (path, entry.value.span)
            result[entry.key] = subjects
    return result


def _subjects(
    report: Report, entry: Entry, path: str, roles: Collection[str] | None
) -> tuple[str, ...] | None:
    node = entry.value
    if isinstance(node, YScalar) and node.bad:
        return None
    if not isinstance(node, YSeq):
        example = (
            node.value
            if isinstance(node, YScalar) and isinstance(node.value, str)
            else "authenticated"
        )
        report.error(
            node.span,
            path,
            f"expected a list of subjects, got {describe(node)}",
            f"e.g. [{example}]",
        )
        return None
    if not node.items:
        report.error(
            node.span,
            path,
            "the list of subjects is empty",
            "list who may do it, e.g. [admin]; remove the key to allow any authenticated user",
        )
        return None
    known = [*BUILTIN_SUBJECTS, *sorted(roles or ())]
    seen: dict[str, int] = {}
    ok = True
    for index, item in enumerate(node.items):
        where = f"{path}[{index}]"
        if isinstance(item, YScalar) and item.bad:
            ok = False
            continue
        if (
            not isinstance(item, YScalar)
            or not isinstance(item.value, str)
            or not item.value.strip()
        ):
            report.error(item.span, where, f"a subject must be a role name, got {describe(item)}")
            ok = False
            continue
        subject = item.value
        if subject in seen:
            report.error(item.span, where, f"duplicate subject '{subject}'")
            ok = False
            continue
        seen[subject] = index
        if roles is not None and subject not in BUILTIN_SUBJECTS and subject not in roles:
            hint = (
                did_you_mean(subject, known)
                or "declare it under [tool.fastgen] roles in pyproject.toml"
            )
            report.error(item.span, where, f"unknown role '{subject}'", hint)
            ok = False
        elif subject == "owner" and entry.key == "create":
            report.error(
                item.span,
                where,
                "'owner' cannot create: the row does not exist yet",
                "use 'authenticated' or a role",
            )
            ok = False
    if "public" in seen and len(seen) > 1:
        item = node.items[seen["public"]]
        report.error(
            item.span,
            f"{path}[{seen['public']}]",
            "'public' already allows everyone",
            "remove the other subjects or 'public'",
        )
        ok = False
    return tuple(seen) if ok else None


# -- limits


def check_limits(report: Report, node: YNode, where: Where) -> dict[str, Any]:
    mapping = _mapping(report, node, "limits", "'limits: {rate: 120/minute}'")
    if mapping is None:
        return {}
    report_duplicates(report, mapping, "limits")
    result: dict[str, Any] = {}
    for entry in mapping.entries:
        path = f"limits.{entry.key}"
        if entry.key not in LIMIT_KEYS:
            unknown_key(report, entry, "limits", LIMIT_KEYS, "key")
            continue
        value = entry.value
        if isinstance(value, YScalar) and value.bad:
            continue
        where[("limits", entry.key)] = (path, value.span)
        if entry.key == "page_size":
            page_size = _page_size(report, value, where)
            if page_size is not None:
                result["page_size"] = page_size
            continue
        if isinstance(value, YScalar) and value.value is None:
            continue
        text = value.value if isinstance(value, YScalar) else None
        if not isinstance(text, str) or not RATE_LIMIT.fullmatch(text.strip()):
            report.error(value.span, path, f"invalid rate limit {describe(value)}", RATE_HINT)
            continue
        result[entry.key] = text.strip()
    return result


def _page_size(report: Report, node: YNode, where: Where) -> dict[str, int] | None:
    mapping = _mapping(report, node, "limits.page_size", "'page_size: {default: 20, max: 100}'")
    if mapping is None:
        return None
    report_duplicates(report, mapping, "limits.page_size")
    result: dict[str, int] = {}
    for entry in mapping.entries:
        path = f"limits.page_size.{entry.key}"
        if entry.key not in PAGE_SIZE_KEYS:
            unknown_key(report, entry, "limits.page_size", PAGE_SIZE_KEYS, "key")
            continue
        value = entry.value
        number = value.value if isinstance(value, YScalar) else None
        if isinstance(value, YScalar) and value.bad:
            continue
        if isinstance(number, bool) or not isinstance(number, int) or number < 1:
            report.error(
                value.span,
                path,
                f"{entry.key} must be a whole number of at least 1, got {describe(value)}",
            )
            continue
        where[("limits", "page_size", entry.key)] = (path, value.span)
        result[entry.key] = number
    fallback = PageSize()
    default = result.get("default", fallback.default)
    maximum = result.get("max", fallback.max)
    if default > maximum:
        at = mapping.get("default") if "default" in result else mapping.get("max")
        assert at is not None
        implicit_max = " by default" if "max" not in result else ""
        implicit_default = " by default" if "default" not in result else ""
        report.error(
            at.value.span,
            f"limits.page_size.{at.key}",
            f"page_size default ({default}{implicit_default}) is greater than "
            f"max ({maximum}{implicit_max})",
            "raise max or lower default",
        )
        return None
    return result
