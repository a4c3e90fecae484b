"""The record of what fastgen generated: `.fastgen/`, committed with the project.

For every file fastgen generates (the skeleton `fastgen new` writes, each resource's model,
router, factory and tests, the files fastgen owns whole), `.fastgen/base/<path>.base` holds the
text fastgen generated for it, without any hand edit: the *base* of the three-way merge
`fastgen upgrade` makes (base, what this fastgen renders now, what is on disk).
`.fastgen/project.json` holds the project's name and database, which the skeleton is rendered
from. Left out: `.env` (this checkout's own), `fastgen.lock`, the specs and the migrations under
`migrations/versions` (never rewritten). `app/main.py` and `app/models/__init__.py` are recorded
as the skeleton has them, before any resource is wired in: their base is that text with the
lock's resources wired in, the way commands wire them (so two git branches that each add a
resource change no recorded file in common).

Every command that writes keeps it up to date (`recorded`): a file it creates is recorded as
written; a file it patches gets the same change applied to its base (the command's change
before -> after, merged into the base node by node), so hand edits never enter the record; a
file it deletes leaves the record. A project made before the record existed has none: the first
command that writes records only the files it creates, and `fastgen upgrade` records the rest.

One file per generated file, byte for byte as generated, so `git diff` shows a blueprint's
change as it is and git merges branches file by file. The `.base` suffix keeps them out of
what the project's own checks read (ruff, mypy and pytest look at Python files only).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from fastgen.errors import UsageError
from fastgen.project import LOCK_FILE, MAIN_PATH, REGISTRY_PATH, SPECS_DIR, VERSIONS_DIR
from fastgen.write import Changeset, FileChange, read_text

RECORD_DIR = ".fastgen"
BASE_DIR = f"{RECORD_DIR}/base"
IDENTITY_PATH = f"{RECORD_DIR}/project.json"
SUFFIX = ".base"
WIRED = (MAIN_PATH, REGISTRY_PATH)
"""Recorded before any resource is wired in (see the module docstring)."""
_NOT_RECORDED = (".env", LOCK_FILE)


@dataclass(frozen=True)
class Identity:
    """What the skeleton is rendered from besides the roles: the project's name and database."""

    name: str
    db: str


@dataclass(frozen=True)
class Record:
    identity: Identity | None = None
    files: Mapping[str, str] = field(default_factory=dict)  # path -> the text generated


def is_recorded(path: str) -> bool:
    """Whether `path` is a generated file the record keeps (see the module docstring)."""
    return path not in _NOT_RECORDED and not path.startswith(
        (f"{VERSIONS_DIR}/", f"{SPECS_DIR}/", f"{RECORD_DIR}/")
    )


def base_path(path: str) -> str:
    """Where the record keeps the base of `path`."""
    return f"{BASE_DIR}/{path}{SUFFIX}"


def dump_identity(identity: Identity) -> str:
    return json.dumps({"db": identity.db, "name": identity.name}, indent=1, sort_keys=True) + "\n"


def _identity(root: Path) -> Identity | None:
    text = read_text(root, IDENTITY_PATH)
    if text is None:
        return None
    try:
        document = json.loads(text)
    except ValueError:
        document = None
    if (
        not isinstance(document, dict)
        or not isinstance(document.get("name"), str)
        or not isinstance(document.get("db"), str)
    ):
        raise UsageError(
            f"{IDENTITY_PATH}: not what fastgen wrote (a JSON object with `name` and `db`)",
            hint="restore it from version control, or delete it (the project's name and "
            "database are then read from pyproject.toml and app/core/config.py)",
        )
    return Identity(document["name"], document["db"])


def read_record(root: Path) -> Record | None:
    """The project's record, or None when it has none (made before the record existed)."""
    folder = root / BASE_DIR
    identity = _identity(root)
    if not folder.is_dir():
        return None if identity is None else Record(identity)
    files: dict[str, str] = {}
    for path in sorted(folder.rglob(f"*{SUFFIX}")):
        if path.is_file():
            relative = path.relative_to(folder).as_posix().removesuffix(SUFFIX)
            text = read_text(root, f"{BASE_DIR}/{relative}{SUFFIX}")
            if text is not None:
                files[relative] = text
    return Record(identity, files)


def record_changes(root: Path, before: Record | None, after: Record) -> list[FileChange]:
    """The file changes that make the record on disk (`before`) `after`."""
    old = before.files if before is not None else {}
    changes = [
        FileChange(base_path(path), old.get(path), after.files.get(path))
        for path in sorted({*old, *after.files})
    ]
    if after.identity is not None:
        current = read_text(root, IDENTITY_PATH)
        changes.append(FileChange(IDENTITY_PATH, current, dump_identity(after.identity)))
    return [change for change in changes if change.before != change.after]


def recorded(
    root: Path,
    changeset: Changeset,
    identity: Identity | None = None,
    generated: Mapping[str, str] | None = None,
) -> Changeset:
    """`changeset` with the record brought along: what it creates is recorded as written (or as
    `generated` gives it: a renamed resource's module, moved with its hand edits, is recorded as
    fastgen generated it), what it patches gets the same change in its base, what it deletes
    leaves the record. `identity`: for a new project (no record on disk yet)."""
    if changeset.is_noop:
        return changeset
    before = read_record(root) if identity is None else None
    files = dict(before.files) if before is not None else {}
    for change in changeset.pending:
        if not is_recorded(change.path):
            continue
        base = files.get(change.path)
        if change.after is None:
            files.pop(change.path, None)
        elif change.before is None:
            files[change.path] = (generated or {}).get(change.path, change.after)
        elif base is not None and change.path not in WIRED:
            files[change.path] = _carried(change, base)
    if before is None and not files:
        return changeset
    who = identity or (before.identity if before is not None else None) or guess_identity(root)
    changes = record_changes(root, before, Record(who, files))
    return Changeset((*changeset.changes, *changes)) if changes else changeset


def _carried(change: FileChange, base: str) -> str:
    """The base with the change a command made to the file on disk (before -> after)."""
    assert change.before is not None and change.after is not None
    if base == change.before or not change.path.endswith(".py"):
        return change.after
    from fastgen.patch.merge import merge_generated

    try:
        result = merge_generated(base, change.before, change.after, change.path)
    except (RuntimeError, ValueError, SyntaxError):
        return base
    return base if result.conflicts else result.source


_ROLES_LINE = re.compile(r"^roles = \[[^\]]*\]", re.MULTILINE)
PYPROJECT = "pyproject.toml"


def with_roles_of(path: str, text: str, other: str) -> str:
    """`text` (a recorded pyproject.toml) with the `roles = [...]` line `other` has: the roles
    are the person's input, like the specs, and not a difference between blueprints."""
    if path != PYPROJECT:
        return text
    found = _ROLES_LINE.search(other)
    if found is None:
        return text
    return _ROLES_LINE.sub(lambda _: found[0], text, count=1)


def guess_identity(root: Path) -> Identity | None:
    """The project's name (pyproject.toml) and database (the default URL in
    app/core/config.py), for a project whose record does not say."""
    import tomllib

    try:
        data = tomllib.loads(read_text(root, "pyproject.toml") or "")
    except tomllib.TOMLDecodeError:
        return None
    name = data.get("project", {}).get("name")
    config = read_text(root, "app/core/config.py") or ""
    found = re.search(r'database_url: str = "(postgresql|sqlite)\+', config)
    if not isinstance(name, str) or found is None:
        return None
    return Identity(name, found[1])
