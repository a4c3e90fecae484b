"""Reading files a person controls: only regular files, never a FIFO, a device or a folder, and
never through a symbolic link that leaves the project.

A spec or a project file is read by commands that CI runs on pull requests (`fastgen check`,
`fastgen validate`), and parts of what they read can end up in error messages. A link such as
`specs/env.yaml -> /proc/self/environ` must therefore be refused by its name, before anything is
read. The file is opened without following a final link and without blocking, and checked again
on the open descriptor, so a file swapped for something else in between is refused too.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from fastgen.errors import Diagnostic, SpecError, UsageError


class FileRefused(OSError):
    """The path is not a regular file fastgen may read; `str()` says what it is instead."""


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    return "not a regular file"


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
    except ValueError:
        return False
    return True


def read_regular(path: Path, *, within: Path | None = None) -> bytes:
    """The bytes of `path`, which must be a regular file.

    With `within`, a symbolic link is followed when the file it leads to is inside that folder
    (a project's own layout); without it, any link is refused (a spec names its own file).
    Raises `FileNotFoundError` when there is nothing at `path`, `FileRefused` when what is there
    may not be read.
    """
    info = path.lstat()
    target = path
    if stat.S_ISLNK(info.st_mode):
        resolved = path.resolve()
        if within is None:
            raise FileRefused(f"a symbolic link (to {resolved})")
        if not _inside(resolved, within.resolve()):
            raise FileRefused(f"a symbolic link to {resolved}, outside the project")
        target = resolved
        info = target.lstat()
    if not stat.S_ISREG(info.st_mode):
        raise FileRefused(_kind(info.st_mode))
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    fd = os.open(target, flags)
    with contextlib.closing(os.fdopen(fd, "rb")) as handle:
        mode = os.fstat(handle.fileno()).st_mode
        if not stat.S_ISREG(mode):
            raise FileRefused(_kind(mode))
        return handle.read()


def read_spec_text(path: Path, file: str) -> str:
    """The text of a spec file (`file` is its name in diagnostics), with universal newlines.
    Anything but a regular file is refused by its name, and so is a file holding NUL bytes (not
    text: /proc/self/environ passes for a regular file), so no diagnostic ever shows a line of
    something that is not a spec."""
    try:
        data = read_regular(path)
    except FileRefused as error:
        message = f"not read: the spec is {error}"
        hint = "a spec must be a regular file; put the spec itself here"
        raise SpecError([Diagnostic(file, 1, 1, "", message, hint)]) from None
    except OSError as error:
        reason = error.strerror or str(error)
        raise SpecError([Diagnostic(file, 1, 1, "", f"cannot read the file: {reason}")]) from None
    if b"\0" in data:  # located, but shown without its line: the file is not text
        line, col = _position(data, data.index(b"\0"))
        message = "not read: the file holds NUL bytes, so it is not a text file"
        raise SpecError([Diagnostic(file, line, col, "", message, "a spec is YAML text")]) from None
    try:
        return _universal_newlines(data.decode("utf-8-sig"))
    except UnicodeDecodeError as error:
        line, col = _position(data, error.start)
        message = f"the file is not valid UTF-8 (byte 0x{data[error.start]:02x})"
        raise SpecError([Diagnostic(file, line, col, "", message)]) from None


def _universal_newlines(text: str) -> str:
    """`\r\n` and `\r` as `\n`, the way `Path.read_text` reads text."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _position(data: bytes, offset: int) -> tuple[int, int]:
    """1-based line and column of a byte offset."""
    before = data[:offset]
    return before.count(b"\n") + 1, len(before) - (before.rfind(b"\n") + 1) + 1


def read_project_text(root: Path, relative: str) -> str | None:
    """A file of the project as text with universal newlines (as `Path.read_text` reads it), or
    None when there is none. A link is followed only to a file inside the project; anything that
    is not a regular file is refused by its name (`UsageError`, exit 2)."""
    try:
        data = read_regular(root / relative, within=root)
    except FileNotFoundError:
        return None
    except FileRefused as error:
        raise UsageError(
            f"{relative} is {error}; not read",
            hint="fastgen reads and writes only regular files inside the project: replace it "
            "with the file itself",
        ) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise UsageError(
            f"{relative} is not valid UTF-8 (byte 0x{data[error.start]:02x} at offset "
            f"{error.start})"
        ) from None
    return _universal_newlines(text)
