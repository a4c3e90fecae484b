"""What a command produced: the file changes to make and what to tell the person."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from fastgen.write import Changeset


@dataclass(frozen=True)
class Outcome:
    root: Path
    changeset: Changeset
    summary: str
    next_steps: tuple[str, ...] = ()
    operations: tuple[str, ...] = field(default=())
