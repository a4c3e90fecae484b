"""All-or-nothing writes, proved by fault injection on real commands and a real project.

For each command, a first run in a throwaway copy counts every filesystem step `apply` takes
(folder made, temporary file reserved, content written, mode set, backup copied, file swapped in).
Then, for every step k, the command runs again on a fresh copy with step k raising OSError: it
must fail with a clear message and no traceback, and leave the tree byte for byte as it was,
hidden and temporary files and the set of folders included.

Computing the changes is pure (only `apply` writes), so the faulted runs replay the changeset of
the real first run instead of computing it again: the command still goes through the CLI, finds
the project and applies for real. `test_replaying_the_changeset_matches_the_real_command` shows
that the replay, without a fault, writes exactly what the real command wrote.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from typer.testing import CliRunner, Result

import fastgen.cli
import fastgen.write
from fastgen.cli import app
from fastgen.commands.outcome import Outcome
from fastgen.write import Changeset

if TYPE_CHECKING:
    from conftest import Snapshot

EXAMPLES = Path(__file__).resolve().parent.parent.parent / "examples" / "bookshop"


@dataclass(frozen=True)
class Command:
    args: tuple[str, ...]
    base: str  # "empty": a new project; "bookshop": with Author and Book
    module: str  # where the CLI finds the function computing the outcome
    function: str


COMMANDS = {
    "add-resource": Command(
        ("add", "resource", str(EXAMPLES / "author.yaml"), str(EXAMPLES / "book.yaml")),
        "empty",
        "fastgen.commands.add_resource",
        "add_resource",
    ),
    "add-column": Command(
        ("add", "column", "Book", "stock:int", "--default", "0", "--index"),
        "bookshop",
        "fastgen.commands.columns",
        "add_column",
    ),
    "remove-column": Command(
        ("remove", "column", "Book", "summary", "--allow-destructive"),
        "bookshop",
        "fastgen.commands.columns",
        "remove_column",
    ),
}

# Steps `apply` takes for each command. A new file: reserve, write, chmod, swap (4); a patched
# file: the same plus reserve and copy of its backup (6); a new folder: mkdir (1).
# add resource: 12 new files, 3 patched, 1 new folder, and in the record of what fastgen
# generated (.fastgen/base/) 9 new files, 1 new folder; the columns: 1 new file, 5 patched, and
# in the record 3 patched.
FAULT_POINTS = {"add-resource": 104, "add-column": 52, "remove-column": 52}

Tree = tuple[dict[str, bytes], frozenset[str]]


def tree(root: Path, snapshot: Snapshot) -> Tree:
    """Every file's bytes (hidden and temporary ones included) and the set of folders."""
    folders = frozenset(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_dir())
    return snapshot(root), folders


def invoke(root: Path, args: tuple[str, ...]) -> Result:
    return CliRunner().invoke(app, ["--project", str(root), *args], catch_exceptions=True)


class Faults:
    """Counts the filesystem calls `apply` makes, and makes the k-th one raise OSError."""

    def __init__(self, fail_at: int | None = None) -> None:
        self.fail_at = fail_at
        self.steps: list[str] = []
        self.root = Path()
        self.last_reserved = ""

    def step(self, label: str) -> None:
        label = re.sub(r"\.[a-z0-9_]{8}\.(tmp|orig)\b", r".*.\1", label)  # mkstemp's random part
        self.steps.append(label)
        if len(self.steps) == self.fail_at:
            raise OSError(f"injected failure at step {self.fail_at}: {label}")

    def rel(self, path: Any) -> str:
        return Path(os.path.relpath(path, self.root)).as_posix()

    @contextlib.contextmanager
    def active(self, root: Path) -> Iterator[None]:
        self.root = root
        real_mkdir, real_chmod = Path.mkdir, Path.chmod
        real_mkstemp, real_fdopen = tempfile.mkstemp, os.fdopen
        real_copy2, real_replace = shutil.copy2, os.replace

        def mkdir(path: Path, *args: Any, **kwargs: Any) -> None:
            self.step(f"mkdir {self.rel(path)}")
            real_mkdir(path, *args, **kwargs)

        def chmod(path: Path, *args: Any, **kwargs: Any) -> None:
            self.step(f"chmod {self.rel(path)}")
            real_chmod(path, *args, **kwargs)

        def mkstemp(*args: Any, **kwargs: Any) -> tuple[int, str]:
            where = f"{self.rel(kwargs['dir'])}/{kwargs['prefix']}*{kwargs['suffix']}"
            self.step(f"reserve {where}")
            fd, name = real_mkstemp(*args, **kwargs)
            self.last_reserved = self.rel(name)
            return fd, name

        def fdopen(*args: Any, **kwargs: Any) -> Any:
            handle = real_fdopen(*args, **kwargs)
            real_write, name = handle.write, self.last_reserved

            def write(text: str) -> int:
                self.step(f"write {name}")
                return int(real_write(text))

            handle.write = write
            return handle

        def copy2(source: Any, target: Any) -> Any:
            self.step(f"copy {self.rel(source)} -> {self.rel(target)}")
            return real_copy2(source, target)

        def replace(source: Any, target: Any) -> None:
            self.step(f"replace {self.rel(source)} -> {self.rel(target)}")
            real_replace(source, target)

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(Path, "mkdir", mkdir)
            patch.setattr(Path, "chmod", chmod)
            patch.setattr(tempfile, "mkstemp", mkstemp)
            patch.setattr(os, "fdopen", fdopen)
            patch.setattr(shutil, "copy2", copy2)
            patch.setattr(os, "replace", replace)
            yield


