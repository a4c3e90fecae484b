"""`fastgen.write`: changesets as values, and `apply` writing all of them or none."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

import fastgen.write
from fastgen.write import Action, Changeset, FileChange, apply, changes_for

if TYPE_CHECKING:
    from conftest import Snapshot


def test_actions_follow_from_before_and_after() -> None:
    assert FileChange("a.py", None, "x\n").action is Action.CREATE
    assert FileChange("a.py", "", "").action is Action.IDENTICAL
    assert FileChange("a.py", "x\n", "x\n").action is Action.IDENTICAL
    assert FileChange("a.py", "x\n", "y\n").action is Action.PATCH
    assert FileChange("a.py", "x\n", "x\r\n").action is Action.PATCH


def test_pending_and_noop() -> None:
    same = FileChange("same.py", "x\n", "x\n")
    new = FileChange("new.py", None, "y\n")
    assert Changeset((same, new)).pending == (new,)
    assert not Changeset((same, new)).is_noop
    assert Changeset((same,)).is_noop
    assert Changeset(()).is_noop


def test_diff_of_a_new_file_is_against_dev_null() -> None:
    change = FileChange("app/models/book.py", None, "a = 1\nb = 2\n")
    assert change.diff() == (
        "--- /dev/null\n+++ b/app/models/book.py\n@@ -0,0 +1,2 @@\n+a = 1\n+b = 2\n"
    )


def test_diff_of_a_patched_file_shows_only_the_change_in_context() -> None:
    change = FileChange("app/main.py", "a\nb\nc\n", "a\nb\nb2\nc\n")
    assert change.diff() == (
        "--- a/app/main.py\n+++ b/app/main.py\n@@ -1,3 +1,4 @@\n a\n b\n+b2\n c\n"
    )


def test_diff_of_an_identical_file_is_empty() -> None:
    assert FileChange("x.py", "same\n", "same\n").diff() == ""


def test_changes_for_pairs_new_text_with_what_is_on_disk(tmp_path: Path) -> None:
    (tmp_path / "old.txt").write_text("old\n")
    changes = changes_for(tmp_path, [("old.txt", "new\n"), ("dir/fresh.txt", "fresh\n")])
    assert changes == (
        FileChange("old.txt", "old\n", "new\n"),
        FileChange("dir/fresh.txt", None, "fresh\n"),
    )


def make_tree(root: Path) -> Changeset:
    """A tree with two existing files, and a changeset that patches both, leaves one file alone,
    and creates three (one in a folder that exists, two in folders that do not)."""
    (root / "app").mkdir(parents=True)
    (root / "app" / "main.py").write_text("main = 1\n")
    (root / "app" / "keep.py").write_text("keep = 1\n")
    (root / "run.sh").write_text("#!/bin/sh\necho old\n")
    (root / "run.sh").chmod(0o755)
    return Changeset(
        (
            FileChange("app/main.py", "main = 1\n", "main = 2\n"),
            FileChange("app/keep.py", "keep = 1\n", "keep = 1\n"),
            FileChange("app/book.py", None, "book = 1\n"),
            FileChange("run.sh", "#!/bin/sh\necho old\n", "#!/bin/sh\necho new\n"),
            FileChange("tests/factories/book.py", None, "factory = 1\n"),
            FileChange("migrations/versions/0001_x.py", None, "revision = 'x'\r\n"),
        )
    )


def test_apply_writes_every_pending_change_byte_for_byte(
    tmp_path: Path, snapshot: Snapshot
) -> None:
    changeset = make_tree(tmp_path)

    apply(tmp_path, changeset)

    assert snapshot(tmp_path) == {
        "app/book.py": b"book = 1\n",
        "app/keep.py": b"keep = 1\n",
        "app/main.py": b"main = 2\n",
        "migrations/versions/0001_x.py": b"revision = 'x'\r\n",
        "run.sh": b"#!/bin/sh\necho new\n",
        "tests/factories/book.py": b"factory = 1\n",
    }
    assert stat.S_IMODE((tmp_path / "run.sh").stat().st_mode) == 0o755
    assert stat.S_IMODE((tmp_path / "app" / "book.py").stat().st_mode) == 0o644


def test_apply_does_not_touch_identical_files(tmp_path: Path) -> None:
    changeset = make_tree(tmp_path)
    keep = tmp_path / "app" / "keep.py"
    os.utime(keep, ns=(1_000_000_000, 1_000_000_000))

    apply(tmp_path, changeset)

    assert keep.stat().st_mtime_ns == 1_000_000_000


def _fail_on_call(real: Callable[..., Any], k: int) -> Callable[..., Any]:
    """`real`, except that its k-th call (1-based) raises OSError."""
    calls = 0

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        if calls == k:
            raise OSError(f"injected failure on call {k}")
        return real(*args, **kwargs)

    return wrapper


PENDING = 5  # make_tree's changeset: every change but app/keep.py


def folders(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_dir())


@pytest.mark.parametrize("k", range(1, PENDING + 1))
def test_a_failing_swap_leaves_the_tree_as_it_was(
    tmp_path: Path, snapshot: Snapshot, monkeypatch: pytest.MonkeyPatch, k: int
) -> None:
    changeset = make_tree(tmp_path)
    assert len(changeset.pending) == PENDING
    before, before_folders = snapshot(tmp_path), folders(tmp_path)
    monkeypatch.setattr(fastgen.write.os, "replace", _fail_on_call(os.replace, k))

    with pytest.raises(OSError, match=f"injected failure on call {k}"):
        apply(tmp_path, changeset)

    # Existing files restored, new files and folders absent, no temporary files left behind.
    assert snapshot(tmp_path) == before
    assert folders(tmp_path) == before_folders
    assert stat.S_IMODE((tmp_path / "run.sh").stat().st_mode) == 0o755


@pytest.mark.parametrize("k", range(1, PENDING + 1))
def test_a_failing_staging_write_leaves_the_tree_as_it_was(
    tmp_path: Path, snapshot: Snapshot, monkeypatch: pytest.MonkeyPatch, k: int
) -> None:
    changeset = make_tree(tmp_path)
    before, before_folders = snapshot(tmp_path), folders(tmp_path)
    real = fastgen.write.tempfile.mkstemp
    monkeypatch.setattr(fastgen.write.tempfile, "mkstemp", _fail_on_call(real, k))

    with pytest.raises(OSError, match=f"injected failure on call {k}"):
        apply(tmp_path, changeset)

    assert snapshot(tmp_path) == before
    assert folders(tmp_path) == before_folders


@pytest.mark.parametrize("k", range(1, PENDING + 1))
def test_a_failing_swap_restores_crlf_files_byte_for_byte_with_mode_and_times(
    tmp_path: Path, snapshot: Snapshot, monkeypatch: pytest.MonkeyPatch, k: int
) -> None:
    # `before` is text read with universal newlines ("main = 1\n"): writing it back would turn
    # CRLF into LF. The restore uses a copy of the bytes instead.
    changeset = make_tree(tmp_path)
    (tmp_path / "app" / "main.py").write_bytes(b"main = 1\r\n")
    (tmp_path / "run.sh").write_bytes(b"#!/bin/sh\recho old\r\n")
    os.utime(tmp_path / "run.sh", ns=(1_000_000_000, 1_000_000_000))
    before, before_folders = snapshot(tmp_path), folders(tmp_path)
    monkeypatch.setattr(fastgen.write.os, "replace", _fail_on_call(os.replace, k))

    with pytest.raises(OSError, match=f"injected failure on call {k}"):
        apply(tmp_path, changeset)

    assert snapshot(tmp_path) == before
    assert folders(tmp_path) == before_folders
    assert stat.S_IMODE((tmp_path / "run.sh").stat().st_mode) == 0o755
    assert (tmp_path / "run.sh").stat().st_mtime_ns == 1_000_000_000


def _fail_restores(real: Callable[..., Any], swaps: int, times: int) -> Callable[..., Any]:
    """`os.replace`, except that the swap after `swaps` good ones fails, and so do the first
    `times` restores of app/main.py (a restore moves a backup, a hidden file, onto a target)."""
    calls = 0
    restores = 0

    def wrapper(source: Any, target: Any) -> Any:
        nonlocal calls, restores
        calls += 1
        if calls == swaps + 1:
            raise OSError("injected failure of the swap")
        is_restore = Path(source).name.startswith(".main.py.") and calls > swaps + 1
        if is_restore and Path(target).name == "main.py":
            restores += 1
            if restores <= times:
                raise OSError("injected failure of the restore")
        return real(source, target)

    return wrapper


def test_a_restore_that_fails_once_is_tried_again(
    tmp_path: Path, snapshot: Snapshot, monkeypatch: pytest.MonkeyPatch
) -> None:
    changeset = make_tree(tmp_path)
    before, before_folders = snapshot(tmp_path), folders(tmp_path)
    monkeypatch.setattr(fastgen.write.os, "replace", _fail_restores(os.replace, 4, times=1))

    with pytest.raises(OSError, match="injected failure of the swap") as caught:
        apply(tmp_path, changeset)

    assert not isinstance(caught.value, fastgen.write.RestoreError)
    assert snapshot(tmp_path) == before
    assert folders(tmp_path) == before_folders


def test_a_restore_that_keeps_failing_names_the_file_and_keeps_its_backup(
    tmp_path: Path, snapshot: Snapshot, monkeypatch: pytest.MonkeyPatch
) -> None:
    changeset = make_tree(tmp_path)
    before, before_folders = snapshot(tmp_path), folders(tmp_path)
    monkeypatch.setattr(fastgen.write.os, "replace", _fail_restores(os.replace, 4, times=2))

    with pytest.raises(fastgen.write.RestoreError) as caught:
        apply(tmp_path, changeset)

    error = caught.value
    assert error.not_restored == ["app/main.py"]
    assert error.left_over == []
    assert isinstance(error.__cause__, OSError)
    backups = [p for p in (tmp_path / "app").iterdir() if p.name.startswith(".main.py.")]
    assert len(backups) == 1
    backup = backups[0].relative_to(tmp_path).as_posix()
    assert str(error).startswith("injected failure of the swap; ")
    assert f"app/main.py (its content from before is in {backup}: move it back by hand)" in str(
        error
    )
    # Everything else is restored; moving the backup back by hand restores the rest.
    assert (tmp_path / "app" / "main.py").read_text() == "main = 2\n"
    os.replace(backups[0], tmp_path / "app" / "main.py")
    assert snapshot(tmp_path) == before
    assert folders(tmp_path) == before_folders


def test_a_new_file_that_cannot_be_removed_is_named_and_its_folder_kept(
    tmp_path: Path, snapshot: Snapshot, monkeypatch: pytest.MonkeyPatch
) -> None:
    changeset = make_tree(tmp_path)
    before = snapshot(tmp_path)
    real_unlink = Path.unlink

    def unlink(self: Path, missing_ok: bool = False) -> None:
        if self.name == "book.py" and self.parent.name == "factories":
            raise PermissionError("injected failure of the removal")
        real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", unlink)
    monkeypatch.setattr(fastgen.write.os, "replace", _fail_on_call(os.replace, PENDING))

    with pytest.raises(fastgen.write.RestoreError) as caught:
        apply(tmp_path, changeset)

    assert caught.value.not_restored == ["tests/factories/book.py"]
    assert caught.value.left_over == []  # its folders stay, and need no mention
    assert "tests/factories/book.py (a new file: delete it by hand)" in str(caught.value)
    monkeypatch.undo()
    (tmp_path / "tests" / "factories" / "book.py").unlink()
    assert snapshot(tmp_path) == before


def test_leftovers_are_found_by_their_names_outside_hidden_folders_and_environments(
    tmp_path: Path,
) -> None:
    from fastgen.write import Leftover, clear_leftovers, find_leftovers

    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "main.py").write_text("main = 2\n")
    (tmp_path / "app" / ".main.py.ab12_xyz.orig").write_text("main = 1\n")  # differs: needed
    (tmp_path / "app" / ".main.py.cd34_xyz.tmp").write_text("main = 3\n")
    (tmp_path / ".fastgen.lock.ef56_xyz.orig").write_text("same\n")
    (tmp_path / "fastgen.lock").write_text("same\n")
    for ignored in (".git", ".venv", "env", "__pycache__"):
        (tmp_path / ignored).mkdir()
        (tmp_path / ignored / ".x.py.ab12_xyz.tmp").write_text("not ours to judge\n")
    (tmp_path / "env" / "pyvenv.cfg").write_text("home = /usr\n")
    (tmp_path / "app" / ".notes.txt.tmp").write_text("a person's file\n")  # no random part
    (tmp_path / "app" / ".link.py.ab12_xyz.tmp").symlink_to(tmp_path / "app" / "main.py")

    found = find_leftovers(tmp_path)

    assert found == [
        Leftover(".fastgen.lock.ef56_xyz.orig", "fastgen.lock", "orig", needed=False),
        Leftover("app/.main.py.ab12_xyz.orig", "app/main.py", "orig", needed=True),
        Leftover("app/.main.py.cd34_xyz.tmp", "app/main.py", "tmp", needed=False),
    ]
    with pytest.raises(fastgen.write.InterruptedWriteError, match=r"app/\.main\.py\.ab12_xyz"):
        clear_leftovers(tmp_path)
    assert len(find_leftovers(tmp_path)) == 3  # refused: nothing removed
    (tmp_path / "app" / ".main.py.ab12_xyz.orig").unlink()
    assert [leftover.path for leftover in clear_leftovers(tmp_path)] == [
        ".fastgen.lock.ef56_xyz.orig",
        "app/.main.py.cd34_xyz.tmp",
    ]
    assert find_leftovers(tmp_path) == []
    assert (tmp_path / "app" / ".notes.txt.tmp").exists()


def test_a_deletion_removes_the_file_and_a_failing_write_brings_it_back(
    tmp_path: Path, snapshot: Snapshot, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "tag.py").write_text("tag = 1\n")
    (tmp_path / "app" / "main.py").write_text("main = 1\n")
    gone = FileChange("app/tag.py", "tag = 1\n", None)
    assert gone.action is Action.DELETE
    assert FileChange("app/never.py", None, None).action is Action.IDENTICAL
    assert gone.diff() == "--- a/app/tag.py\n+++ /dev/null\n@@ -1 +0,0 @@\n-tag = 1\n"
    changeset = Changeset((gone, FileChange("app/main.py", "main = 1\n", "main = 2\n")))
    before = snapshot(tmp_path)

    # the deletion is swapped in first, then the patch fails: the deleted file comes back
    monkeypatch.setattr(fastgen.write.os, "replace", _fail_on_call(os.replace, 1))
    with pytest.raises(OSError, match="injected failure"):
        apply(tmp_path, changeset)
    monkeypatch.undo()
    assert snapshot(tmp_path) == before

    apply(tmp_path, changeset)
    assert snapshot(tmp_path) == {"app/main.py": b"main = 2\n"}
