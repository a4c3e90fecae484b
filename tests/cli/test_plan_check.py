"""`fastgen plan` and `fastgen check`: read-only views for people and CI, with `--json`."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

from fastgen.state import read_lock

if TYPE_CHECKING:
    from conftest import Run, Snapshot

NO_NUL = r'schema_extra={"pattern": "^[^\\x00]*$"}'  # text fields refuse NUL characters


def edit(root: Path, old: str, new: str, name: str = "book") -> None:
    path = root / "specs" / f"{name}.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


def next_migration(root: Path) -> str:
    """The path prefix the next migration gets: one more than the migrations there are."""
    count = len(list((root / "migrations" / "versions").glob("*.py")))
    return f"migrations/versions/{count + 1:04d}_"


def test_plan_with_nothing_pending_exits_0(bookshop: Path, run: Run) -> None:
    result = run("--project", bookshop, "plan")
    assert result.exit_code == 0, result.output
    assert "nothing to do" in result.stdout


def test_plan_lists_labelled_operations_and_diffs_and_writes_nothing(
    bookshop: Path, run: Run, snapshot: Snapshot
) -> None:
    edit(bookshop, "  summary: text?\n", "  stock: {type: int, default: 0}\n")
    before = snapshot(bookshop)
    result = run("--project", bookshop, "plan")
    assert result.exit_code == 1, result.output
    assert "+ field Book.stock int default 0" in result.stdout
    assert "- field Book.summary (destructive)" in result.stdout
    assert "+    stock: int = Field(default=0, ge=-2147483648, le=2147483647)" in result.stdout
    assert next_migration(bookshop) in result.stdout
    assert snapshot(bookshop) == before


def test_plan_lines_show_every_option_added_and_old_and_new_of_what_changed(
    bookshop: Path, run: Run
) -> None:
    edit(
        bookshop,
        "  summary: text?\n",
        "  summary: text?\n  room: {type: str, optional: true, max_length: 10, unique: true}\n",
    )
    edit(bookshop, "  pages: {type: int, ge: 1,", "  pages: {type: int, ge: 2, le: 5000,")
    edit(bookshop, "expand: true, filterable: true}", "filterable: true}")
    edit(bookshop, "  create: 10/minute\n", "  create: 5/minute\n")
    result = run("--project", bookshop, "plan")
    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines()[:3] == [
        "~ field Book.pages: ge 1 -> 2, le (none) -> 5000",
        "+ field Book.room str? max_length 10 unique",
        "~ resource Book: relations.author -expand, limits.create 10/minute -> 5/minute",
    ]


def test_plan_json_has_the_documented_shape(bookshop: Path, run: Run) -> None:
    edit(bookshop, "  summary: text?\n", "  summary: text?\n  stock: int\n")
    result = run("--project", bookshop, "plan", "--json")
    assert result.exit_code == 1, result.output
    document = json.loads(result.stdout)
    assert document["pending"] is True
    assert document["operations"] == [
        {"kind": "add_field", "description": "+ field Book.stock int", "safety": "needs-default"}
    ]
    assert document["files"] == []
    assert "a default is needed first" in document["blocked"]


def test_plan_json_lists_files_with_diffs(bookshop: Path, run: Run) -> None:
    migration = next_migration(bookshop)
    edit(bookshop, "  summary: text?\n", "  summary: text?\n  note: str?\n")
    document = json.loads(run("--project", bookshop, "plan", "--json").stdout)
    assert document["blocked"] is None
    paths = {f["path"]: f for f in document["files"]}
    assert paths["app/models/book.py"]["action"] == "patch"
    assert (
        f"+    note: str | None = Field(default=None, {NO_NUL})"
        in paths["app/models/book.py"]["diff"]
    )
    assert any(p.startswith(migration) for p in paths)


def test_check_is_clean_after_generation(bookshop: Path, run: Run, snapshot: Snapshot) -> None:
    before = snapshot(bookshop)
    result = run("--project", bookshop, "check")
    assert result.exit_code == 0, result.output
    assert "ok" in result.stdout
    document = json.loads(run("--project", bookshop, "check", "--json").stdout)
    assert document == {"ok": True, "findings": []}
    assert snapshot(bookshop) == before


def _kinds(run: Run, root: Path) -> list[str]:
    result = run("--project", root, "check", "--json")
    assert result.exit_code == 1, result.output
    return [f["kind"] for f in json.loads(result.stdout)["findings"]]


def test_check_finds_a_spec_edited_but_not_synced(bookshop: Path, run: Run) -> None:
    edit(bookshop, "  summary: text?\n", "  summary: text?\n  note: str?\n")
    assert _kinds(run, bookshop) == ["spec-not-synced"]
    text = run("--project", bookshop, "check").stdout
    assert "spec changed since the last sync: + field Book.note str?" in text
    assert "fix: fastgen sync" in text


def test_check_finds_a_missing_migration(bookshop: Path, run: Run) -> None:
    migration = next_migration(bookshop)
    assert run("--project", bookshop, "add", "column", "Book", "note:str?").exit_code == 0
    latest = next((bookshop / "migrations" / "versions").glob(migration.split("/")[-1] + "*.py"))
    latest.unlink()
    assert _kinds(run, bookshop) == ["migration-missing"]


def test_check_finds_two_heads(bookshop: Path, run: Run) -> None:
    versions = bookshop / "migrations" / "versions"
    first = sorted(versions.glob("0001_*.py"))[0].read_text()
    head = first.split('revision: str = "')[1].split('"')[0]
    (versions / "0002_branch.py").write_text(
        f'revision = "abc123"\ndown_revision = "{head}"\n'
        "def upgrade() -> None: ...\ndef downgrade() -> None: ...\n"
    )
    (versions / "0003_other.py").write_text(
        f'revision = "def456"\ndown_revision = "{head}"\n'
        "def upgrade() -> None: ...\ndef downgrade() -> None: ...\n"
    )
    assert _kinds(run, bookshop) == ["multiple-heads"]


def test_check_finds_a_deleted_generated_file_and_missing_wiring(bookshop: Path, run: Run) -> None:
    (bookshop / "tests" / "test_book.py").unlink()
    main = bookshop / "app" / "main.py"
    main.write_text(main.read_text().replace("app.include_router(author.router)\n", ""))
    kinds = _kinds(run, bookshop)
    assert sorted(kinds) == ["file-missing", "not-wired"]


def test_check_reports_an_invalid_spec_as_a_finding(bookshop: Path, run: Run) -> None:
    edit(bookshop, "summary: text?", "summary: {type: txt}")
    assert _kinds(run, bookshop) == ["spec-invalid"]


def test_sync_rename_from_flag_renames_instead_of_drop_and_add(bookshop: Path, run: Run) -> None:
    edit(bookshop, "summary: text?", "abstract: text?")
    result = run("--project", bookshop, "sync", "--rename-from", "Book.abstract=summary")
    assert result.exit_code == 0, result.output
    assert "~ field Book.summary renamed to Book.abstract" in result.stdout
    assert run("--project", bookshop, "check").exit_code == 0
    bad = run("--project", bookshop, "sync", "--rename-from", "abstract")
    assert bad.exit_code == 2
    assert "RESOURCE.NEW=OLD" in bad.output


def test_yes_answers_the_destructive_question(bookshop: Path, run: Run) -> None:
    result = run("--project", bookshop, "--yes", "remove", "column", "Book", "summary")
    assert result.exit_code == 0, result.output


def test_pre_commit_hooks_run_real_commands(run: Run) -> None:
    from ruamel.yaml import YAML

    hooks = YAML(typ="safe", pure=True).load(
        (Path(__file__).parents[2] / ".pre-commit-hooks.yaml").read_text()
    )
    assert {hook["id"] for hook in hooks} == {"fastgen-check", "fastgen-validate"}
    for hook in hooks:
        program, *command = hook["entry"].split()
        assert program == "fastgen"
        assert run(*command, "--help").exit_code == 0, hook


def test_schema_prints_the_json_schema(run: Run) -> None:
    from fastgen.spec.json_schema import schema_text

    result = run("schema")
    assert result.exit_code == 0
    assert result.stdout == schema_text()
    assert json.loads(result.stdout)["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_check_finds_an_owned_file_out_of_date_and_sync_restores_it(
    bookshop: Path, run: Run
) -> None:
    schema = bookshop / "fastgen-spec.schema.json"
    expected = schema.read_text()
    schema.write_text("{}\n")
    assert _kinds(run, bookshop) == ["blueprint-out-of-date"]
    result = run("--project", bookshop, "sync")
    assert result.exit_code == 0, result.output
    assert "brought up to date" in result.stdout
    assert schema.read_text() == expected
    assert run("--project", bookshop, "check").exit_code == 0


def declare_roles(root: Path, *roles: str) -> None:
    """Set `[tool.fastgen] roles` in the project's pyproject.toml."""
    path = root / "pyproject.toml"
    text, count = re.subn(
        r"^roles = .*$", f"roles = {json.dumps(list(roles))}", path.read_text(), flags=re.M
    )
    assert count == 1
    path.write_text(text)


