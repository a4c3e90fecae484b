"""`fastgen upgrade`: the blueprint's changes since a file was generated are merged into it, hand
edits kept. "An earlier fastgen" is simulated by rewriting a generated file and its base in
`.fastgen/base/` as that version would have written them."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from fastgen.record import RECORD_DIR, base_path, read_record

if TYPE_CHECKING:
    from conftest import Run, Snapshot

SECURITY = "app/core/security.py"
UNDER = """def _under(path: str, prefix: str) -> bool:
    prefix = prefix.rstrip("/")
    return bool(prefix) and (path == prefix or path.startswith(prefix + "/"))


"""
TOKEN_LINE = "def read_token(token: str, settings: Settings) -> TokenClaims:\n"
HAND_EDIT = "    # hand-written: tokens are checked by the gateway first\n"


def _set_base(root: Path, path: str, text: str) -> None:
    (root / base_path(path)).write_text(text, encoding="utf-8")


def _older(root: Path, *, base: bool = True) -> str:
    """security.py as an earlier blueprint made it (without `_under`), on disk and in the
    record; returns today's version."""
    today = (root / SECURITY).read_text(encoding="utf-8")
    assert UNDER in today
    older = today.replace(UNDER, "")
    (root / SECURITY).write_text(older, encoding="utf-8")
    if base:
        _set_base(root, SECURITY, older)
    return today


def _hand_edit(root: Path) -> None:
    path = root / SECURITY
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(TOKEN_LINE, TOKEN_LINE + HAND_EDIT), encoding="utf-8")


def test_a_new_project_has_nothing_to_upgrade(bookshop: Path, run: Run, snapshot: Snapshot) -> None:
    record = read_record(bookshop)
    assert record is not None and record.identity is not None
    assert SECURITY in record.files and "app/models/book.py" in record.files
    assert not any(path.startswith("migrations/versions/") for path in record.files)
    before = snapshot(bookshop)
    result = run("--project", bookshop, "upgrade")
    assert result.exit_code == 0, result.output
    assert "nothing to do" in result.output
    assert snapshot(bookshop) == before


def test_upgrade_brings_back_what_the_blueprint_added_and_keeps_hand_edits(
    bookshop: Path, run: Run, snapshot: Snapshot
) -> None:
    today = _older(bookshop)
    _hand_edit(bookshop)
    router = bookshop / "app/routers/book.py"
    router.write_text(router.read_text() + "\n\n# hand-written: the end\n")
    edited_router = router.read_bytes()
    check = run("--project", bookshop, "check")
    assert check.exit_code == 1 and f"blueprint-out-of-date: {SECURITY}" in check.output

    result = run("--project", bookshop, "upgrade")
    assert result.exit_code == 0, result.output
    assert (bookshop / SECURITY).read_text() == today.replace(TOKEN_LINE, TOKEN_LINE + HAND_EDIT)
    assert router.read_bytes() == edited_router
    record = read_record(bookshop)
    assert record is not None and record.files[SECURITY] == today
    assert run("--project", bookshop, "check").exit_code == 0

    after = snapshot(bookshop)
    again = run("--project", bookshop, "upgrade")
    assert again.exit_code == 0 and "nothing to do" in again.output
    assert snapshot(bookshop) == after


def test_a_node_changed_by_both_is_a_conflict_and_nothing_is_written(
    bookshop: Path, run: Run, snapshot: Snapshot
) -> None:
    today = (bookshop / SECURITY).read_text()
    rstrip = 'prefix = prefix.rstrip("/")'
    older = today.replace(rstrip, 'prefix = prefix.rstrip("/ ")')  # the older `_under`
    (bookshop / SECURITY).write_text(today.replace(rstrip, 'prefix = prefix.rstrip("|")'))
    _set_base(bookshop, SECURITY, older)
    before = snapshot(bookshop)
    result = run("--project", bookshop, "upgrade")
    assert result.exit_code == 3, result.output
    assert "function _under" in result.output and rstrip in result.output
    assert snapshot(bookshop) == before


