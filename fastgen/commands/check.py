"""`fastgen check`: do the specs, the lock file, the generated code and the migrations agree?

Read-only. Each disagreement is a `Finding` with a kind (stable, for machines), a message and the
command that fixes it. The CLI exits 1 when there is any finding.

Loading every spec is most of the work on a large project, so what the specs say is kept in the
per-user cache (`fastgen.cache.Memo`) under a hash of all it depends on: each spec file's name
and text, the lock file's text, the project's roles and fastgen's code. Specs whose texts all
hash as in an earlier run are not loaded again: that run's findings about them are reported.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from fastgen.commands.specs import (
    ROLES_PATH,
    desired_state,
    owned_files,
    roles_module,
    spec_memo,
    spec_paths,
    spec_texts,
    specs_key,
)
from fastgen.errors import FastgenError, SpecError
from fastgen.files import read_project_text
from fastgen.history import heads, read_history
from fastgen.plan import diff
from fastgen.project import (
    LOCK_FILE,
    MAIN_PATH,
    REGISTRY_PATH,
    SPECS_DIR,
    VERSIONS_DIR,
    Project,
)
from fastgen.record import RECORD_DIR, guess_identity, read_record, with_roles_of
from fastgen.render.resource import FACTORIES_INIT, module_name, output_paths
from fastgen.state import ProjectState, dump_lock, parse_lock
from fastgen.write import find_leftovers, read_text

# kinds, as they appear in `--json`
SPEC_NOT_SYNCED = "spec-not-synced"
SPEC_INVALID = "spec-invalid"
MIGRATION_MISSING = "migration-missing"
MULTIPLE_HEADS = "multiple-heads"
LOCK_MERGED = "lock-merged"
FILE_MISSING = "file-missing"
NOT_WIRED = "not-wired"
OUT_OF_DATE = "blueprint-out-of-date"
ROLES_OUT_OF_DATE = "roles-out-of-date"
INTERRUPTED_WRITE = "interrupted-write"


@dataclass(frozen=True)
class Finding:
    kind: str
    message: str
    fix: str
    path: str | None = None

    def as_json(self) -> dict[str, str | None]:
        return {"kind": self.kind, "message": self.message, "fix": self.fix, "path": self.path}


def check(project: Project) -> list[Finding]:
    lock = read_project_text(project.root, LOCK_FILE)
    state = ProjectState() if lock is None else parse_lock(lock, str(project.lock_path))
    findings: list[Finding] = []
    findings.extend(_known_specs(project, state, lock))
    findings.extend(_migrations(project, state))
    findings.extend(_files(project, state))
    owned = _owned(project)
    findings.extend(owned)
    findings.extend(_roles(project))
    findings.extend(_recorded(project, state, {f.path for f in owned} | {ROLES_PATH}))
    findings.extend(_leftovers(project))
    return findings


def _leftovers(project: Project) -> list[Finding]:
    """Temporary files and backups an interrupted write left (`fastgen.write.find_leftovers`)."""
    return [
        Finding(
            INTERRUPTED_WRITE,
            f"left over by an interrupted write: {leftover.describe()}",
            leftover.fix,
            leftover.path,
        )
        for leftover in find_leftovers(project.root)
    ]


def _owned(project: Project) -> list[Finding]:
    findings: list[Finding] = []
    for path, expected in owned_files().items():
        current = read_text(project.root, path)
        if current != expected:
            state = "missing" if current is None else "out of date with this version of fastgen"
            findings.append(Finding(OUT_OF_DATE, f"{path} is {state}", "fastgen sync", path))
    return findings


def _recorded(project: Project, state: ProjectState, reported: set[str | None]) -> list[Finding]:
    """Generated files whose record (what fastgen generated for them) differs from what this
    fastgen renders: `fastgen upgrade` brings them up to date. The render is the one slow part,
    so the paths found are kept in the cache under everything they depend on."""
    try:
        record = read_record(project.root)
    except FastgenError as error:
        return [Finding(OUT_OF_DATE, error.message, error.hint or "", RECORD_DIR)]
    if record is None:  # made by a fastgen before the record: which files are out of date
        # cannot be told from hand edits, but upgrade can say (and records them)
        message = f"no {RECORD_DIR}/ record of what fastgen generated (an earlier fastgen made it)"
        return [Finding(OUT_OF_DATE, message, "fastgen upgrade", RECORD_DIR)]
    identity = record.identity or guess_identity(project.root)
    if identity is None:
        return []
    memo = spec_memo("record")
    overrides = sorted(project.override_dir.rglob("*")) if project.override_dir.is_dir() else []
    key = memo.key(
        identity.name,
        identity.db,
        dump_lock(state),
        "\0".join(project.roles),
        str((project.root / FACTORIES_INIT[1]).is_file()),
        *(part for path, text in sorted(record.files.items()) for part in (path, text)),
        *(part for path in overrides if path.is_file() for part in (str(path), path.read_bytes())),
    )
    stale = memo.get(key)
    if not (isinstance(stale, list) and all(isinstance(path, str) for path in stale)):
        from fastgen.render.generated import generated_files

        rendered = generated_files(project, state, identity)
        stale = sorted(
            path
            for path in {*rendered, *record.files}
            if (new := rendered.get(path)) is None
            or (base := record.files.get(path)) is None
            or with_roles_of(path, base, new) != new
        )
        memo.put(key, stale)
    return [
        Finding(
            OUT_OF_DATE,
            f"{path} was generated by another version of fastgen"
            if path in record.files
            else f"{path}: no record of what fastgen generated for it",
            "fastgen upgrade",
            path,
        )
        for path in stale
        if path not in reported
    ]


def _roles(project: Project) -> list[Finding]:
    """app/core/roles.py must list the roles pyproject.toml declares (fastgen owns it whole)."""
    current = read_text(project.root, ROLES_PATH)
    if current == roles_module(project):
        return []
    roles = ", ".join(project.roles)
    message = (
        f"{ROLES_PATH} is missing (it lists [tool.fastgen] roles: {roles})"
        if current is None
        else f"{ROLES_PATH} does not match [tool.fastgen] roles in pyproject.toml ({roles})"
    )
    return [Finding(ROLES_OUT_OF_DATE, message, "fastgen sync", ROLES_PATH)]


def _known_specs(project: Project, state: ProjectState, lock: str | None) -> list[Finding]:
    """`_specs`, from the cache when the same specs were checked against the same lock before."""
    try:
        texts = spec_texts(spec_paths(project))
    except FastgenError:  # the folder is refused, which `_specs` reports
        texts = None
    if texts is None:
        return _specs(project, state)
    memo = spec_memo("check")
    key = specs_key(memo, project, texts, lock if lock is not None else "\0no lock")
    known = _findings(memo.get(key))
    if known is not None:
        return known
    findings = _specs(project, state, texts)
    memo.put(key, [finding.as_json() for finding in findings])
    return findings


def _findings(value: object) -> list[Finding] | None:
    """Findings as `Finding.as_json` wrote them; None for anything else."""
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        return None
    try:
        return [Finding(**item) for item in value]
    except TypeError:
        return None


def _specs(
    project: Project, state: ProjectState, texts: Mapping[Path, str] | None = None
) -> list[Finding]:
    try:
        desired = desired_state(project, texts, locked=state.resources)
    except FastgenError as error:
        detail = error.render() if isinstance(error, SpecError) else error.message
        return [
            Finding(SPEC_INVALID, f"the specs do not load:\n{detail}", "fix the spec", SPECS_DIR)
        ]
    try:
        operations = diff(state, desired)
    except FastgenError as error:
        return [Finding(SPEC_NOT_SYNCED, error.message, error.hint or "fastgen sync", SPECS_DIR)]
    return [
        Finding(
            SPEC_NOT_SYNCED,
            f"spec changed since the last sync: {op.label()}",
            "fastgen sync",
            SPECS_DIR,
        )
        for op in operations
    ]


def _migrations(project: Project, state: ProjectState) -> list[Finding]:
    history = read_history(project.versions_dir)
    findings: list[Finding] = []
    found = heads(history)
    if len(found) > 1:
        files = {r.revision: r.path.name for r in history}
        named = ", ".join(f"{head} ({files[head]})" for head in found)
        findings.append(
            Finding(
                MULTIPLE_HEADS,
                f"the migrations have {len(found)} heads (branches merged?): {named}",
                "fastgen sync (writes the merge revision that joins them)",
                VERSIONS_DIR,
            )
        )
    known = {r.revision for r in history}
    for revision in state.recorded_revisions:
        if revision not in known:
            findings.append(
                Finding(
                    MIGRATION_MISSING,
                    f"revision {revision}, written for the last change recorded in "
                    f"{LOCK_FILE}, is not in {VERSIONS_DIR}",
                    "restore the migration file from version control",
                    VERSIONS_DIR,
                )
            )
    if state.merged_revisions:
        findings.append(
            Finding(
                LOCK_MERGED,
                f"{LOCK_FILE} is a git merge of branches that recorded the revisions "
                f"{', '.join(state.merged_revisions)}",
                "fastgen sync (joins the migration heads and settles the lock)",
                LOCK_FILE,
            )
        )
    return findings


def _files(project: Project, state: ProjectState) -> list[Finding]:
    findings: list[Finding] = []
    registered = _imported_modules(read_text(project.root, REGISTRY_PATH), "app.models")
    main = read_text(project.root, MAIN_PATH)
    routed = (_imported_modules(main, "app.routers") or set()) & _included_routers(main)
    for name, spec in state.resources.items():
        module = module_name(spec)
        for path in (*output_paths(spec), f"{SPECS_DIR}/{module}.yaml"):
            if not (project.root / path).is_file():
                findings.append(
                    Finding(
                        FILE_MISSING,
                        f"{path} of resource {name} is missing",
                        "restore it from version control",
                        path,
                    )
                )
        if registered is not None and module not in registered:
            findings.append(
                Finding(
                    NOT_WIRED,
                    f"{REGISTRY_PATH} does not import app.models.{module}: Alembic will not "
                    f"see the {spec.table} table",
                    f"add `from app.models import {module} as {module}`",
                    REGISTRY_PATH,
                )
            )
        if main is not None and module not in routed:
            findings.append(
                Finding(
                    NOT_WIRED,
                    f"{MAIN_PATH} does not include the {module} router",
                    f"add `from app.routers import {module}` and "
                    f"`app.include_router({module}.router)`",
                    MAIN_PATH,
                )
            )
    return findings


def _module(source: str | None) -> ast.Module | None:
    if source is None:
        return None
    try:
        return ast.parse(source)
    except SyntaxError:
        return ast.Module(body=[], type_ignores=[])  # unreadable: every resource is reported


def _imported_modules(source: str | None, package: str) -> set[str] | None:
    """Names imported at module level by `from <package> import name [as name]`. Each file is
    parsed once, not once per resource: this runs for every resource of a large project."""
    tree = _module(source)
    if tree is None:
        return None
    return {
        alias.name
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.module == package and node.level == 0
        for alias in node.names
        if alias.asname in (None, alias.name)
    }


def _included_routers(source: str | None) -> set[str]:
    """`x` for every module-level `app.include_router(x.router, ...)`."""
    tree = _module(source)
    found: set[str] = set()
    for node in tree.body if tree is not None else []:
        call = node.value if isinstance(node, ast.Expr) else None
        if (
            isinstance(call, ast.Call)
            and ast.unparse(call.func) == "app.include_router"
            and call.args
            and isinstance(call.args[0], ast.Attribute)
            and call.args[0].attr == "router"
            and isinstance(call.args[0].value, ast.Name)
        ):
            found.add(call.args[0].value.id)
    return found
