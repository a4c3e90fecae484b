"""Load YAML resource specs into `ResourceSpec` values, reporting every problem with its location.

`load_spec_text`, `load_spec` and `load_specs` either return validated specs or raise one
`SpecError` carrying a `Diagnostic` per problem (file, line, column, dotted path, message, hint).
Nothing else escapes for bad input: YAML syntax errors, unreadable files and pydantic validation
errors all become located diagnostics.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from fastgen.builtin import BUILTIN_MODULES, BUILTIN_RESOURCES
from fastgen.errors import Diagnostic, SpecError
from fastgen.files import read_spec_text
from fastgen.spec.clashes import Located, check_derived_names
from fastgen.spec.fields import IDENTIFIER, FieldChecker, Where, check_attribute_name
from fastgen.spec.links import Link, Side, check_links
from fastgen.spec.model import PATH_PATTERN, ResourceSpec
from fastgen.spec.names import default_path, default_table
from fastgen.spec.reach import check_public_creates
from fastgen.spec.relations import CLASS_NAME, Target, check_relations
from fastgen.spec.reserved import class_name_problem, path_problem, table_name_problem
from fastgen.spec.sections import check_access, check_limits, report_duplicates, unknown_key
from fastgen.spec.source import (
    Report,
    Span,
    YMap,
    YNode,
    YScalar,
    YSeq,
    describe,
    did_you_mean,
    parse,
)

__all__ = ["KnownResources", "load_spec", "load_spec_text", "load_specs"]

# Resources relations may point to besides the specs being loaded: their names, or the applied
# specs by name (e.g. `ProjectState.resources`), which also lets relations be checked against
# theirs (a has_many needs the belongs_to that points back).
KnownResources = Collection[str] | Mapping[str, ResourceSpec]

TOP_KEYS = (
    "version",
    "resource",
    "renamed_from",
    "table",
    "path",
    "fields",
    "relations",
    "access",
    "limits",
)
_PATH = re.compile(PATH_PATTERN)
MAX_PATH = 90
"""`PATH = "<path>"` has to fit in the generated project's 100 columns."""


@dataclass
class _Draft:
    """One file after its own checks; cross-file checks and model building come after."""

    report: Report
    resource: str | None = None
    resource_span: Span | None = None
    renamed_from: str | None = None
    renamed_from_span: Span | None = None
    table: str | None = None
    table_span: Span | None = None
    path: str | None = None
    path_span: Span | None = None
    data: dict[str, Any] = field(default_factory=dict)
    targets: list[Target] = field(default_factory=list)
    relations_complete: bool = True
    where: Where = field(default_factory=dict)


def load_spec_text(
    text: str,
    file: str,
    *,
    known_resources: KnownResources = (),
    roles: Collection[str] | None = None,
) -> ResourceSpec:
    """Load one spec from `text`; `file` is the name shown in diagnostics."""
    draft = _check(text, file, roles)
    known = set(known_resources)
    if draft.resource is not None:
        known.add(draft.resource)
    return _finish([draft], known, _applied(known_resources))[0]


def load_spec(
    path: Path,
    *,
    display: str | None = None,
    known_resources: KnownResources = (),
    roles: Collection[str] | None = None,
) -> ResourceSpec:
    """Load one spec file. `display` is the file name shown in diagnostics (default: `path`)."""
    file = display if display is not None else str(path)
    text = _read(path, file)
    return load_spec_text(text, file, known_resources=known_resources, roles=roles)


def load_specs(
    paths: Sequence[Path],
    *,
    known_resources: KnownResources = (),
    roles: Collection[str] | None = None,
    texts: Mapping[Path, str] | None = None,
    warnings: list[Diagnostic] | None = None,
    locked: Collection[str] | None = None,
) -> list[ResourceSpec]:
    """Load several spec files whose relations may refer to each other.

    `texts` gives the content of some paths instead of the disk (a spec about to be edited).
    A spec being loaded replaces the applied spec of the same resource in `known_resources`.
    Diagnostics of all files are collected and raised together as one `SpecError`; warnings
    (the specs are accepted all the same) are appended to `warnings` when it is given.
    `locked` names the resources the project's lock file records: a `renamed_from` of a
    resource the lock does not know yet must name one of them.
    """
    drafts: list[_Draft] = []
    unreadable: list[Diagnostic] = []
    for path in paths:
        try:
            text = texts[path] if texts and path in texts else _read(path, str(path))
        except SpecError as error:
            unreadable.extend(error.diagnostics)
            continue
        drafts.append(_check(text, str(path), roles))
    known = set(known_resources) | {d.resource for d in drafts if d.resource is not None}
    _check_unique(drafts)
    _check_renames(drafts, locked)
    _check_paths(drafts, _applied(known_resources))
    try:
        specs = _finish(drafts, known, _applied(known_resources))
    except SpecError as error:
        raise SpecError(unreadable + error.diagnostics) from None
    if unreadable:
        raise SpecError(unreadable)
    if warnings is not None:
        warnings.extend(w for draft in drafts for w in draft.report.warnings)
    return specs


