"""Checks for the `access:` and `limits:` sections, and helpers shared by the section checks."""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

from fastgen.spec.capacity import MAX_COUNT
from fastgen.spec.fields import Where
from fastgen.spec.model import DEFAULT_ACCESS, RATE_LIMIT_PATTERN, Access, Operation, PageSize
from fastgen.spec.source import (
    Entry,
    Report,
    YMap,
    YNode,
    YScalar,
    YSeq,
    describe,
    did_you_mean,
)

RATE_LIMIT = re.compile(RATE_LIMIT_PATTERN)
ROLE_NAME = re.compile(r"[a-z][a-z0-9_]*")
"""What a subject must look like (roles are declared with the same rule, fastgen.project)."""
OPERATIONS = [o.value for o in Operation]
BUILTIN_SUBJECTS = ("public", "authenticated", "owner")
LIMIT_KEYS = ("rate", *OPERATIONS, "page_size")
PAGE_SIZE_KEYS = ("default", "max")
RATE_HINT = (
    "use '<count>/<period>' or '<count> per <period>' with second, minute, hour or day, "
    "e.g. '120/minute'"
)


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


def expect_mapping(report: Report, node: YNode, path: str, example: str) -> YMap | None:
    """The node as a mapping; None (and a diagnostic unless it is null) otherwise."""
    if isinstance(node, YMap):
        return node
    if isinstance(node, YScalar) and (node.value is None or node.bad):
        return None
    report.error(
        node.span, path, f"{path} must be a mapping, got {describe(node)}", f"e.g. {example}"
    )
    return None


# -- access


def check_access(
    report: Report, node: YNode, where: Where, roles: Collection[str] | None
) -> dict[str, tuple[str, ...]]:
    mapping = expect_mapping(report, node, "access", "'access: {list: [public], create: [admin]}'")
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
    _warn_list_wider_than_read(report, mapping, result)
    return result


def _warn_list_wider_than_read(
    report: Report, mapping: YMap, access: dict[str, tuple[str, ...]]
) -> None:
    """A list only ever holds the rows the caller may read (the generated code ANDs both
    rules), but a `list` rule that lets in callers the `read` rule keeps out is likely a
    mistake: say so where the list rule is (or the read rule, when list is the default)."""
    rules = {key: access[key] for key in ("list", "read") if key in access}
    wider = Access(**rules).beyond_read(Operation.LIST)
    if not wider:
        return
    entry = mapping.get("list") or mapping.get("read")
    assert entry is not None  # the default list rule is the default read rule
    read = ", ".join(access.get("read", DEFAULT_ACCESS))
    report.warning(
        entry.value.span,
        f"access.{entry.key}",
        f"list lets in {', '.join(wider)}, which read does not ([{read}]): "
        "their lists hold only the rows they may read",
        "make list no wider than read, e.g. list: [" + read + "]",
    )


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
        if not ROLE_NAME.fullmatch(subject):
            report.error(
                item.span,
                where,
                f"a subject must be a role name (snake_case), got {describe(item)}",
                "e.g. [editor]; roles are declared under [tool.fastgen] roles in pyproject.toml",
            )
            ok = False
            continue
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
    mapping = expect_mapping(report, node, "limits", "'limits: {rate: 120/minute}'")
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
        # one space between words: the limit is written into the generated router as it is
        rate = " ".join(text.split())
        numbers = [int(number) for number in re.findall(r"[0-9]+", rate)]
        if max(numbers) > MAX_COUNT:
            report.error(
                value.span,
                path,
                f"rate limit {describe(value)} has a number larger than {MAX_COUNT}",
                RATE_HINT,
            )
            continue
        result[entry.key] = rate
    return result


def _page_size(report: Report, node: YNode, where: Where) -> dict[str, int] | None:
    mapping = expect_mapping(
        report, node, "limits.page_size", "'page_size: {default: 20, max: 100}'"
    )
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
        if number > MAX_COUNT:
            report.error(
                value.span,
                path,
                f"{entry.key} must be at most {MAX_COUNT}, got {number}",
                "a page is read with one query; keep it to what a client can take",
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
