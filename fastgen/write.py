"""All-or-nothing writes of one command's file changes, and the report of what changed.

A command computes a `Changeset` (pure values: path, old text, new text); only `apply` touches
the disk. Every new content is first written to a temporary file beside its target, and every
file about to be replaced is copied to a backup beside it; then all targets are swapped in. If
anything fails, the files already swapped get their backups back and new files and folders are
removed, so the tree is byte for byte as it was.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import re
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from fastgen.errors import UsageError
from fastgen.files import read_project_text


class Action(StrEnum):
    CREATE = "create"
    PATCH = "patch"
    IDENTICAL = "identical"
    DELETE = "delete"


@dataclass(frozen=True)
class FileChange:
    path: str  # relative to the project root, POSIX separators
    before: str | None  # None: the file does not exist yet
    after: str | None  # None: the file is deleted (nothing to do when it does not exist)

    @property
    def action(self) -> Action:
        if self.after is None:
            return Action.IDENTICAL if self.before is None else Action.DELETE
        if self.before is None:
            return Action.CREATE
        return Action.IDENTICAL if self.before == self.after else Action.PATCH

    def diff(self) -> str:
        before = [] if self.before is None else self.before.splitlines(keepends=True)
        after = [] if self.after is None else self.after.splitlines(keepends=True)
        return "".join(
            difflib.unified_diff(
                before,
                after,
                fromfile="/dev/null" if self.before is None else f"a/{self.path}",
                tofile="/dev/null" if self.after is None else f"b/{self.path}",
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
    """What a project file holds now (None: no such file); see `read_project_text`."""
    return read_project_text(root, relative)


def changes_for(root: Path, files: Iterable[tuple[str, str]]) -> tuple[FileChange, ...]:
    """Pair each (path, new text) with what is on disk now."""
    return tuple(FileChange(path, read_text(root, path), text) for path, text in files)


def apply(root: Path, changeset: Changeset) -> None:
    """Write (or delete) every pending change, or none of them. A file to delete gets its backup
    like a file to replace, and is removed where the others are swapped in.

    On failure the original error is raised again once the tree is back as it was. If the
    roll-back itself cannot finish, a `RestoreError` says which files are not restored (each one's
    backup is kept) and what is left over. A process killed meanwhile leaves its temporary files
    and backups: `clear_leftovers`, before the next write, deals with them.
    """
    pending = changeset.pending
    staged: list[tuple[Path, Path]] = []  # (temporary file, target)
    backups: dict[Path, Path] = {}  # target -> a copy of it as it was
    created: list[Path] = []  # folders this call made
    swapped: list[Path] = []
    try:
        for change in pending:
            target = root / change.path
            if change.after is None:
                backups[target] = _reserve(target, ".orig")
                shutil.copy2(target, backups[target])
                staged.append((backups[target], target))
                continue
            _make_folders(target.parent, created)
            fd, tmp_name = tempfile.mkstemp(
                dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
            )
            tmp = target.parent / Path(tmp_name).name  # mkstemp's name is absolute
            staged.append((tmp, target))
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
                handle.write(change.after)
            if target.exists():
                tmp.chmod(target.stat().st_mode & 0o7777)
                # `change.before` was read with universal newlines: only a copy of the bytes
                # restores a CRLF file exactly (and keeps its mode and times).
                backups[target] = _reserve(target, ".orig")
                shutil.copy2(target, backups[target])
            else:
                tmp.chmod(0o644)
        for tmp, target in staged:
            if tmp == backups.get(target):  # a deletion: the backup keeps the content
                target.unlink()
            else:
                os.replace(tmp, target)
            swapped.append(target)
    except BaseException as error:
        _roll_back(root, error, swapped, staged, backups, created)
        raise
    for backup in backups.values():
        with contextlib.suppress(OSError):  # the write is done; `check` reports a stray backup
            backup.unlink()


# -- what an interrupted write leaves behind

_LEFTOVER = re.compile(r"\.(?P<target>.+)\.[a-z0-9_]{8}\.(?P<kind>tmp|orig)")
"""`.book.py.k2j4_x9a.tmp`: the names `apply` gives its temporary files and backups (mkstemp's
eight random characters between the target's name and the suffix)."""
_NOT_SEARCHED = {"__pycache__", "node_modules"}
_HIDDEN_SEARCHED = {".fastgen", ".github"}
"""Hidden folders fastgen writes to (the record of what it generated, the CI workflow)."""


@dataclass(frozen=True)
class Leftover:
    """A temporary file or a backup `apply` made, still there because a write was killed (or
    interrupted while undoing itself). `needed`: a backup whose target is gone or differs from
    it, so it may be the only copy of what the file held before; nothing removes it but a person.
    """

    path: str  # relative to the project root, POSIX separators
    target: str
    kind: str  # "tmp" or "orig"
    needed: bool

    def describe(self) -> str:
        if self.kind == "tmp":
            return f"{self.path}: new content for {self.target}, never swapped in"
        if not self.needed:
            return f"{self.path}: a backup of {self.target}, which is unchanged"
        return (
            f"{self.path}: {self.target} as it was before the interrupted write; "
            f"{self.target} differs from it now"
        )

    @property
    def fix(self) -> str:
        if not self.needed:
            return "delete it (the next fastgen command that writes removes it)"
        return (
            f"compare the two: move {self.path} over {self.target} to take its old content "
            f"back, or delete {self.path} to keep {self.target} as it is"
        )


def find_leftovers(root: Path) -> list[Leftover]:
    """Every temporary file and backup of an interrupted write under `root`, sorted. Hidden
    folders (.git, .venv) but the ones fastgen writes to, virtual environments and caches are
    not searched."""
    found: list[Leftover] = []
    if not root.is_dir():
        return found
    for folder, folders, files in os.walk(root):
        here = Path(folder)
        folders[:] = sorted(
            name
            for name in folders
            if (not name.startswith(".") or name in _HIDDEN_SEARCHED)
            and name not in _NOT_SEARCHED
            and not (here / name / "pyvenv.cfg").exists()
        )
        for name in sorted(files):
            match = _LEFTOVER.fullmatch(name)
            if match is None or not (here / name).is_file() or (here / name).is_symlink():
                continue
            target = here / match["target"]
            needed = match["kind"] == "orig" and not _same_bytes(here / name, target)
            found.append(
                Leftover(
                    path=(here / name).relative_to(root).as_posix(),
                    target=target.relative_to(root).as_posix(),
                    kind=match["kind"],
                    needed=needed,
                )
            )
    return found


def _same_bytes(backup: Path, target: Path) -> bool:
    try:
        return target.is_file() and backup.read_bytes() == target.read_bytes()
    except OSError:
        return False


class InterruptedWriteError(UsageError):
    """Backups of an interrupted write may hold content a person needs: nothing is written."""

    def __init__(self, needed: list[Leftover]) -> None:
        listed = "\n".join(f"  {leftover.describe()}" for leftover in needed)
        super().__init__(
            "an earlier write was interrupted and left backups that may hold your files as they "
            f"were; nothing was written:\n{listed}",
            hint="for each backup, move it over its file to take the old content back, or "
            "delete it to keep the file as it is; `git status` shows what the interrupted write "
            "changed, new files included; then run the command again",
        )
        self.needed = needed


def clear_leftovers(root: Path) -> tuple[Leftover, ...]:
    """Remove what an interrupted write left that is provably fastgen's and holds nothing else:
    temporary files (new content, never the only copy of anything) and backups identical to
    their file. Raises `InterruptedWriteError`, removing nothing, when a backup differs from its
    file (or the file is gone)."""
    found = find_leftovers(root)
    needed = [leftover for leftover in found if leftover.needed]
    if needed:
        raise InterruptedWriteError(needed)
    for leftover in found:
        (root / leftover.path).unlink(missing_ok=True)
    return tuple(found)


class RestoreError(OSError):
    """A write failed and rolling it back failed too: the tree is not as it was."""

    def __init__(self, message: str, not_restored: list[str], left_over: list[str]) -> None:
        super().__init__(message)
        self.not_restored = not_restored
        self.left_over = left_over


def _reserve(target: Path, suffix: str) -> Path:
    """A new empty hidden file beside `target`, with a name no other file has."""
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=suffix)
    os.close(fd)
    return target.parent / Path(name).name


