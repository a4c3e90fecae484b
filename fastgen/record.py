"""The record of what fastgen generated: `.fastgen/generated.json`, committed with the project.

For every file fastgen generates (the skeleton `fastgen new` writes, each resource's model,
router, factory and tests, the wiring in `app/main.py` and `app/models/__init__.py`, the files
fastgen owns whole), the record keeps the text fastgen generated for it, without any hand edit:
the *base* of the three-way merge `fastgen upgrade` makes (base, what this fastgen renders now,
what is on disk). Left out: `.env` (this checkout's own), `fastgen.lock`, the specs and the
migrations under `migrations/versions` (never rewritten).

Every command that writes keeps it up to date (`recorded`): a file it creates is recorded as
written; a file it patches gets the same change applied to its base (the command's change
before -> after, merged into the base node by node), so hand edits never enter the record; a
file it deletes leaves the record. A project made before the record existed has none: the first
command that writes records only the files it creates, and `fastgen upgrade` records the rest.

The file is JSON with sorted keys, each text as a list of its lines (so a change of a generated
file shows in `git diff` as the lines that changed): deterministic, and outside what the
project's own checks read (not Python, not under app/, tests/ or migrations/).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from fastgen.errors import UsageError
from fastgen.project import LOCK_FILE, SPECS_DIR, VERSIONS_DIR
from fastgen.write import Changeset, FileChange, read_text

RECORD_PATH = ".fastgen/generated.json"
FORMAT = 1
_NOT_RECORDED = (".env", LOCK_FILE, RECORD_PATH)


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
        (f"{VERSIONS_DIR}/", f"{SPECS_DIR}/", ".fastgen/")
    )


def dump_record(record: Record) -> str:
    document: dict[str, object] = {"format": FORMAT}
    if record.identity is not None:
        document["project"] = {"db": record.identity.db, "name": record.identity.name}
    document["files"] = {
        path: record.files[path].splitlines(keepends=True) for path in sorted(record.files)
    }
    return json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def parse_record(text: str) -> Record:
    problem = "not a record fastgen wrote"
    try:
        document = json.loads(text)
    except ValueError as error:
        problem = f"not valid JSON ({error})"
        document = None
    files = document.get("files") if isinstance(document, dict) else None
    project = document.get("project", {}) if isinstance(document, dict) else None
    if (
        not isinstance(document, dict)
        or document.get("format") != FORMAT
        or not isinstance(files, dict)
        or not isinstance(project, dict)
        or not all(
            isinstance(lines, list) and all(isinstance(line, str) for line in lines)
            for lines in files.values()
        )
    ):
        raise UsageError(
            f"{RECORD_PATH}: {problem}",
            hint="restore it from version control, or delete it (then `fastgen upgrade` keeps "
            "every file that differs from this fastgen's blueprints as it is and records anew)",
        )
    identity = None
    if isinstance(project.get("name"), str) and isinstance(project.get("db"), str):
        identity = Identity(project["name"], project["db"])
    return Record(identity, {path: "".join(lines) for path, lines in files.items()})


def read_record(root: Path) -> Record | None:
    """The project's record, or None when it has none (made before the record existed)."""
    text = read_text(root, RECORD_PATH)
    return None if text is None else parse_record(text)


def recorded(root: Path, changeset: Changeset, identity: Identity | None = None) -> Changeset:
    """`changeset` with the record brought along: what it creates is recorded as written, what
    it patches gets the same change in its base, what it deletes leaves the record."""
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
        elif change.before is None or base is None:
            if change.before is None:
                files[change.path] = change.after
        else:
            files[change.path] = _carried(change, base)
    who = identity or (before.identity if before is not None else None) or guess_identity(root)
    if before is None and not files:
        return changeset
    record = Record(who, files)
    text = dump_record(record)
    current = read_text(root, RECORD_PATH)
    if current == text:
        return changeset
    return Changeset((*changeset.changes, FileChange(RECORD_PATH, current, text)))


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