def _read(path: Path, file: str) -> str:
    """The text of a spec file; only a regular file is read (see `read_spec_text`)."""
    return read_spec_text(path, file)


# -- one file


def _check(text: str, file: str, roles: Collection[str] | None) -> _Draft:
    report = Report(file, text)
    draft = _Draft(report)
    root = parse(report)
    if root is None:
        if report.ok:
            report.error(
                None, "", "the spec is empty", "start with 'version: 1' and 'resource: Name'"
            )
        return draft
    if not isinstance(root, YMap):
        report.error(
            None,
            "",
            "a spec must be a mapping of keys such as 'version' and 'resource', "
            f"got {describe(root)}",
        )
        return draft
    report_duplicates(report, root, "")
    _check_text(report, root, "")
    for entry in root.entries:
        if entry.key not in TOP_KEYS:
            unknown_key(report, entry, "", TOP_KEYS, "key")
    _version(report, root)
    _resource(draft, root)
    _renamed_from(draft, root)
    _table_and_path(draft, root)
    fields, names = _fields(draft, root)
    draft.data["fields"] = fields
    for key in ("relations", "access", "limits"):
        section = root.get(key)
        if section is None:
            continue
        node = section.value
        if key == "relations":
            before = len(report.diagnostics)
            relations, draft.targets = check_relations(report, node, draft.where, names)
            draft.data["relations"] = relations
            draft.relations_complete = len(report.diagnostics) == before
        elif key == "access":
            draft.data["access"] = check_access(report, node, draft.where, roles)
        else:
            draft.data["limits"] = check_limits(report, node, draft.where)
    return draft


_SURROGATE = re.compile("[\ud800-\udfff]")


def _check_text(report: Report, node: YNode, path: str) -> None:
    """Every text in the file must be text: a lone surrogate (`"\\ud800"`) is not a character,
    and no file (generated code, the lock file) could hold it."""
    if isinstance(node, YScalar):
        if isinstance(node.value, str) and (found := _SURROGATE.search(node.value)):
            code = f"\\u{ord(found.group()):04x}"
            report.error(
                node.span,
                path,
                f"the text holds a lone surrogate ({code}), which is not a character",
                "write the character itself, or escape it with \\U and 8 hex digits "
                "(e.g. \\U0001F680)",
            )
    elif isinstance(node, YSeq):
        for index, item in enumerate(node.items):
            _check_text(report, item, f"{path}[{index}]")
    else:
        for entry in node.entries:
            where = f"{path}.{entry.key}" if path else entry.key
            if _SURROGATE.search(entry.key):
                report.error(
                    entry.key_span,
                    where,
                    "the key holds a lone surrogate, which is not a character",
                )
            _check_text(report, entry.value, where)


def _missing(report: Report, root: YMap, key: str, hint: str) -> None:
    first = root.entries[0].key_span if root.entries else None
    at = Span(first.line, 0, first.line, 1) if first else None
    report.error(at, key, f"missing required key '{key}'", hint)


def _version(report: Report, root: YMap) -> None:
    entry = root.get("version")
    if entry is None:
        _missing(report, root, "version", "add 'version: 1' at the top of the file")
        return
    node = entry.value
    value = node.value if isinstance(node, YScalar) else None
    if isinstance(node, YScalar) and node.bad:
        return
    if value == 1 and isinstance(value, int) and not isinstance(value, bool):
        return
    if isinstance(value, int) and not isinstance(value, bool):
        report.error(
            node.span,
            "version",
            f"unsupported spec version {value}",
            "this version of fastgen reads spec version 1",
        )
    else:
        report.error(node.span, "version", f"version must be the number 1, got {describe(node)}")


