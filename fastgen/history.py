"""The Alembic revision history of a project, read from the files alone (no database, no import).

Revision files are parsed with `ast` for their `revision` / `down_revision` literals, which is all
that is needed to find the head a new revision must chain to. What a file declares is kept in the
per-user cache under a hash of its bytes (`fastgen.cache.Memo`): a project's revisions are parsed
once, not by every command.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from fastgen.cache import Memo
from fastgen.errors import UsageError
from fastgen.files import read_regular


@dataclass(frozen=True)
class Revision:
    revision: str
    down_revisions: tuple[str, ...]
    path: Path


def _literal(node: ast.expr) -> tuple[str, ...] | None:
    try:
        value = ast.literal_eval(node)
    except ValueError:
        return None
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, tuple | list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    return None


def read_revision(path: Path, memo: Memo | None = None) -> Revision | None:
    """The revision a file declares, or None when it declares none (e.g. `__init__.py`)."""
    try:
        source = read_regular(path, within=path.parent)
    except (OSError, ValueError) as exc:
        raise UsageError(f"{path}: cannot read this migration: {exc}") from exc
    if memo is None:
        return _parse_revision(path, source)
    key = memo.key(source)
    known = memo.get(key)  # [] for none, else [revision, *down_revisions]
    if isinstance(known, list) and all(isinstance(value, str) for value in known):
        return Revision(known[0], tuple(known[1:]), path) if known else None
    revision = _parse_revision(path, source)
    memo.put(key, [] if revision is None else [revision.revision, *revision.down_revisions])
    return revision


def _parse_revision(path: Path, source: bytes) -> Revision | None:
    try:
        tree = ast.parse(source, filename=str(path))
    except (SyntaxError, ValueError) as exc:
        raise UsageError(f"{path}: cannot read this migration: {exc}") from exc
    values: dict[str, tuple[str, ...] | None] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if isinstance(target, ast.Name) and target.id in ("revision", "down_revision"):
            values[target.id] = _literal(value)
    revision = values.get("revision")
    if not revision:
        return None
    return Revision(revision[0], values.get("down_revision") or (), path)


def read_history(versions_dir: Path) -> list[Revision]:
    if not versions_dir.is_dir():
        return []
    memo = Memo("history")
    revisions = (read_revision(p, memo) for p in sorted(versions_dir.glob("*.py")))
    return [r for r in revisions if r is not None]


def heads(history: list[Revision]) -> list[str]:
    referenced = {down for r in history for down in r.down_revisions}
    return sorted(r.revision for r in history if r.revision not in referenced)


def single_head(history: list[Revision], versions_dir: Path) -> str | None:
    """The one head a new revision chains to (None for an empty history)."""
    found = heads(history)
    if len(found) > 1:
        raise UsageError(
            f"the migrations in {versions_dir} have {len(found)} heads: {', '.join(found)}",
            hint="run `fastgen sync` first: it writes the merge revision that joins them",
        )
    return found[0] if found else None
