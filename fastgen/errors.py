"""Error types. The CLI catches `FastgenError` once and maps it to an exit code."""

from __future__ import annotations

from dataclasses import dataclass, field

from fastgen.plural import counted


class ExitCode:
    OK = 0
    DRIFT = 1
    BAD_INPUT = 2
    CONFLICT = 3


class FastgenError(Exception):
    """Root of every error fastgen reports to a person. `exit_code` is the process exit code."""

    exit_code = ExitCode.BAD_INPUT

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(FastgenError):
    """A command was called in a way that cannot work (bad flag, no project, ...)."""


@dataclass(frozen=True)
class Diagnostic:
    """One problem in a spec file, located at `line`:`col` (both 1-based)."""

    file: str
    line: int
    col: int
    path: str
    message: str
    hint: str | None = None
    length: int = 1
    source_line: str | None = field(default=None, compare=False)
    severity: str = "error"  # or "warning": reported, but the spec is still accepted

    def render(self) -> str:
        where = f"{self.file}:{self.line}:{self.col}"
        subject = f"{self.path}: " if self.path else ""
        lines = [f"{where}: {self.severity}: {subject}{self.message}"]
        if self.source_line is not None:
            gutter = " " * len(str(self.line))
            lines.append(f"   {self.line} | {self.source_line}")
            lines.append(f"   {gutter} | {' ' * (self.col - 1)}{'^' * max(1, self.length)}")
        if self.hint:
            lines.append(f"  hint: {self.hint}")
        return "\n".join(lines)


class SpecError(FastgenError):
    """A spec (or several) has problems. Carries every diagnostic, not just the first."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        ordered = sorted(diagnostics, key=lambda d: (d.file, d.line, d.col, d.path, d.message))
        files = sorted({d.file for d in ordered})
        where = files[0] if len(files) == 1 else counted(len(files), "spec file")
        super().__init__(f"{counted(len(ordered), 'error')} in {where}")
        self.diagnostics = ordered

    def render(self) -> str:
        return "\n".join(d.render() for d in self.diagnostics)


@dataclass(frozen=True)
class PatchConflict:
    """A patch that cannot be applied safely: what to paste, and where."""

    path: str
    reason: str
    snippet: str
    where: str


class ConflictError(FastgenError):
    """Hand edits make a patch unsafe. Nothing was written."""

    exit_code = ExitCode.CONFLICT

    def __init__(self, conflicts: list[PatchConflict]) -> None:
        super().__init__(
            f"{counted(len(conflicts), 'file')} could not be patched safely; nothing was written"
        )
        self.conflicts = conflicts
