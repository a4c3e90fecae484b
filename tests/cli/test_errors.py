"""Errors a person can act on: exit code 2 for bad input, a located message, no traceback unless
`--debug`, and the project left exactly as it was. Plus the CLI's own help and version."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

import fastgen

if TYPE_CHECKING:
    from conftest import Run, Snapshot

OPEN_ACCESS = """\
access:
  list: [public]
  read: [public]
  create: [public]
  update: [public]
  delete: [public]
"""

TYPO_SPEC = (
    textwrap.dedent(
        """\
        version: 1
        resource: Shelf
        fields:
          label: {type: strng, max_length: 20}
        """
    )
    + OPEN_ACCESS
)


def write_spec(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text)
    return path


def test_a_spec_with_a_typo_is_reported_with_its_location_and_nothing_changes(
    project: Path, run: Run, snapshot: Snapshot, tmp_path: Path
) -> None:
    spec = write_spec(tmp_path, "shelf.yaml", TYPO_SPEC)
    before = snapshot(project)

    result = run("--project", project, "add", "resource", spec)

    assert result.exit_code == 2
    assert f"{spec}:4:17: error: fields.label.type: unknown type 'strng'" in result.stderr
    assert "   4 |   label: {type: strng, max_length: 20}\n" in result.stderr
    assert "     |                 ^^^^^\n" in result.stderr
    assert "did you mean 'str'?" in result.stderr
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)
    assert snapshot(project) == before


def test_validate_reports_the_same_diagnostic_and_exits_2(run: Run, tmp_path: Path) -> None:
    spec = write_spec(tmp_path, "shelf.yaml", TYPO_SPEC)

    result = run("validate", spec)

    assert result.exit_code == 2
    assert f"{spec}:4:17: error:" in result.stderr
    assert "did you mean 'str'?" in result.stderr


def test_debug_shows_the_traceback_instead(project: Path, tmp_path: Path) -> None:
    spec = write_spec(tmp_path, "shelf.yaml", TYPO_SPEC)
    env = {**os.environ, "NO_COLOR": "1"}

    command = ["-m", "fastgen", "--debug", "--project", str(project), "add", "resource", str(spec)]
    completed = subprocess.run(
        [sys.executable, *command],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )

    assert completed.returncode != 0
    assert "Traceback (most recent call last)" in completed.stderr
    assert "fastgen.errors.SpecError" in completed.stderr


def test_access_for_users_and_roles_and_relations_to_users_are_generated(
    project: Path, run: Run, tmp_path: Path
) -> None:
    # no `list`/`read`: any authenticated user; `admin` is always declared; `User` is built in
    spec = write_spec(
        tmp_path,
        "vault.yaml",
        "version: 1\nresource: Vault\nfields:\n  label: str\n"
        "relations:\n  keeper: {belongs_to: User, optional: true, on_delete: set null}\n"
        "access:\n  create: [admin]\n  update: [owner, admin]\n  delete: [authenticated]\n",
    )

    result = run("--project", project, "add", "resource", spec)

    assert result.exit_code == 0, result.output
    assert (project / "app" / "routers" / "vault.py").is_file()
    model = (project / "app" / "models" / "vault.py").read_text()
    assert 'keeper_id: int | None = Field(\n        default=None, foreign_key="users.id"' in model
    migration = next((project / "migrations" / "versions").glob("*_create_vaults.py"))
    assert 'op.f("fk_vaults_keeper_id_users")' in migration.read_text()


def test_a_role_not_declared_in_pyproject_is_refused_at_its_place(
    project: Path, run: Run, snapshot: Snapshot, tmp_path: Path
) -> None:
    access = OPEN_ACCESS.replace("create: [public]", "create: [librarian]")
    spec = write_spec(
        tmp_path, "vault.yaml", "version: 1\nresource: Vault\nfields:\n  label: str\n" + access
    )
    before = snapshot(project)

    result = run("--project", project, "add", "resource", spec)

    assert result.exit_code == 2
    assert f"{spec}:8:12: error: access.create[0]: unknown role 'librarian'" in result.stderr
    assert "declare it under [tool.fastgen] roles in pyproject.toml" in result.stderr
    assert "Traceback" not in result.output
    assert snapshot(project) == before


@pytest.mark.parametrize(
    ("head", "where", "complaint"),
    [
        pytest.param(
            "resource: User\n",
            "2:11: error: resource: 'User' is built in",
            "the project already has User (app/models/user.py); name yours differently, "
            "e.g. Member",
            id="resource",
        ),
        pytest.param(
            "resource: Member\ntable: users\n",
            "3:8: error: table: 'users' is the table of the built-in User accounts",
            "name yours differently, e.g. 'members'",
            id="table",
        ),
    ],
)
def test_the_built_in_user_cannot_be_defined_by_a_spec(
    project: Path,
    run: Run,
    snapshot: Snapshot,
    tmp_path: Path,
    head: str,
    where: str,
    complaint: str,
) -> None:
    spec = write_spec(
        tmp_path, "user.yaml", "version: 1\n" + head + "fields:\n  name: str\n" + OPEN_ACCESS
    )
    before = snapshot(project)

    result = run("--project", project, "add", "resource", spec)

    assert result.exit_code == 2
    assert f"{spec}:{where}" in result.stderr
    assert complaint in " ".join(result.stderr.split())
    assert snapshot(project) == before


def test_outside_a_project_add_resource_says_no_project_found(
    run: Run, tmp_path: Path, examples: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    result = run("add", "resource", examples / "all_types" / "gadget.yaml")

    assert result.exit_code == 2
    assert f"no fastgen project found at {tmp_path.resolve()} or above" in result.stderr
    assert "fastgen new NAME" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_the_project_is_found_from_a_subfolder(
    project: Path, run: Run, examples: Path, monkeypatch: pytest.MonkeyPatch, author_spec: Path
) -> None:
    monkeypatch.chdir(project / "app" / "routers")

    result = run("add", "resource", author_spec)

    assert result.exit_code == 0, result.output
    assert (project / "app" / "routers" / "author.py").is_file()


def test_a_missing_spec_file_is_bad_input(project: Path, run: Run, tmp_path: Path) -> None:
    result = run("--project", project, "add", "resource", tmp_path / "nope.yaml")

    assert result.exit_code == 2
    assert "nope.yaml" in result.stderr
    assert "Traceback" not in result.output


def test_version(run: Run) -> None:
    result = run("--version")

    assert result.exit_code == 0
    assert result.stdout == f"fastgen {fastgen.__version__}\n"


def test_main_help_lists_commands_and_exit_codes(run: Run) -> None:
    result = run("--help")

    assert result.exit_code == 0
    text = " ".join(result.stdout.split())  # the help is wrapped to the terminal width
    for word in ("new", "add", "validate", "--project", "--dry-run", "--debug"):
        assert word in text
    assert "Exit codes: 0 done or nothing to do;" in text
    assert "2 bad input (spec or usage); 3 conflict with hand edits (nothing written)" in text


def test_add_resource_help_shows_examples(run: Run) -> None:
    result = run("add", "resource", "--help")

    assert result.exit_code == 0
    text = " ".join(result.stdout.split())
    assert "Examples: fastgen add resource specs/book.yaml" in text


WIDE_LIST_SPEC = """\
version: 1
resource: Memo
fields:
  text: str
access:
  list: [authenticated]
  read: [owner, admin]
"""


def test_validate_warns_when_list_is_wider_than_read_and_still_exits_0(
    run: Run, tmp_path: Path
) -> None:
    spec = write_spec(tmp_path, "memo.yaml", WIDE_LIST_SPEC)

    result = run("validate", spec)

    assert result.exit_code == 0, result.output
    assert f"{spec}:6:9: warning: access.list: list lets in authenticated" in result.stderr
    assert "   6 |   list: [authenticated]\n" in result.stderr
    assert "hint: make list no wider than read, e.g. list: [owner, admin]" in result.stderr
    assert "ok  Memo" in result.stdout
    same = write_spec(tmp_path, "same.yaml", WIDE_LIST_SPEC.replace("[authenticated]", "[owner]"))
    assert "warning" not in run("validate", same).stderr