def position(root: Path, text: str, name: str = "book") -> tuple[int, int]:
    """1-based line and column of `text` in a project's spec."""
    lines = (root / "specs" / f"{name}.yaml").read_text().splitlines()
    line = next(number for number, content in enumerate(lines, 1) if text in content)
    return line, lines[line - 1].index(text) + 1


def test_access_for_a_role_syncs_as_a_code_only_change(bookshop: Path, run: Run) -> None:
    edit(bookshop, "  read: [public]", "  read: [editor, admin]")
    result = run("--project", bookshop, "sync")
    assert result.exit_code == 0, result.output
    assert "~ resource Book: access.read [public] -> [editor, admin]" in result.stdout
    assert "no database change, so no migration" in result.stdout
    assert run("--project", bookshop, "check").exit_code == 0


def test_check_finds_roles_out_of_date_and_sync_rewrites_roles_py(bookshop: Path, run: Run) -> None:
    roles_py = bookshop / "app" / "core" / "roles.py"
    generated = roles_py.read_text()
    declare_roles(bookshop, "admin", "editor", "moderator")
    assert _kinds(run, bookshop) == ["roles-out-of-date"]
    text = run("--project", bookshop, "check").stdout
    assert "app/core/roles.py does not match [tool.fastgen] roles" in text
    assert "fix: fastgen sync" in text

    result = run("--project", bookshop, "sync")
    assert result.exit_code == 0, result.output
    assert "brought up to date" in result.stdout
    source = roles_py.read_text()
    assert 'Role = Literal["admin", "editor", "moderator"]' in source
    assert run("--project", bookshop, "check").exit_code == 0

    declare_roles(bookshop, "editor")  # admin is always declared, and first
    assert _kinds(run, bookshop) == ["roles-out-of-date"]
    assert run("--project", bookshop, "sync").exit_code == 0
    assert roles_py.read_text() == generated  # as `fastgen new --role editor` wrote it


