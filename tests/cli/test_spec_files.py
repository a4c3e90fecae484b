"""Specs are regular files inside the project. A link, a FIFO, a device or a file that is not text
is refused by its name and never read, so nothing it points at reaches the output: `check` and
`validate` run on pull requests, where a spec can be anything a contributor commits."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import Run, Snapshot

SECRET = "s3cr3t-token-4f9a"


def fastgen(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """fastgen in a process of its own whose environment holds SECRET (an in-process run would
    not change /proc/self/environ)."""
    return subprocess.run(
        [sys.executable, "-m", "fastgen", "--project", str(root), *args],
        capture_output=True,
        text=True,
        env={**os.environ, "FASTGEN_TEST_TOKEN": SECRET},
        cwd=root,
        timeout=60,
        check=False,
    )


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    """A file outside the project holding a secret; as YAML it is one plain scalar, which the
    loader refuses ('a spec must be a mapping') with the offending line."""
    path = tmp_path / "elsewhere" / "secrets.env"
    path.parent.mkdir()
    path.write_text(f"API_TOKEN={SECRET}\n")
    return path


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc")
def test_a_spec_linked_to_proc_self_environ_is_refused_by_name_without_its_content(
    bookshop: Path,
) -> None:
    (bookshop / "specs" / "env.yaml").symlink_to("/proc/self/environ")

    check = fastgen(bookshop, "check")
    as_json = fastgen(bookshop, "check", "--json")
    validate = fastgen(bookshop, "validate", "specs/env.yaml")
    sync = fastgen(bookshop, "sync")

    for result in (check, as_json, validate, sync):
        assert SECRET not in result.stdout + result.stderr
        assert "FASTGEN_TEST_TOKEN" not in result.stdout + result.stderr
        assert "Traceback" not in result.stderr
    assert check.returncode == 1
    assert "spec-invalid" in check.stdout
    assert "specs/env.yaml:1:1: error: not read: the spec is a symbolic link" in check.stdout
    findings = json.loads(as_json.stdout)["findings"]
    assert [f["kind"] for f in findings] == ["spec-invalid"]
    assert "specs/env.yaml" in findings[0]["message"]
    assert validate.returncode == 2
    assert "not read: the spec is a symbolic link (to /proc/" in validate.stderr
    assert sync.returncode == 2
    assert "specs/env.yaml:1:1: error: not read: the spec is a symbolic link" in sync.stderr


def test_a_spec_linked_to_a_file_outside_the_project_is_refused_by_name(
    bookshop: Path, outside: Path, run: Run, snapshot: Snapshot
) -> None:
    link = bookshop / "specs" / "token.yaml"
    link.symlink_to(outside)
    before = snapshot(bookshop)

    check = fastgen(bookshop, "check")
    sync = run("--project", bookshop, "sync")
    validate = run("validate", link)

    for output in (check.stdout + check.stderr, sync.output, validate.output):
        assert SECRET not in output
        assert f"not read: the spec is a symbolic link (to {outside})" in " ".join(output.split())
    assert check.returncode == 1
    assert (sync.exit_code, validate.exit_code) == (2, 2)
    assert snapshot(bookshop) == before


def test_the_same_file_copied_in_is_read_and_its_excerpt_shows_only_the_offending_line(
    bookshop: Path, outside: Path, run: Run
) -> None:
    """The control case: a regular spec file is read, and its diagnostic shows the line."""
    (bookshop / "specs" / "token.yaml").write_text(outside.read_text() + "# other line\n")

    result = run("--project", bookshop, "validate", bookshop / "specs" / "token.yaml")

    assert result.exit_code == 2
    assert f"   1 | API_TOKEN={SECRET}" in result.stderr
    assert "other line" not in result.stderr


@pytest.mark.parametrize("kind", ["fifo", "folder"])
def test_a_spec_that_is_not_a_regular_file_is_refused_without_waiting(
    bookshop: Path, kind: str
) -> None:
    path = bookshop / "specs" / "odd.yaml"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.mkdir()

    check = fastgen(bookshop, "check")  # a FIFO read would block: the timeout would fail it
    validate = fastgen(bookshop, "validate", "specs/odd.yaml")

    expected = "a FIFO (named pipe)" if kind == "fifo" else "a folder"
    assert check.returncode == 1
    assert f"specs/odd.yaml:1:1: error: not read: the spec is {expected}" in check.stdout
    assert validate.returncode == 2
    assert f"not read: the spec is {expected}" in validate.stderr


def test_a_specs_folder_linked_elsewhere_is_refused(bookshop: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere-specs"
    (bookshop / "specs").rename(elsewhere)
    (bookshop / "specs").symlink_to(elsewhere)

    check = fastgen(bookshop, "check")
    sync = fastgen(bookshop, "sync")

    assert check.returncode == 1
    assert "specs/ is a symbolic link" in check.stdout
    assert sync.returncode == 2
    assert "specs/ is a symbolic link" in sync.stderr
    assert "make specs/ a real folder" in sync.stderr


def test_a_file_that_is_not_text_is_refused_at_its_first_nul_without_its_line(
    tmp_path: Path, run: Run
) -> None:
    spec = tmp_path / "binary.yaml"
    spec.write_bytes(f"version: 1\nresource: X\nTOKEN={SECRET}\0PATH=/bin\0".encode())

    result = run("validate", spec)

    assert result.exit_code == 2
    assert f"{spec}:3:" in result.stderr
    assert "not read: the file holds NUL bytes, so it is not a text file" in result.stderr
    assert SECRET not in result.output


def test_add_resource_reads_a_regular_spec_outside_the_project_and_refuses_a_link(
    project: Path, author_spec: Path, run: Run, snapshot: Snapshot
) -> None:
    link = author_spec.parent / "linked.yaml"
    link.symlink_to(author_spec)
    before = snapshot(project)

    refused = run("--project", project, "add", "resource", link)

    assert refused.exit_code == 2
    assert f"{link}:1:1: error: not read: the spec is a symbolic link" in refused.stderr
    assert snapshot(project) == before

    added = run("--project", project, "add", "resource", author_spec)

    assert added.exit_code == 0, added.output
    assert (project / "specs" / "author.yaml").read_text() == author_spec.read_text()


def test_a_long_line_and_control_characters_are_cut_from_an_excerpt(
    tmp_path: Path, run: Run
) -> None:
    spec = tmp_path / "long.yaml"
    long_value = "x" * 500
    spec.write_text(
        f"version: 1\nresource: Book\nfields:\n  title: {{type: strng, note: {long_value}}}\n"
    )
    escape = tmp_path / "escape.yaml"
    escape.write_text("version: 1\nresource: Book\nfields:\n  title: {type: \x1b[2Jstrng}\n")

    long = run("validate", spec)
    control = run("validate", escape)

    assert long.exit_code == 2
    shown = next(line for line in long.stderr.splitlines() if line.startswith("   4 | "))
    assert shown.endswith("…")
    assert len(shown) < 200
    assert control.exit_code == 2
    assert "\x1b" not in control.output
    assert "   4 |   title: {type: \ufffd[2Jstrng}" in control.stderr


def test_a_project_file_linked_outside_the_project_is_refused_by_name(
    bookshop: Path, outside: Path
) -> None:
    main = bookshop / "app" / "main.py"
    main.unlink()
    main.symlink_to(outside)

    result = fastgen(bookshop, "check")

    assert result.returncode == 2
    assert "app/main.py is a symbolic link to" in result.stderr
    assert "outside the project; not read" in result.stderr
    assert SECRET not in result.stdout + result.stderr
