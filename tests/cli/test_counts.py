"""Counts in messages: `1 error`, `10 errors in 3 spec files`, `1 field`, never `1 errors` or
`file(s)`."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from fastgen.errors import ConflictError, Diagnostic, PatchConflict, SpecError
from fastgen.plural import counted

if TYPE_CHECKING:
    from conftest import Run


@pytest.mark.parametrize(
    ("number", "noun", "plural", "text"),
    [
        (0, "error", None, "0 errors"),
        (1, "error", None, "1 error"),
        (2, "spec file", None, "2 spec files"),
        (1, "child", "children", "1 child"),
        (3, "child", "children", "3 children"),
    ],
)
def test_counted(number: int, noun: str, plural: str | None, text: str) -> None:
    assert counted(number, noun, plural) == text


def _diagnostic(file: str, line: int) -> Diagnostic:
    return Diagnostic(file=file, line=line, col=1, path="fields", message="wrong")


def test_a_spec_error_names_its_file_or_counts_the_files() -> None:
    one = SpecError([_diagnostic("specs/book.yaml", 3)])
    assert one.message == "1 error in specs/book.yaml"
    two = SpecError([_diagnostic("specs/book.yaml", 3), _diagnostic("specs/book.yaml", 4)])
    assert two.message == "2 errors in specs/book.yaml"
    several = SpecError([_diagnostic(f"specs/{name}.yaml", 1) for name in ("a", "b", "c", "a")])
    assert several.message == "4 errors in 3 spec files"


def test_a_conflict_counts_its_files() -> None:
    conflict = PatchConflict(path="app/main.py", reason="edited", snippet="x", where="y")
    assert ConflictError([conflict]).message.startswith("1 file could not be patched safely")
    assert ConflictError([conflict, conflict]).message.startswith("2 files could not")


BAD = textwrap.dedent(
    """\
    version: 1
    resource: {name}
    fields:
      label: {{type: strng}}
      size: {{type: int, ge: high}}
    """
)


def test_validate_counts_errors_and_spec_files(run: Run, tmp_path: Path) -> None:
    specs = []
    for name in ("Shelf", "Crate"):
        path = tmp_path / f"{name.lower()}.yaml"
        path.write_text(BAD.format(name=name))
        specs.append(path)
    result = run("validate", *specs)
    assert result.exit_code == 2
    errors = result.stderr.count(": error: ")
    assert errors >= 4
    assert result.stderr.rstrip().splitlines()[-1] == f"{errors} errors in 2 spec files"


def test_validate_counts_fields(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "tag.yaml"
    path.write_text("version: 1\nresource: Tag\nfields:\n  name: str\n")
    result = run("validate", path)
    assert result.exit_code == 0, result.output
    assert result.stdout == "ok  Tag (1 field, table tags)\n"


def test_check_counts_its_findings(bookshop: Path, run: Run) -> None:
    (bookshop / "app" / "routers" / "book.py").unlink()
    result = run("--project", bookshop, "check")
    assert result.exit_code == 1
    findings = result.stdout.count("\n  fix: ")
    assert findings >= 1
    assert result.stdout.splitlines()[-1] in ("1 finding", f"{findings} findings")
