"""What removing a resource takes out of a project's code (`fastgen remove resource`).

Its wiring is patched out of `app/main.py` and `app/models/__init__.py`, and its generated files
(model, router, factory, tests) are deleted. A file that differs from what fastgen renders for
it was edited by hand: deleting it would lose that work, so it is a conflict (with what differs)
unless the person forces the removal.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from fastgen.errors import ConflictError, ExitCode, FastgenError, PatchConflict
from fastgen.patch.unwire import exclude_router, unregister_model_module
from fastgen.project import MAIN_PATH, REGISTRY_PATH, Project
from fastgen.write import FileChange, read_text

_SHOWN_LINES = 40
"""Of the difference between a hand-edited file and what fastgen renders for it."""


class HandEditedError(FastgenError):
    """Generated files to delete were edited by hand. Nothing was written."""

    exit_code = ExitCode.CONFLICT

    def __init__(self, edited: Sequence[tuple[str, str]]) -> None:
        count = len(edited)
        listed = "\n".join(f"\n{path}:\n{difference}" for path, difference in edited)
        super().__init__(
            f"{count} file{'s' if count != 1 else ''} to delete "
            f"{'were' if count != 1 else 'was'} edited by hand; nothing was written:\n{listed}",
            hint="keep what you need of those edits elsewhere, then run the command again with "
            "--force to delete the files anyway",
        )
        self.paths = [path for path, _ in edited]


def unwire_resources(project: Project, modules: Sequence[str]) -> dict[str, str]:
    """The model registry and main.py, patched to no longer import or mount the modules."""
    registry = read_text(project.root, REGISTRY_PATH)
    main = read_text(project.root, MAIN_PATH)
    files: dict[str, str] = {}
    conflicts: list[PatchConflict] = []
    for module in modules:
        if registry is not None:
            result = unregister_model_module(registry, module)
            registry = files[REGISTRY_PATH] = result.source
            conflicts.extend([result.conflict] if result.conflict else [])
        if main is not None:
            result = exclude_router(main, module)
            main = files[MAIN_PATH] = result.source
            conflicts.extend([result.conflict] if result.conflict else [])
    if conflicts:
        raise ConflictError(conflicts)
    return files


def deletions(
    project: Project, generated: Sequence[tuple[str, str]], *, force: bool
) -> list[FileChange]:
    """The files of removed resources deleted; `generated` is what fastgen renders for each
    (formatted). Files already gone are left out."""
    changes: list[FileChange] = []
    edited: list[tuple[str, str]] = []
    for path, expected in generated:
        current = read_text(project.root, path)
        if current is None:
            continue
        if current != expected and not force:
            edited.append((path, _difference(path, expected, current)))
        changes.append(FileChange(path, current, None))
    if edited:
        raise HandEditedError(edited)
    return changes


def _difference(path: str, expected: str, current: str) -> str:
    lines = list(
        difflib.unified_diff(
            expected.splitlines(keepends=True),
            current.splitlines(keepends=True),
            fromfile=f"{path} (as fastgen generates it)",
            tofile=f"{path} (on disk)",
        )
    )
    shown = "".join(lines[:_SHOWN_LINES])
    if len(lines) > _SHOWN_LINES:
        shown += f"... ({len(lines) - _SHOWN_LINES} more lines of difference)\n"
    return shown.rstrip("\n")
