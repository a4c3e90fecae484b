"""A write interrupted by a real signal, in a real process.

`fastgen add column` runs in a process of its own whose `os.replace` (the swap of a staged file
into place) sends the process a signal at the k-th swap. SIGINT is caught and undone: the tree is
as it was. SIGKILL cannot be caught: the temporary files and backups stay. Then `fastgen check`
reports each of them (`interrupted-write`, with its fix), and the next command that writes
removes those that hold nothing a person needs, or refuses, naming the backups that may.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import Run, Snapshot

ADD_STOCK = ("add", "column", "Book", "stock:int", "--default", "0")

# The command, with a signal sent to itself at the swap number SIGNAL_AT.
INTERRUPTED = """
import os, signal, sys
# As at a terminal: a process started in the background by a shell without job control
# inherits SIGINT ignored, and Python then leaves it ignored.
signal.signal(signal.SIGINT, signal.default_int_handler)
real_replace = os.replace
swaps = 0

def replace(source, target):
    global swaps
    if str(source).endswith(".tmp"):
        swaps += 1
        if swaps == int(os.environ["SIGNAL_AT"]):
            os.kill(os.getpid(), getattr(signal, os.environ["SIGNAL"]))
    real_replace(source, target)

os.replace = replace
from fastgen.cli import main
sys.argv = ["fastgen", *sys.argv[1:]]
main()
"""

LEFTOVER = re.compile(r"(^|/)\.[^/]+\.[a-z0-9_]{8}\.(tmp|orig)$")


def interrupted(root: Path, signal_name: str, at: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", INTERRUPTED, "--project", str(root), *ADD_STOCK],
        env={**os.environ, "SIGNAL": signal_name, "SIGNAL_AT": str(at)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def killed_at(root: Path, swap: int, snapshot: Snapshot) -> tuple[dict[str, bytes], list[str]]:
    """Kill `add column` at its `swap`-th swap: the tree before, and the leftovers after."""
    before = snapshot(root)
    killed = interrupted(root, "SIGKILL", swap)
    assert killed.returncode == -signal.SIGKILL, killed.stdout + killed.stderr
    return before, leftovers(snapshot(root))


def leftovers(files: dict[str, bytes]) -> list[str]:
    return sorted(path for path in files if LEFTOVER.search(path))


def target_of(leftover: str) -> str:
    """`app/models/.book.py.k2j4_x9a.orig` -> `app/models/book.py`."""
    path = Path(leftover)
    name = re.sub(r"^\.(.+)\.[a-z0-9_]{8}\.(tmp|orig)$", r"\1", path.name)
    return (path.parent / name).as_posix()


@pytest.fixture
def uninterrupted(bookshop: Path, tmp_path: Path, run: Run, snapshot: Snapshot) -> dict[str, bytes]:
    """The tree `add column` writes when nothing stops it."""
    copy = tmp_path / "uninterrupted"
    shutil.copytree(bookshop, copy)
    result = run("--project", copy, *ADD_STOCK)
    assert result.exit_code == 0, result.output
    return snapshot(copy)


def test_sigint_at_a_swap_undoes_the_write(bookshop: Path, snapshot: Snapshot) -> None:
    before = snapshot(bookshop)

    result = interrupted(bookshop, "SIGINT", 3)

    assert result.returncode == 130, result.stdout + result.stderr
    assert "interrupted; nothing was written" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(bookshop) == before


def test_sigkill_at_the_first_swap_leaves_files_the_next_write_removes(
    bookshop: Path, run: Run, snapshot: Snapshot, uninterrupted: dict[str, bytes]
) -> None:
    before, left = killed_at(bookshop, 1, snapshot)

    after = snapshot(bookshop)
    assert any(path.endswith(".tmp") for path in left)
    assert any(path.endswith(".orig") for path in left)
    assert {path: data for path, data in after.items() if path not in left} == before

    check = run("--project", bookshop, "check", "--json")
    assert check.exit_code == 1
    findings = json.loads(check.stdout)["findings"]
    assert sorted(f["path"] for f in findings) == left
    assert {f["kind"] for f in findings} == {"interrupted-write"}
    assert {f["fix"] for f in findings} == {
        "delete it (the next fastgen command that writes removes it)"
    }

    again = run("--project", bookshop, *ADD_STOCK)

    assert again.exit_code == 0, again.output
    assert again.stdout.count("removed  ") == len(left)
    assert snapshot(bookshop) == uninterrupted
    assert run("--project", bookshop, "check").exit_code == 0


def test_sigkill_midway_through_the_swaps_is_reported_and_refused_until_resolved(
    bookshop: Path, run: Run, snapshot: Snapshot, uninterrupted: dict[str, bytes]
) -> None:
    before, left = killed_at(bookshop, 3, snapshot)
    half = snapshot(bookshop)
    # Backups of files already swapped differ from them: they hold the only old copy.
    needed = [
        path for path in left if path.endswith(".orig") and half[path] != half[target_of(path)]
    ]
    assert needed

    text = run("--project", bookshop, "check")
    assert text.exit_code == 1
    output = " ".join(text.stdout.split())
    for path in needed:
        assert f"interrupted-write: left over by an interrupted write: {path}:" in output
        assert f"fix: compare the two: move {path} over " in output

    refused = run("--project", bookshop, "sync")
    assert refused.exit_code == 2
    message = " ".join(refused.stderr.split())
    assert "an earlier write was interrupted and left backups" in message
    for path in needed:
        assert path in message
    assert snapshot(bookshop) == half  # nothing written, nothing removed

    # Following the fix: the backups go back over their files, undoing the write; the new files
    # it had swapped in go too (as `git status` would show them).
    for path in needed:
        os.replace(bookshop / path, bookshop / target_of(path))
    for path in set(half) - set(before) - set(left):
        (bookshop / path).unlink()

    again = run("--project", bookshop, *ADD_STOCK)

    assert again.exit_code == 0, again.output
    assert "removed  " in again.stdout
    assert snapshot(bookshop) == uninterrupted
    assert leftovers(snapshot(bookshop)) == []