def _resource(draft: _Draft, root: YMap) -> None:
    report = draft.report
    entry = root.get("resource")
    if entry is None:
        _missing(report, root, "resource", "add the class name, e.g. 'resource: Book'")
        return
    node = entry.value
    if isinstance(node, YScalar) and node.bad:
        return
    value = node.value if isinstance(node, YScalar) else None
    if not isinstance(value, str) or not CLASS_NAME.fullmatch(value):
        suggestion = _pascal(value) if isinstance(value, str) else None
        report.error(
            node.span,
            "resource",
            f"resource must be a PascalCase class name, got {describe(node)}",
            f"e.g. '{suggestion}'" if suggestion else "e.g. 'Book'",
        )
        return
    problem = class_name_problem(value)
    if problem is not None:
        report.error(node.span, "resource", problem.message, problem.hint)
        return
    draft.resource, draft.resource_span = value, node.span
    draft.data["resource"] = value
    draft.where[("resource",)] = ("resource", node.span)


def _renamed_from(draft: _Draft, root: YMap) -> None:
    """`renamed_from: OldName`: the class name the resource had before (checked against the
    other specs and the lock file later, see `_check_renames`)."""
    entry = root.get("renamed_from")
    if entry is None:
        return
    report, node = draft.report, entry.value
    if isinstance(node, YScalar) and node.bad:
        return
    value = node.value if isinstance(node, YScalar) else None
    if not isinstance(value, str) or not CLASS_NAME.fullmatch(value):
        report.error(
            node.span,
            "renamed_from",
            f"the old name must be a PascalCase class name, got {describe(node)}",
            "e.g. 'renamed_from: Appointment'",
        )
        return
    if value == draft.resource:
        report.error(
            node.span,
            "renamed_from",
            f"the old name is the resource's own name ('{value}')",
            "give the old class name, or remove 'renamed_from'",
        )
        return
    draft.renamed_from, draft.renamed_from_span = value, node.span
    draft.data["renamed_from"] = value
    draft.where[("renamed_from",)] = ("renamed_from", node.span)


def _pascal(text: str) -> str | None:
    words = re.findall(r"[A-Za-z0-9]+", text)
    result = "".join(w[:1].upper() + w[1:] for w in words)
    return result if CLASS_NAME.fullmatch(result) else None


def _table_and_path(draft: _Draft, root: YMap) -> None:
    report = draft.report
    entry = root.get("table")
    if entry is not None:
        node = entry.value
        value = node.value if isinstance(node, YScalar) else None
        if isinstance(node, YScalar) and node.bad:
            pass
        elif not isinstance(value, str) or not IDENTIFIER.fullmatch(value):
            report.error(
                node.span,
                "table",
                f"table must be a snake_case name, got {describe(node)}",
                "lowercase letters, digits and '_', starting with a letter",
            )
        elif (problem := table_name_problem(value)) is not None:
            report.error(node.span, "table", problem.message, problem.hint)
        else:
            draft.table, draft.table_span = value, node.span
            draft.where[("table",)] = ("table", node.span)
    elif draft.resource is not None:
        table = default_table(draft.resource)
        problem = table_name_problem(table)
        if problem is not None:
            report.error(
                draft.resource_span,
                "resource",
                f"the default table {problem.message}",
                "set 'table:' explicitly",
            )
        else:
            draft.table, draft.table_span = table, draft.resource_span
            if draft.resource_span is not None:
                draft.where[("table",)] = ("resource", draft.resource_span)
    if draft.table is not None:
        draft.data["table"] = draft.table

    entry = root.get("path")
    if entry is not None:
        node = entry.value
        value = node.value if isinstance(node, YScalar) else None
        if isinstance(node, YScalar) and node.bad:
            return
        if not isinstance(value, str) or not _PATH.fullmatch(value):
            report.error(
                node.span,
                "path",
                f"invalid path {describe(node)}",
                "use lowercase segments of letters, digits, '-' or '_', e.g. '/books'",
            )
            return
        if len(value) > MAX_PATH:
            report.error(
                node.span,
                "path",
                f"the path is {len(value)} characters long; fastgen takes at most {MAX_PATH} "
                "(the generated tests write it on one line)",
                "choose a shorter path",
            )
            return
        if (problem := path_problem(value)) is not None:
            report.error(node.span, "path", problem.message, problem.hint)
            return
        draft.path, draft.path_span = value, node.span
        draft.where[("path",)] = ("path", node.span)
    elif draft.table is not None:
        path = default_path(draft.table)
        if (problem := path_problem(path)) is not None:
            where = "table" if root.get("table") is not None else "resource"
            report.error(
                draft.table_span, where, f"the default path {problem.message}", "set 'path:'"
            )
            return
        draft.path, draft.path_span = path, draft.table_span
    if draft.path is not None:
        draft.data["path"] = draft.path


