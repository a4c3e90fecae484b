"""`fastgen new NAME`: a project skeleton, or exit 2 and nothing written."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import Run, Snapshot


def created_paths(stdout: str) -> list[str]:
    return re.findall(r"^\s+create  (\S+)$", stdout, flags=re.MULTILINE)


def test_new_creates_the_tree_and_reports_one_create_line_per_file(
    tmp_path: Path, run: Run, snapshot: Snapshot
) -> None:
    result = run("new", "bookshop", "-C", tmp_path)

    assert result.exit_code == 0, result.output
    root = tmp_path / "bookshop"
    written = snapshot(root)
    reported = created_paths(result.stdout)
    assert sorted(reported) == sorted(written)
    assert len(reported) == len(set(reported))
    assert {"app/main.py", "app/models/__init__.py", "fastgen.lock", "pyproject.toml"} <= set(
        written
    )
    assert "created project bookshop (sqlite)" in result.stdout
    steps = result.stdout.split("next steps:", 1)[1]
    assert "cd bookshop" in steps
    assert "alembic upgrade head" in steps
    assert result.stderr == ""


def test_new_with_postgresql_configures_postgresql(tmp_path: Path, run: Run) -> None:
    result = run("new", "shop", "--db", "postgresql", "-C", tmp_path)

    assert result.exit_code == 0, result.output
    assert "created project shop (postgresql)" in result.stdout
    assert "postgresql" in (tmp_path / "shop" / ".env.example").read_text()


def test_new_into_an_empty_existing_folder_is_fine(tmp_path: Path, run: Run) -> None:
    (tmp_path / "bookshop").mkdir()

    result = run("new", "bookshop", "-C", tmp_path)

    assert result.exit_code == 0, result.output
    assert (tmp_path / "bookshop" / "app" / "main.py").is_file()


def test_new_into_a_non_empty_folder_is_refused_and_writes_nothing(
    tmp_path: Path, run: Run, snapshot: Snapshot
) -> None:
    root = tmp_path / "bookshop"
    root.mkdir()
    (root / "notes.txt").write_text("mine\n")
    before = snapshot(tmp_path)

    result = run("new", "bookshop", "-C", tmp_path)

    assert result.exit_code == 2
    assert "already exists and is not empty" in result.stderr
    assert "Traceback" not in result.output
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize(
    "name", ["Bookshop", "1shop", "book shop", "../escape", "shop!", "", "shop\n"]
)
def test_a_bad_project_name_is_refused(tmp_path: Path, run: Run, name: str) -> None:
    result = run("new", name, "-C", tmp_path)

    assert result.exit_code == 2
    assert f"invalid project name {name!r}" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_bad_project_name_says_why(tmp_path: Path, run: Run) -> None:
    result = run("new", "Bookshop", "-C", tmp_path)

    assert result.exit_code == 2
    assert "invalid project name 'Bookshop'" in result.stderr
    assert "lowercase" in result.stderr


def test_an_unknown_database_is_refused(tmp_path: Path, run: Run) -> None:
    result = run("new", "bookshop", "--db", "mysql", "-C", tmp_path)

    assert result.exit_code == 2
    assert "unknown database 'mysql'" in result.stderr
    assert "sqlite, postgresql" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_dry_run_new_shows_the_files_and_writes_nothing(tmp_path: Path, run: Run) -> None:
    result = run("--dry-run", "new", "bookshop", "-C", tmp_path)

    assert result.exit_code == 0, result.output
    assert "+++ b/app/main.py" in result.stdout
    assert "dry run: nothing was written" in result.stdout
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "role", ["editor\n", "", "a b", "Editor", "1st", "public", "owner", "authenticated"]
)
def test_a_role_that_breaks_the_name_rule_is_refused_by_name(
    tmp_path: Path, run: Run, role: str
) -> None:
    result = run("new", "shop", "-C", tmp_path, "--role", "editor", "--role", role)

    assert result.exit_code == 2
    assert f"--role: {role!r} is not a usable role name" in result.stderr
    assert "not one of public, authenticated, owner" in result.stderr
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_a_bad_role_in_pyproject_is_refused_by_name(project: Path, run: Run) -> None:
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text()
    assert 'roles = ["admin", "editor"]' in text
    pyproject.write_text(text.replace('roles = ["admin", "editor"]', 'roles = ["editor\\n"]'))

    result = run("--project", project, "check")

    assert result.exit_code == 2
    assert "[tool.fastgen] roles: 'editor\\n' is not a usable role name" in result.stderr