def test_dry_run_shows_the_diff_and_writes_nothing(
    bookshop: Path, run: Run, snapshot: Snapshot
) -> None:
    _older(bookshop)
    before = snapshot(bookshop)
    result = run("--project", bookshop, "upgrade", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "+def _under(path: str, prefix: str) -> bool:" in result.output
    assert "dry run: nothing was written" in result.output
    assert snapshot(bookshop) == before


def test_without_a_record_what_differs_is_kept_and_what_is_missing_added(
    bookshop: Path, run: Run, snapshot: Snapshot
) -> None:
    shutil.rmtree(bookshop / RECORD_DIR)
    today = _older(bookshop, base=False)
    _hand_edit(bookshop)
    readme = bookshop / "README.md"
    readme.write_text(readme.read_text() + "\nHand-written notes.\n")
    edited_readme = readme.read_bytes()
    schema = bookshop / "fastgen-spec.schema.json"  # owned whole: an older one is replaced
    current_schema = schema.read_text()
    schema.write_text(current_schema.replace('"renamed_from"', '"renamed_from_of_old"', 1))
    told = run("--project", bookshop, "check")
    assert told.exit_code == 1, told.output
    assert "blueprint-out-of-date: no .fastgen/ record of what fastgen generated" in told.output
    assert "fix: fastgen upgrade" in told.output

    result = run("--project", bookshop, "upgrade")
    assert result.exit_code == 0, result.output
    assert schema.read_text() == current_schema
    assert (bookshop / SECURITY).read_text() == today.replace(TOKEN_LINE, TOKEN_LINE + HAND_EDIT)
    assert f"{SECURITY}: function read_token differs from this fastgen's; kept" in result.output
    assert "README.md: differs from this fastgen's version; kept" in result.output
    assert readme.read_bytes() == edited_readme
    record = read_record(bookshop)
    assert record is not None and record.files[SECURITY] == today
    assert run("--project", bookshop, "check").exit_code == 0

    after = snapshot(bookshop)
    again = run("--project", bookshop, "upgrade")
    assert again.exit_code == 0 and "nothing to do" in again.output
    assert snapshot(bookshop) == after


def test_other_files_merge_line_by_line(bookshop: Path, run: Run) -> None:
    pyproject = bookshop / "pyproject.toml"
    today = pyproject.read_text()
    older = today.replace('    "redis>=5",\n', "")
    _set_base(bookshop, "pyproject.toml", older)
    pyproject.write_text(older.replace('version = "0.1.0"', 'version = "0.2.0"'))
    result = run("--project", bookshop, "upgrade")
    assert result.exit_code == 0, result.output
    assert pyproject.read_text() == today.replace('version = "0.1.0"', 'version = "0.2.0"')

    pyproject.write_text(today.replace('    "redis>=5",\n', '    "redis>=4",\n'))
    _set_base(bookshop, "pyproject.toml", today.replace('    "redis>=5",\n', ""))
    conflict = run("--project", bookshop, "upgrade")
    assert conflict.exit_code == 3, conflict.output
    assert '+    "redis>=5",' in conflict.output


def test_commands_that_write_keep_hand_edits_out_of_the_record(
    project: Path, author_spec: Path, run: Run
) -> None:
    added = run("--project", project, "add", "resource", author_spec)
    assert added.exit_code == 0, added.output
    model = project / "app/models/author.py"
    model.write_text(model.read_text() + "\n\n# hand-written: the end\n")
    result = run("--project", project, "add", "column", "Author", "nickname:str?")
    assert result.exit_code == 0, result.output
    record = read_record(project)
    assert record is not None
    assert "nickname" in record.files["app/models/author.py"]
    assert "hand-written" not in record.files["app/models/author.py"]
    assert "hand-written" in model.read_text()
    check = run("--project", project, "check")
    assert check.exit_code == 0, check.output
    removed = run(
        "--project", project, "remove", "resource", "Author", "--allow-destructive", "--force"
    )
    assert removed.exit_code == 0, removed.output
    record = read_record(project)
    assert record is not None and "app/models/author.py" not in record.files
    assert "from app.routers import author" not in record.files["app/main.py"]
    assert run("--project", project, "check").exit_code == 0


def test_a_damaged_record_is_bad_input_and_nothing_is_written(
    bookshop: Path, run: Run, snapshot: Snapshot
) -> None:
    _older(bookshop)
    (bookshop / base_path(SECURITY)).write_text("def broken(:\n", encoding="utf-8")
    before = snapshot(bookshop)
    result = run("--project", bookshop, "upgrade")
    assert result.exit_code == 2, result.output
    assert f"{base_path(SECURITY)}: not valid Python" in result.output
    assert "Traceback" not in result.output
    assert snapshot(bookshop) == before