def test_a_deleted_roles_py_is_reported_and_restored(project: Path, run: Run) -> None:
    roles_py = project / "app" / "core" / "roles.py"
    generated = roles_py.read_text()
    roles_py.unlink()
    assert _kinds(run, project) == ["roles-out-of-date"]
    assert "app/core/roles.py is missing" in run("--project", project, "check").stdout
    # no specs yet: sync still brings the files fastgen owns up to date
    result = run("--project", project, "sync")
    assert result.exit_code == 0, result.output
    assert roles_py.read_text() == generated
    again = run("--project", project, "sync")
    assert again.exit_code == 2
    assert "no specs in" in again.output


def test_a_spec_naming_a_role_removed_from_pyproject_is_refused_at_its_place(
    bookshop: Path, run: Run, snapshot: Snapshot
) -> None:
    declare_roles(bookshop, "admin", "editor", "moderator")
    edit(bookshop, "  read: [public]", "  read: [moderator, admin]")
    assert run("--project", bookshop, "sync").exit_code == 0
    declare_roles(bookshop, "admin", "editor")
    before = snapshot(bookshop)

    result = run("--project", bookshop, "sync")

    assert result.exit_code == 2
    line, col = position(bookshop, "moderator")
    assert (
        f"specs/book.yaml:{line}:{col}: error: access.read[0]: unknown role 'moderator'"
        in result.output
    )
    assert "declare it under [tool.fastgen] roles in pyproject.toml" in result.output
    assert snapshot(bookshop) == before
    assert _kinds(run, bookshop) == ["spec-invalid", "roles-out-of-date"]


def test_owner_coming_and_going_in_one_sync(bookshop: Path, run: Run, snapshot: Snapshot) -> None:
    # Author has no `owner` (no owner_id column); Book has one
    edit(bookshop, "  delete: [admin]", "  delete: [owner, admin]", name="author")
    edit(bookshop, "  update: [owner, admin]", "  update: [editor, admin]")
    before = snapshot(bookshop)
    result = run("--project", bookshop, "sync")
    assert result.exit_code == 2  # dropping Book's owner_id needs a yes
    assert "- owner Book, column books.owner_id (destructive)" in result.output
    assert snapshot(bookshop) == before
    assert set(_kinds(run, bookshop)) == {"spec-not-synced"}

    result = run("--project", bookshop, "sync", "--allow-destructive")
    assert result.exit_code == 0, result.output
    assert "_add_authors_owner_id_drop_books_owner_id.py" in result.stdout
    check = run("--project", bookshop, "check")
    assert check.exit_code == 0, check.output


def test_a_code_only_sync_keeps_the_last_revision_so_check_still_finds_it_deleted(
    bookshop: Path, run: Run
) -> None:
    lock = bookshop / "fastgen.lock"
    revision = read_lock(lock).revision
    assert revision is not None
    edit(bookshop, "  title: {", "  title: {description: The title on the cover, ")
    result = run("--project", bookshop, "sync")
    assert result.exit_code == 0, result.output
    assert "no database change, so no migration" in result.stdout
    assert read_lock(lock).revision == revision
    latest = max((bookshop / "migrations" / "versions").glob("*.py"))
    assert revision in latest.read_text()
    latest.unlink()
    assert _kinds(run, bookshop) == ["migration-missing"]
