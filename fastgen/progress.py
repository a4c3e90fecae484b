"""A spinner on stderr while a command works, for a person watching a terminal.

It is shown only when both stdout and stderr are terminals (never when output is piped or
captured, so what scripts and tests read is the same with or without it), and it leaves nothing
behind once the command is done. `FASTGEN_PROGRESS=0` turns it off, `FASTGEN_PROGRESS=1` shows
it even when the output is not a terminal. rich is imported only when it is shown.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, TextIO

if TYPE_CHECKING:
    from rich.status import Status

ENV = "FASTGEN_PROGRESS"
_ON = {"1", "true", "yes", "on"}
_OFF = {"0", "false", "no", "off"}

_shown: list[Status] = []
"""The spinner being shown, if any (at most one: commands do not nest)."""


def wanted(
    environ: Mapping[str, str] = os.environ,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> bool:
    """Whether a command shows its spinner: as `FASTGEN_PROGRESS` says, else when stdout and
    stderr are both terminals."""
    setting = environ.get(ENV, "").strip().lower()
    if setting in _ON:
        return True
    if setting in _OFF:
        return False
    return all(_is_terminal(stream) for stream in (stdout or sys.stdout, stderr or sys.stderr))


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no such method, or a closed stream
        return False


@contextmanager
def status(message: str) -> Iterator[None]:
    """Show `message` with a spinner on stderr while the block runs, when `wanted()`."""
    if not wanted():
        yield
        return
    from rich.console import Console

    console = Console(stderr=True, force_terminal=True, highlight=False)
    with console.status(message) as shown:
        _shown.append(shown)
        try:
            yield
        finally:
            _shown.remove(shown)


@contextmanager
def paused() -> Iterator[None]:
    """Take the spinner off the screen while the block runs, e.g. while asking a question."""
    if not _shown:
        yield
        return
    shown = _shown[-1]
    shown.stop()
    try:
        yield
    finally:
        shown.start()
