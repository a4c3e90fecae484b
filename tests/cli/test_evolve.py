"""`fastgen add column`, `remove column` and `sync` on a generated project: what they write,
what they refuse (exit 2), where they stop for hand edits (exit 3), and that a refusal writes
nothing, the spec included."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import Run, Snapshot


def migrations(root: Path) -> list[str]:
    return sorted(p.name for p in (root / "migrations" / "versions").glob("*.py"))


def test_add_column_edits_spec_model_schemas_tests_and_writes_a_migration(
    bookshop: Path, run: Run
) -> None:
    spec_before = (bookshop / "specs" / "book.yaml").read_text()
    result = run(
        "--project", bookshop, "add", "column", "Book", "stock:int", "--default", "0", "--index"
    )
    assert result.exit_code == 0, result.output
    assert "+ field Book.stock int default 0 index" in result.stdout
    spec_after = (bookshop / "specs" / "book.yaml").read_text()
    added = [line for line in spec_after.splitlines() if line not in spec_before.splitlines()]
    assert added == ["  stock: {type: int, default: 0, index: true}"]
    model = (bookshop / "app" / "models" / "book.py").read_text()
    assert "    stock: int = Field(default=0, ge=-2147483648, le=2147483647, index=True)\n" in model
    assert "    stock: int | None = Field(default=None, ge=-2147483648, le=2147483647)\n" in model
    assert '"stock": ' in (bookshop / "tests" / "factories" / "book.py").read_text()
    assert (
        'assert body["stock"] == payload.get("stock")'
        in (bookshop / "tests" / "test_book.py").read_text()
    )
    latest = migrations(bookshop)[-1]
    assert re.fullmatch(r"0003_[0-9a-f]{12}_add_books_stock\.py", latest), latest
    tree = ast.parse((bookshop / "migrations" / "versions" / latest).read_text())
    down = next(
        n
        for n in tree.body
        if isinstance(n, ast.Assign | ast.AnnAssign) and "down_revision" in ast.unparse(n)
    )
    first = (bookshop / "migrations" / "versions" / migrations(bookshop)[1]).read_text()
    assert ast.literal_eval(down.value) in first  # chained to the previous head


def test_the_same_change_twice_is_refused_and_changes_nothing(
    bookshop: Path, run: Run, snapshot: Snapshot
) -> None:
    assert run("--project", bookshop, "add", "column", "Book", "note:str?").exit_code == 0
    before = snapshot(bookshop)
    result = run("--project", bookshop, "add", "column", "Book", "note:str?")
    assert result.exit_code == 2
    assert "note" in result.output and "already" in result.output
    assert snapshot(bookshop) == before
    again = run("--project", bookshop, "sync")
    assert again.exit_code == 0, again.output
    assert "nothing to do" in again.stdout
    assert snapshot(bookshop) == before


def test_required_column_without_default_is_refused_with_a_hint(
    bookshop: Path, run: Run, snapshot: Snapshot
) -> None:
    before = snapshot(bookshop)
    result = run("--project", bookshop, "add", "column", "Book", "stock:int")
    assert result.exit_code == 2
    assert "Book.stock: required, and the table may already hold rows" in result.output
    assert "default" in result.output
    assert "Traceback" not in result.output
    assert snapshot(bookshop) == before


def test_remove_column_without_a_terminal_needs_the_flag(
    bookshop: Path, run: Run, snapshot: Snapshot
) -> None:
    before = snapshot(bookshop)
    refused = run("--project", bookshop, "remove", "column", "Book", "summary")
    assert refused.exit_code == 2
    assert "- field Book.summary (destructive)" in refused.output
    assert "--allow-destructive" in refused.output
    assert snapshot(bookshop) == before

    done = run("--project", bookshop, "remove", "column", "Book", "summary", "--allow-destructive")
    assert done.exit_code == 0, done.output
    assert "summary" not in (bookshop / "specs" / "book.yaml").read_text()
    assert "summary" not in (bookshop / "app" / "models" / "book.py").read_text()
    revision = (bookshop / "migrations" / "versions" / migrations(bookshop)[-1]).read_text()
    assert 'batch_op.drop_column("summary")' in revision
    assert 'sa.Column("summary", sa.Text(), nullable=True)' in revision  # downgrade brings it back


def test_dry_run_shows_the_plan_and_diffs_and_writes_nothing(
    bookshop: Path, run: Run, snapshot: Snapshot
) -> None:
    before = snapshot(bookshop)
    result = run("--project", bookshop, "--dry-run", "remove", "column", "Book", "summary")
    assert result.exit_code == 0, result.output
    assert "- field Book.summary (destructive)" in result.stdout
    assert "-    summary: LongText | None = Field(default=None, sa_type=Text)" in result.stdout
    assert "dry run: nothing was written" in result.stdout
    assert snapshot(bookshop) == before


def test_sync_applies_a_hand_edited_spec_and_a_rename(bookshop: Path, run: Run) -> None:
    spec = bookshop / "specs" / "book.yaml"
    spec.write_text(
        spec.read_text().replace(
            "summary: text?", "abstract: {type: text, optional: true, renamed_from: summary}"
        )
    )
    result = run("--project", bookshop, "sync")
    assert result.exit_code == 0, result.output
    assert "~ field Book.summary renamed to Book.abstract" in result.stdout
    revision = (bookshop / "migrations" / "versions" / migrations(bookshop)[-1]).read_text()
    assert 'new_column_name="abstract"' in revision
    assert "drop_column" not in revision
    model = (bookshop / "app" / "models" / "book.py").read_text()
    assert "abstract: LongText | None" in model and "summary" not in model


def test_code_only_change_writes_no_migration(bookshop: Path, run: Run) -> None:
    spec = bookshop / "specs" / "book.yaml"
    spec.write_text(
        spec.read_text().replace("pages: {type: int, ge: 1,", "pages: {type: int, ge: 2,")
    )
    before = migrations(bookshop)
    result = run("--project", bookshop, "sync")
    assert result.exit_code == 0, result.output
    assert "no database change, so no migration" in result.stdout
    assert migrations(bookshop) == before
    assert (
        "pages: int | None = Field(default=None, ge=2, le=2147483647)"
        in (bookshop / "app" / "models" / "book.py").read_text()
    )


def test_class_renamed_by_hand_is_a_conflict_with_the_snippet_and_nothing_is_written(
    bookshop: Path, run: Run, snapshot: Snapshot
) -> None:
    model = bookshop / "app" / "models" / "book.py"
    model.write_text(
        model.read_text().replace("class BookUpdate(SQLModel):", "class BookPatch(SQLModel):")
    )
    before = snapshot(bookshop)
    result = run("--project", bookshop, "add", "column", "Book", "note:str?")
    assert result.exit_code == 3, result.output
    assert "app/models/book.py" in result.output
    assert "BookUpdate" in result.output
    assert "note: str | None = Field(default=None" in result.output
    assert "nothing was written" in result.output
    assert snapshot(bookshop) == before


def test_unknown_resource_and_bad_column_are_usage_errors(bookshop: Path, run: Run) -> None:
    unknown = run("--project", bookshop, "add", "column", "Bok", "note:str?")
    assert unknown.exit_code == 2
    assert "did you mean Book?" in unknown.output
    bad = run("--project", bookshop, "add", "column", "Book", "note:strng")
    assert bad.exit_code == 2
    assert "Traceback" not in bad.output
    missing = run("--project", bookshop, "remove", "column", "Book", "nope", "--allow-destructive")
    assert missing.exit_code == 2
    assert "nope" in missing.output


def test_spec_error_after_an_edit_points_at_the_spec(bookshop: Path, run: Run) -> None:
    spec = bookshop / "specs" / "book.yaml"
    spec.write_text(spec.read_text().replace("summary: text?", "summary: {type: txt}"))
    result = run("--project", bookshop, "sync")
    assert result.exit_code == 2
    assert re.search(r"specs/book\.yaml:\d+:\d+: error", result.output), result.output


def test_help_shows_examples(run: Run) -> None:
    for command in (["add", "column"], ["remove", "column"], ["sync"]):
        result = run(*command, "--help")
        assert result.exit_code == 0
        assert "Example" in result.stdout


@pytest.mark.parametrize("answer", [True, False])
def test_a_person_at_a_terminal_is_asked_about_destructive_changes(
    bookshop: Path, snapshot: Snapshot, answer: bool
) -> None:
    from fastgen.commands.columns import remove_column
    from fastgen.commands.evolve import Decisions
    from fastgen.errors import UsageError
    from fastgen.project import find_project

    asked: list[list[str]] = []

    def confirm(labels: object) -> bool:
        asked.append(list(labels))  # type: ignore[call-overload]
        return answer

    before = snapshot(bookshop)
    decisions = Decisions(confirm=confirm)
    if answer:
        outcome = remove_column(find_project(bookshop), "Book", "summary", decisions)
        assert any(c.path == "app/models/book.py" for c in outcome.changeset.pending)
    else:
        with pytest.raises(UsageError, match="not confirmed"):
            remove_column(find_project(bookshop), "Book", "summary", decisions)
    assert asked == [["- field Book.summary (destructive)"]]
    assert snapshot(bookshop) == before  # commands compute; only the CLI applies


def test_add_column_can_make_it_sortable_and_filterable(bookshop: Path, run: Run) -> None:
    result = run(
        "--project", bookshop, "add", "column", "Book", "stock:int", "--default", "0",
        "--sortable", "--filterable",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    spec = (bookshop / "specs" / "book.yaml").read_text()
    assert "  stock: {type: int, default: 0, sortable: true, filterable: true}\n" in spec
    router = (bookshop / "app" / "routers" / "book.py").read_text()
    assert '    "stock",\n    "-stock",\n' in router
    assert "    stock__gte: FilterInt | None = Field(" in router
    assert "conditions.append(col(Book.stock) >= params.stock__gte)" in router
