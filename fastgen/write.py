"""All-or-nothing writes of one command's file changes, and the report of what changed.

A command computes a `Changeset` (pure values: path, old text, new text); only `apply` touches
the disk. Every new content is first written to a temporary file beside its target, then all
targets are swapped in; if anything fails, the files already swapped are restored.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path


class Action(StrEnum):
    CREATE = "create"
    PATCH = "patch"
    IDENTICAL = "identical"


@dataclass(frozen=True)
class FileChange:
    path: str  # relative to the project root, POSIX separators
    before: str | None  # None: the file does not exist yet
    after: str

    @property
    def action(self) -> Action:
        if self.before is None:
            return Action.CREATE
        return Action.IDENTICAL if self.before == self.after else Action.PATCH

    def diff(self) -> str:
        before = [] if self.before is None else self.before.splitlines(keepends=True)
        return "".join(
            difflib.unified_diff(
                before,
                self.after.splitlines(keepends=True),
                fromfile="/dev/null" if self.before is None else f"a/{self.path}",
                tofile=f"b/{self.path}",
            )
        )


@dataclass(frozen=True)
class Changeset:
    changes: tuple[FileChange, ...]

    @property
    def pending(self) -> tuple[FileChange, ...]:
        return tuple(c for c in self.changes if c.action is not Action.IDENTICAL)

    @property
    def is_noop(self) -> bool:
        return not self.pending


def read_text(root: Path, relative: str) -> str | None:
    path = root / relative
    return path.read_text(encoding="utf-8") if path.exists() else None


def changes_for(root: Path, files: Iterable[tuple[str, str]]) -> tuple[FileChange, ...]:
    """Pair each (path, new text) with what is on disk now."""
    return tuple(FileChange(path, read_text(root, path), text) for path, text in files)


def apply(root: Path, changeset: Changeset) -> None:
    """Write every pending change, or none of them."""
    pending = changeset.pending
    staged: list[tuple[Path, Path]] = []
    created: list[Path] = []  # folders this call made, removed again on failure
    try:
        for change in pending:
            target = root / change.path
            _make_folders(target.parent, created)
            fd, tmp_name = tempfile.mkstemp(
                dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
            )
            tmp = Path(tmp_name)
            staged.append((tmp, target))
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(change.after)
            tmp.chmod(target.stat().st_mode & 0o7777 if target.exists() else 0o644)
    except BaseException:
        _discard(staged, created)
        raise
    swapped: list[tuple[Path, str | None]] = []
    try:
        for (staged_tmp, target), change in zip(staged, pending, strict=True):
            os.replace(staged_tmp, target)
            swapped.append((target, change.before))
    except BaseException:
        _restore(swapped)
        _discard(staged, created)
        raise


def _restore(swapped: list[tuple[Path, str | None]]) -> None:
    for target, before in reversed(swapped):
        if before is None:
            target.unlink(missing_ok=True)
        else:
            target.write_text(before, encoding="utf-8", newline="")


def _make_folders(folder: Path, created: list[Path]) -> None:
    missing: list[Path] = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        path.mkdir()
        created.append(path)


def _discard(staged: list[tuple[Path, Path]], created: list[Path]) -> None:
    for tmp, _ in staged:
        tmp.unlink(missing_ok=True)
    for folder in reversed(created):
        with contextlib.suppress(OSError):
            folder.rmdir()