def _fields(draft: _Draft, root: YMap) -> tuple[list[dict[str, Any]], set[str]]:
    report = draft.report
    entry = root.get("fields")
    if entry is None:
        _missing(report, root, "fields", "add 'fields:' with at least one field, e.g. 'title: str'")
        return [], set()
    node = entry.value
    if isinstance(node, YScalar) and node.bad:
        return [], set()
    if not isinstance(node, YMap) or not node.entries:
        empty = isinstance(node, YMap) or (isinstance(node, YScalar) and node.value is None)
        report.error(
            entry.key_span if empty else node.span,
            "fields",
            "a spec needs at least one field"
            if empty
            else f"fields must be a mapping, got {describe(node)}",
            "e.g. 'fields: {title: str, pages: int?}'",
        )
        return [], set()
    report_duplicates(report, node, "fields", "field")
    result: list[dict[str, Any]] = []
    names: set[str] = set()
    renamed: dict[str, tuple[str, Span]] = {}
    for item in node.entries:
        path = f"fields.{item.key}"
        names.add(item.key)
        if not check_attribute_name(report, "field", item, path):
            continue
        data = FieldChecker(report, item, draft.where, ("fields", len(result))).check()
        if data is None:
            continue
        result.append({"name": item.key, **data})
        old = data.get("renamed_from")
        if isinstance(old, str):
            option = item.value.get("renamed_from") if isinstance(item.value, YMap) else None
            span = option.value.span if option else item.key_span
            if old in renamed:
                report.error(
                    span,
                    f"{path}.renamed_from",
                    f"field '{renamed[old][0]}' is already renamed from '{old}'",
                )
            renamed[old] = (item.key, span)
    for old, (new, span) in renamed.items():
        if old in names:
            report.error(
                span,
                f"fields.{new}.renamed_from",
                f"field '{old}' still exists",
                f"remove 'renamed_from' or the field '{old}'",
            )
    return result, names


# -- across files, then the models


def _check_unique(drafts: list[_Draft]) -> None:
    """Resource, table and path must be unique across files (one diagnostic per file at most)."""
    first: dict[tuple[str, str], _Draft] = {}
    for draft in drafts:
        for attribute in ("resource", "table", "path"):
            value = getattr(draft, attribute)
            if value is None:
                continue
            other = first.setdefault((attribute, value), draft)
            if other is not draft:
                draft.report.error(
                    getattr(draft, f"{attribute}_span"),
                    attribute,
                    f"{attribute} '{value}' is already used by {other.report.file}",
                )
                break


def _check_renames(drafts: list[_Draft], locked: Collection[str] | None) -> None:
    """A `renamed_from` names a resource that no spec has any more, at most once; and, while
    the rename is pending (the lock does not know the new name), one the lock records."""
    specs = {draft.resource: draft for draft in drafts if draft.resource is not None}
    first: dict[str, _Draft] = {}
    for draft in drafts:
        old, span = draft.renamed_from, draft.renamed_from_span
        if old is None:
            continue
        if old in specs:
            draft.report.error(
                span,
                "renamed_from",
                f"resource '{old}' still has a spec ({specs[old].report.file})",
                f"a renamed resource has one spec: delete {specs[old].report.file}, or remove "
                "'renamed_from'",
            )
            continue
        other = first.setdefault(old, draft)
        if other is not draft:
            draft.report.error(
                span,
                "renamed_from",
                f"'{old}' is already renamed to '{other.resource}' ({other.report.file})",
            )
            continue
        if locked is not None and draft.resource not in locked and old not in locked:
            known = ", ".join(sorted(locked)) or "none"
            draft.report.error(
                span,
                "renamed_from",
                f"fastgen.lock has no resource '{old}' to rename",
                f"resources it has: {known}",
            )


def _check_paths(drafts: list[_Draft], applied: Mapping[str, ResourceSpec]) -> None:
    """No resource's path lies below another's: `/books/{book_id}` would take the requests of
    `/books/reviews`, whichever router comes first. Applied resources count (those not being
    loaded again), as does an applied resource at the very same path."""
    loaded = {draft.resource for draft in drafts}
    others = [
        (spec.resource, spec.path) for spec in applied.values() if spec.resource not in loaded
    ]
    others += [(d.resource, d.path) for d in drafts if d.resource is not None and d.path]
    for draft in drafts:
        if draft.path is None or not draft.report.ok:
            continue
        for resource, path in others:
            if resource == draft.resource or path is None:
                continue
            if draft.path.startswith(path + "/") or (draft.path == path and resource not in loaded):
                draft.report.error(
                    draft.path_span,
                    "path",
                    f"path '{draft.path}' lies within '{path}' of {resource}, whose item route "
                    f"'{path}/{{id}}' would answer its requests"
                    if draft.path != path
                    else f"path '{path}' is already used by {resource}",
                    "choose a path outside it",
                )
                break