@contextlib.contextmanager
def faulty_apply(faults: Faults, applied: list[Changeset]) -> Iterator[None]:
    """`apply`, as the CLI calls it, with `faults` active during the call only."""
    real = fastgen.write.apply

    def instrumented(root: Path, changeset: Changeset) -> None:
        applied.append(changeset)
        with faults.active(root):
            real(root, changeset)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(fastgen.cli, "apply", instrumented)
        yield


@dataclass(frozen=True)
class Recording:
    base: Path
    changeset: Changeset
    steps: list[str]
    after: Path  # the copy the real command wrote to


@pytest.fixture(scope="module")
def bases(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bases")
    result = CliRunner().invoke(app, ["new", "bookshop", "-C", str(folder), "--role", "editor"])
    assert result.exit_code == 0, result.output
    empty = folder / "bookshop"
    bookshop = folder / "with-resources"
    shutil.copytree(empty, bookshop)
    result = invoke(bookshop, COMMANDS["add-resource"].args)
    assert result.exit_code == 0, result.output
    return {"empty": empty, "bookshop": bookshop}


@pytest.fixture(scope="module")
def recordings(
    bases: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Recording]:
    """Each command run for real, once, in a throwaway copy: its changeset and the steps."""
    recorded: dict[str, Recording] = {}
    for name, command in COMMANDS.items():
        copy = tmp_path_factory.mktemp("count") / "project"
        shutil.copytree(bases[command.base], copy)
        faults, applied = Faults(), list[Changeset]()
        with faulty_apply(faults, applied):
            result = invoke(copy, command.args)
        assert result.exit_code == 0, result.output
        assert len(applied) == 1
        recorded[name] = Recording(bases[command.base], applied[0], faults.steps, copy)
    return recorded


@contextlib.contextmanager
def replaying(command: Command, changeset: Changeset) -> Iterator[None]:
    """The command computes nothing: it returns the recorded changeset for its project."""

    def produce(project: Any, *args: Any, **kwargs: Any) -> Outcome:
        return Outcome(project.root, changeset, "replayed")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(importlib.import_module(command.module), command.function, produce)
        yield


@pytest.fixture
def fresh(tmp_path: Path) -> Callable[[Recording], Path]:
    def copy(recording: Recording) -> Path:
        root = tmp_path / "project"
        shutil.copytree(recording.base, root)
        return root

    return copy


@pytest.mark.parametrize("name", COMMANDS)
def test_fault_points_are_counted(recordings: dict[str, Recording], name: str) -> None:
    recording = recordings[name]
    steps = "\n".join(f"{i:3}  {s}" for i, s in enumerate(recording.steps, 1))
    assert len(recording.steps) == FAULT_POINTS[name], steps
    assert len(recording.changeset.pending) >= 6
    # Nothing is swapped in before everything is staged.
    swaps = [i for i, s in enumerate(recording.steps) if s.startswith("replace")]
    assert swaps == list(range(len(recording.steps) - len(swaps), len(recording.steps)))
    assert len(swaps) == len(recording.changeset.pending)


@pytest.mark.parametrize("name", COMMANDS)
def test_replaying_the_changeset_matches_the_real_command(
    recordings: dict[str, Recording],
    fresh: Callable[[Recording], Path],
    snapshot: Snapshot,
    name: str,
) -> None:
    recording = recordings[name]
    root = fresh(recording)
    with replaying(COMMANDS[name], recording.changeset):
        result = invoke(root, COMMANDS[name].args)
    assert result.exit_code == 0, result.output
    assert tree(root, snapshot) == tree(recording.after, snapshot)
    leftovers = [f for f in snapshot(root) if re.search(r"/?\.[^/]*\.(tmp|orig)$", f)]
    assert leftovers == []  # no temporary file or backup stays after a good write


CASES = [
    pytest.param(name, k, id=f"{name}-step{k:02}")
    for name, count in FAULT_POINTS.items()
    for k in range(1, count + 1)
]


@pytest.mark.parametrize(("name", "k"), CASES)
def test_a_failure_at_any_step_leaves_the_project_as_it_was(
    recordings: dict[str, Recording],
    fresh: Callable[[Recording], Path],
    snapshot: Snapshot,
    name: str,
    k: int,
) -> None:
    recording = recordings[name]
    root = fresh(recording)
    before = tree(root, snapshot)
    faults, applied = Faults(fail_at=k), list[Changeset]()

    with replaying(COMMANDS[name], recording.changeset), faulty_apply(faults, applied):
        result = invoke(root, COMMANDS[name].args)

    label = recording.steps[k - 1]
    assert faults.steps[k - 1] == label  # the same step as in the counting run
    assert result.exit_code != 0
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert f"error: cannot write the project: injected failure at step {k}: {label}" in (
        result.output
    )
    assert "not restored" not in result.output
    assert tree(root, snapshot) == before


def restores_failing(times: int, swaps: int) -> Callable[[Path], Any]:
    """Fail the last of `swaps` swaps, then the first `times` attempts to restore
    app/models/book.py."""

    def patch(root: Path) -> Any:
        real = os.replace
        restores = 0
        swapped = 0

        def replace(source: Any, target: Any) -> None:
            nonlocal restores, swapped
            if Path(source).suffix == ".tmp":
                swapped += 1
                if swapped == swaps:
                    raise OSError("injected failure of the last swap")
            elif Path(target) == root / "app" / "models" / "book.py":
                restores += 1
                if restores <= times:
                    raise OSError("injected failure of a restore")
            real(source, target)

        return replace

    return patch


def test_a_restore_failing_once_is_retried_and_the_project_is_as_it_was(
    recordings: dict[str, Recording], fresh: Callable[[Recording], Path], snapshot: Snapshot
) -> None:
    recording = recordings["add-column"]
    root = fresh(recording)
    before = tree(root, snapshot)

    with replaying(COMMANDS["add-column"], recording.changeset), pytest.MonkeyPatch.context() as m:
        m.setattr(os, "replace", restores_failing(1, len(recording.changeset.pending))(root))
        result = invoke(root, COMMANDS["add-column"].args)

    assert result.exit_code != 0
    assert "error: cannot write the project: injected failure of the last swap" in result.output
    assert "Traceback" not in result.output
    assert tree(root, snapshot) == before


def test_a_restore_that_keeps_failing_names_the_file_and_where_its_content_is(
    recordings: dict[str, Recording], fresh: Callable[[Recording], Path], snapshot: Snapshot
) -> None:
    recording = recordings["add-column"]
    root = fresh(recording)
    before = tree(root, snapshot)

    with replaying(COMMANDS["add-column"], recording.changeset), pytest.MonkeyPatch.context() as m:
        m.setattr(os, "replace", restores_failing(2, len(recording.changeset.pending))(root))
        result = invoke(root, COMMANDS["add-column"].args)

    assert result.exit_code != 0
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    output = " ".join(result.output.split())  # the console may wrap long lines
    match = re.search(
        r"error: cannot write the project: injected failure of the last swap; then undoing the "
        r"write failed, not restored: app/models/book\.py \(its content from before is in "
        r"(app/models/\.book\.py\.\w+\.orig): move it back by hand\)",
        output,
    )
    assert match, result.output
    # Only that file differs; its backup holds the old bytes: moving it back restores the tree.
    files, _ = tree(root, snapshot)
    assert files[match.group(1)] == before[0]["app/models/book.py"]
    assert files["app/models/book.py"] != before[0]["app/models/book.py"]
    os.replace(root / match.group(1), root / "app" / "models" / "book.py")
    assert tree(root, snapshot) == before