def _roll_back(
    root: Path,
    error: BaseException,
    swapped: list[Path],
    staged: list[tuple[Path, Path]],
    backups: dict[Path, Path],
    created: list[Path],
) -> None:
    """Put back what `apply` changed; raise `RestoreError` if some of it cannot be put back."""
    not_restored = _restore(swapped, backups)
    keep = {backups[t] for t in not_restored if t in backups}
    leftovers = [tmp for tmp, _ in staged] + [b for b in backups.values() if b not in keep]
    left_over = [path for path in leftovers if not _removed(path)]
    stuck = [*not_restored, *keep, *left_over]
    for folder in reversed(created):
        try:
            folder.rmdir()
        except OSError:
            if not any(folder in path.parents for path in stuck):
                left_over.append(folder)
            stuck.append(folder)
    if not not_restored and not left_over:
        return

    def show(path: Path) -> str:
        return path.relative_to(root).as_posix()

    notes = [
        f"{show(t)} (its content from before is in {show(backups[t])}: move it back by hand)"
        if t in backups
        else f"{show(t)} (a new file: delete it by hand)"
        for t in not_restored
    ]
    if left_over:
        notes.append("left over, delete by hand: " + ", ".join(show(p) for p in left_over))
    cause = str(error) or type(error).__name__
    raise RestoreError(
        f"{cause}; then undoing the write failed, not restored: {'; '.join(notes)}",
        [show(t) for t in not_restored],
        [show(p) for p in left_over],
    ) from error


def _restore(swapped: list[Path], backups: dict[Path, Path]) -> list[Path]:
    """Give each swapped target its backup back, or remove it if it is new. Whatever fails is
    tried once more after the others; returns the targets that still could not be restored."""
    remaining = list(reversed(swapped))
    for _ in range(2):
        failed: list[Path] = []
        for target in remaining:
            try:
                if target in backups:
                    os.replace(backups[target], target)
                else:
                    target.unlink(missing_ok=True)
            except OSError:
                failed.append(target)
        remaining = failed
    return remaining


def _removed(path: Path) -> bool:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        return False
    return True


def _make_folders(folder: Path, created: list[Path]) -> None:
    missing: list[Path] = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        path.mkdir()
        created.append(path)