def _check_targets(draft: _Draft, known: set[str], renamed: Mapping[str, _Draft]) -> None:
    """Every relation target is a spec's resource; `belongs_to` may also name a built-in one
    (`User`), which has no spec and whose table gets no column back. A target renamed by
    another spec (`renamed_from`) must be given its new name."""
    for target in draft.targets:
        if target.name in renamed and target.name not in known:
            other = renamed[target.name]
            draft.report.error(
                target.span,
                target.path,
                f"resource '{target.name}' is renamed to '{other.resource}' "
                f"(renamed_from in {other.report.file})",
                f"write '{target.kind}: {other.resource}'",
            )
            continue
        if target.name in BUILTIN_RESOURCES:
            if target.kind != "belongs_to":
                draft.report.error(
                    target.span,
                    target.path,
                    f"{target.kind} cannot point to the built-in {target.name} "
                    f"({BUILTIN_MODULES[target.name]}): fastgen does not change its table",
                    f"only 'belongs_to: {target.name}' can point to it",
                )
            continue
        if target.name in known:
            continue
        candidates = known | set(BUILTIN_RESOURCES) if target.kind == "belongs_to" else known
        hint = did_you_mean(target.name, sorted(candidates))
        if hint is None:
            hint = f"add a spec for '{target.name}'"
            if candidates:
                hint += f" (known resources: {', '.join(sorted(candidates))})"
        draft.report.error(target.span, target.path, f"unknown resource '{target.name}'", hint)


def _applied(known_resources: KnownResources) -> Mapping[str, ResourceSpec]:
    return known_resources if isinstance(known_resources, Mapping) else {}


def _sides(
    drafts: list[_Draft], applied: Mapping[str, ResourceSpec], renamed: Mapping[str, str]
) -> list[Side]:
    """Applied resources first (those the drafts do not replace), then the drafts in order. A
    target still named by the old name of a renamed resource (an error of its own) is taken
    as the new name, so that the other side's relations are not reported too."""
    loaded = {draft.resource for draft in drafts}
    sides = [Side.applied(spec) for name, spec in sorted(applied.items()) if name not in loaded]
    for draft in drafts:
        if draft.resource is None:
            continue
        links = [
            Link(t.relation, t.kind, renamed.get(t.name, t.name), t.via, t, t.optional)
            for t in draft.targets
        ]
        sides.append(
            Side(
                draft.resource,
                draft.table,
                links,
                draft.report,
                draft.table_span,
                draft.relations_complete,
            )
        )
    return sides


def _finish(
    drafts: list[_Draft], known: set[str], applied: Mapping[str, ResourceSpec]
) -> list[ResourceSpec]:
    renamed = {
        d.renamed_from: d
        for d in drafts
        if d.renamed_from is not None and d.renamed_from not in known
    }
    for draft in drafts:
        _check_targets(draft, known, renamed)
    new_names = {old: d.resource for old, d in renamed.items() if d.resource is not None}
    check_links(_sides(drafts, applied, new_names))
    specs: list[ResourceSpec] = []
    located: list[Located] = []
    for draft in drafts:
        if draft.report.ok:
            spec = _build(draft)
            if spec is not None:
                specs.append(spec)
                located.append(Located(spec, draft.report, draft.where))
    check_derived_names(located, applied)
    check_public_creates(located, applied)
    diagnostics = [d for draft in drafts for d in draft.report.diagnostics]
    if diagnostics:
        raise SpecError(diagnostics)
    return specs


def _build(draft: _Draft) -> ResourceSpec | None:
    """Validate the checked data with the models; their errors are mapped back to positions."""
    try:
        return ResourceSpec.model_validate({"version": 1, **draft.data})
    except ValidationError as error:
        for problem in error.errors():
            loc = tuple(problem["loc"])
            path, span = _locate(draft.where, loc)
            draft.report.error(span, path, str(problem["msg"]))
        return None


def _locate(where: Where, loc: tuple[str | int, ...]) -> tuple[str, Span | None]:
    for end in range(len(loc), 0, -1):
        found = where.get(loc[:end])
        if found is not None:
            return found
    return ".".join(str(part) for part in loc), None
