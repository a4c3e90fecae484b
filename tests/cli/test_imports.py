"""A command imports what it uses and nothing more: start-up time is mostly imports.

Each command runs in a fresh interpreter, which then lists the modules it imported."""

from __future__ import annotations

import json
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import fastgen

HEAVY = ("libcst", "sqlalchemy", "alembic")
"""Patching code, building tables and rendering migrations: only writing commands need them."""

_RUN = """
import json, sys
from fastgen.cli import app
try:
    app(sys.argv[2:], prog_name="fastgen")
except SystemExit as exit:
    code = exit.code
with open(sys.argv[1], "w") as listing:
    json.dump({"exit": code, "modules": sorted(sys.modules)}, listing)
"""


def _imported(
    tmp_path: Path, *args: str | Path, env: dict[str, str] | None = None
) -> tuple[int, set[str]]:
    """(exit code, top-level packages and modules imported) of `fastgen ARGS`; what it printed
    is in stdout.txt."""
    listing = tmp_path / "modules.json"
    result = subprocess.run(
        [sys.executable, "-c", _RUN, listing, *map(str, args)],
        check=True,
        capture_output=True,
        cwd=tmp_path,
        env=env,
    )
    (tmp_path / "stdout.txt").write_bytes(result.stdout)
    result = json.loads(listing.read_text(encoding="utf-8"))
    return result["exit"], set(result["modules"])


def _heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in HEAVY)


def test_help_imports_no_library_a_command_needs(tmp_path: Path) -> None:
    code, modules = _imported(tmp_path, "--help")
    assert code == 0
    assert "fastgen.cli" in modules  # the listing is of the run that printed the help
    assert _heavy(modules) == []
    assert not {"pydantic", "jinja2", "ruamel.yaml", "rich"} & modules


def test_version_imports_no_library_a_command_needs(tmp_path: Path) -> None:
    code, modules = _imported(tmp_path, "--version")
    assert code == 0
    assert "fastgen.cli" in modules
    assert _heavy(modules) == []
    assert not {"pydantic", "jinja2", "ruamel.yaml", "rich"} & modules


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("fastgen ad", "add"),
        ("fastgen --project shop che", "check"),
        ("fastgen add res", "resource"),
    ],
)
def test_completion_loads_no_command(tmp_path: Path, words: str, expected: str) -> None:
    """Completing a word parses the options (Typer validates their values with pydantic) but
    loads no command, spec model, template or migration library."""
    env = {
        **os.environ,
        "_FASTGEN_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split()) - 1),
    }
    code, modules = _imported(tmp_path, env=env)
    assert code == 0
    assert "fastgen.cli" in modules
    assert _heavy(modules) == []
    assert not {"jinja2", "ruamel.yaml", "rich"} & modules
    assert not [m for m in modules if m.startswith(("fastgen.spec", "fastgen.commands"))]
    assert (tmp_path / "stdout.txt").read_text().split() == [expected]


def test_check_reads_a_project_without_libcst_sqlalchemy_or_alembic(
    bookshop: Path, tmp_path: Path
) -> None:
    code, modules = _imported(tmp_path, "--project", bookshop, "check")
    assert code == 0
    assert "fastgen.commands.check" in modules
    assert _heavy(modules) == []


def test_adding_a_column_needs_no_libcst_sqlalchemy_or_alembic(
    bookshop: Path, tmp_path: Path
) -> None:
    """Files nobody edited are replaced by their new version (no three-way merge), and the
    revision that adds the column is written directly."""
    code, modules = _imported(
        tmp_path, "--project", bookshop, "--dry-run", "add", "column", "Book", "stock:int?"
    )
    assert code == 0
    assert "fastgen.render.added_columns" in modules
    assert _heavy(modules) == []
    printed = (tmp_path / "stdout.txt").read_text()
    assert "batch_op.add_column(" in printed
    assert "+    stock: int | None" in printed


def test_a_change_that_needs_them_imports_them(bookshop: Path, tmp_path: Path) -> None:
    """A column changed (not only added) goes through SQLAlchemy and Alembic, and a model edited
    by hand through libcst's three-way merge; the listing sees them (the tests above could not
    pass by looking at the wrong process)."""
    model = bookshop / "app" / "models" / "book.py"
    model.write_text(model.read_text(encoding="utf-8") + "# kept by hand\n", encoding="utf-8")
    spec = bookshop / "specs" / "book.yaml"
    text = spec.read_text(encoding="utf-8")
    spec.write_text(text.replace("max_length: 200", "max_length: 150", 1), encoding="utf-8")
    code, modules = _imported(tmp_path, "--project", bookshop, "--dry-run", "sync")
    assert code == 0
    assert {"libcst", "sqlalchemy", "alembic"} <= modules
    printed = (tmp_path / "stdout.txt").read_text()
    assert "existing_type=sa.String(length=200)" in printed
    assert "max_length=150" in printed


def test_no_module_of_fastgen_imports_libcst_matchers(tmp_path: Path) -> None:
    """Importing every module of fastgen leaves `libcst.matchers` (a large import) out."""
    names = sorted(
        info.name
        for info in pkgutil.walk_packages(fastgen.__path__, prefix="fastgen.")
        if info.name != "fastgen.__main__"  # runs the command line
    )
    assert "fastgen.patch.main_app" in names
    code = (
        "import importlib, sys\n"
        f"for name in {names!r}:\n"
        "    importlib.import_module(name)\n"
        "print('libcst.matchers' in sys.modules, 'libcst' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True
    )
    assert result.stdout.split() == ["False", "True"]


def test_adding_a_resource_needs_no_libcst_sqlalchemy_or_alembic(
    project: Path, author_spec: Path, tmp_path: Path
) -> None:
    """main.py and the model registry as fastgen writes them are patched line by line, and the
    revision that creates the new table is written without SQLAlchemy or Alembic."""
    code, modules = _imported(tmp_path, "--project", project, "add", "resource", author_spec)
    assert code == 0
    assert "fastgen.commands.add_resource" in modules
    assert "fastgen.render.create_table" in modules
    assert _heavy(modules) == []
    assert "from app.routers import author\n" in (project / "app" / "main.py").read_text()
    (revision,) = (project / "migrations" / "versions").glob("0002_*.py")
    assert 'op.create_table(\n        "authors",' in revision.read_text()
