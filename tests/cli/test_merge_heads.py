"""Two branches that each changed the schema: revisions that do not collide, and the merge
revision `fastgen sync` writes when a git merge left the migrations with two heads."""

from __future__ import annotations

import ast
import json
import re
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from fastgen.history import heads, read_history
from fastgen.render.environment import make_environment
from fastgen.render.migration import render_merge, render_revision, revision_filename

if TYPE_CHECKING:
    from conftest import Run, Snapshot


def _declared(text: str) -> dict[str, object]:
    values: dict[str, object] = {}
    for node in ast.parse(text).body:
        if isinstance(node, ast.AnnAssign) and node.value is not None:
            assert isinstance(node.target, ast.Name)
            values[node.target.id] = ast.literal_eval(node.value)
    return values


def test_a_revision_file_name_holds_its_sequence_id_and_slug() -> None:
    assert revision_filename(3, "0a1b2c3d4e5f", "add books.stock") == (
        "0003_0a1b2c3d4e5f_add_books_stock.py"
    )


def test_the_same_change_on_two_parents_gives_two_ids_and_two_file_names() -> None:
    env = make_environment(None)
    common = {"message": "create tags", "upgrade": "    pass", "downgrade": "    pass"}
    one = render_revision(env, down_revision="aaaaaaaaaaaa", sequence=3, **common)
    other = render_revision(env, down_revision="bbbbbbbbbbbb", sequence=3, **common)
    assert one.revision != other.revision
    assert one.filename != other.filename
    assert one == render_revision(env, down_revision="aaaaaaaaaaaa", sequence=3, **common)


def test_a_merge_revision_names_every_head_and_changes_nothing() -> None:
    env = make_environment(None)
    merge = render_merge(env, ["bbbbbbbbbbbb", "aaaaaaaaaaaa"], sequence=5)
    assert merge == render_merge(env, ["aaaaaaaaaaaa", "bbbbbbbbbbbb"], sequence=5)
    assert re.fullmatch(r"0005_[0-9a-f]{12}_merge_heads\.py", merge.filename)
    declared = _declared(merge.text)
    assert declared["revision"] == merge.revision
    assert declared["down_revision"] == ("aaaaaaaaaaaa", "bbbbbbbbbbbb")
    tree = ast.parse(merge.text)
    functions = {node.name: node.body for node in tree.body if isinstance(node, ast.FunctionDef)}
    assert set(functions) == {"upgrade", "downgrade"}
    assert all(isinstance(body[0], ast.Pass) and len(body) == 1 for body in functions.values())
    assert "import" not in merge.text.split('"""')[2].replace("from collections.abc import", "")


def _second_head(bookshop: Path) -> str:
    """A revision beside the last one, as a branch that changed the schema too would leave."""
    versions = bookshop / "migrations" / "versions"
    history = read_history(versions)
    (head,) = heads(history)
    parent = next(r for r in history if r.revision == head).down_revisions[0]
    (versions / "0003_abc123abc123_branch.py").write_text(
        f'revision = "abc123abc123"\ndown_revision = "{parent}"\n'
        "def upgrade() -> None: ...\ndef downgrade() -> None: ...\n"
    )
    return head


def test_check_and_plan_name_the_heads_and_sync_joins_them(
    bookshop: Path, run: Run, snapshot: Snapshot
) -> None:
    head = _second_head(bookshop)

    check = run("--project", bookshop, "check")
    assert check.exit_code == 1, check.output
    assert "multiple-heads: the migrations have 2 heads" in check.stdout
    assert "abc123abc123 (0003_abc123abc123_branch.py)" in check.stdout
    assert f"{head} (0002_{head}_create_authors_books.py)" in check.stdout
    assert "fix: fastgen sync" in check.stdout

    before = snapshot(bookshop)
    plan = run("--project", bookshop, "plan", "--json")
    assert plan.exit_code == 1, plan.output
    document = json.loads(plan.stdout)
    assert document["pending"] is True
    assert [op["kind"] for op in document["operations"]] == ["merge_heads"]
    heads_named = ", ".join(sorted([head, "abc123abc123"]))
    assert document["operations"][0]["description"] == (
        f"+ merge revision of the 2 heads {heads_named}"
    )
    (created,) = [f for f in document["files"] if f["action"] == "create"]
    assert re.fullmatch(r"migrations/versions/0004_[0-9a-f]{12}_merge_heads\.py", created["path"])
    assert snapshot(bookshop) == before

    sync = run("--project", bookshop, "sync")
    assert sync.exit_code == 0, sync.output
    assert "joined the migration heads in migrations/versions/0004_" in sync.stdout
    merge = (bookshop / created["path"]).read_text()
    assert _declared(merge)["down_revision"] == tuple(sorted([head, "abc123abc123"]))
    assert run("--project", bookshop, "check").exit_code == 0
    again = run("--project", bookshop, "sync")
    assert again.exit_code == 0 and "nothing to do" in again.stdout


def test_a_change_on_two_heads_is_written_after_the_merge_revision(
    bookshop: Path, run: Run
) -> None:
    _second_head(bookshop)
    refused = run("--project", bookshop, "add", "column", "Book", "stock:int?")
    assert refused.exit_code == 2
    assert "2 heads" in refused.output and "fastgen sync" in refused.output

    spec = bookshop / "specs" / "book.yaml"
    spec.write_text(spec.read_text().replace("fields:\n", "fields:\n  stock: int?\n", 1))
    result = run("--project", bookshop, "sync")
    assert result.exit_code == 0, result.output
    history = read_history(bookshop / "migrations" / "versions")
    (head,) = heads(history)
    names = [r.path.name for r in history]
    merge = next(r for r in history if len(r.down_revisions) == 2)
    assert re.fullmatch(r"0004_[0-9a-f]{12}_merge_heads\.py", merge.path.name), names
    latest = next(r for r in history if r.revision == head)
    assert re.fullmatch(r"0005_[0-9a-f]{12}_add_books_stock\.py", latest.path.name), names
    assert latest.down_revisions == (merge.revision,)
    assert run("--project", bookshop, "check").exit_code == 0


def test_two_projects_copied_from_one_write_two_revisions_that_merge(
    bookshop: Path, run: Run, tmp_path: Path
) -> None:
    other = Path(shutil.copytree(bookshop, tmp_path / "other"))
    for root, column in ((bookshop, "stock:int?"), (other, "blurb:text?")):
        result = run("--project", root, "add", "column", "Book", column)
        assert result.exit_code == 0, result.output
    ours = {p.name for p in (bookshop / "migrations" / "versions").glob("*.py")}
    theirs = {p.name for p in (other / "migrations" / "versions").glob("*.py")}
    assert len(ours - theirs) == len(theirs - ours) == 1
    assert {name[:5] for name in ours ^ theirs} == {"0003_"}


def test_a_merged_lock_whose_heads_were_joined_by_hand_is_settled_by_sync(
    bookshop: Path, run: Run
) -> None:
    head = _second_head(bookshop)
    (bookshop / "migrations" / "versions" / "0004_fedcba987654_merge.py").write_text(
        f'revision = "fedcba987654"\ndown_revision = ("{head}", "abc123abc123")\n'
        "def upgrade() -> None: ...\ndef downgrade() -> None: ...\n"
    )
    lock = bookshop / "fastgen.lock"
    text = lock.read_text()
    lock.write_text(text.replace(f"revision {head}\n", f"revision {head}\nrevision abc123abc123\n"))

    check = run("--project", bookshop, "check", "--json")
    assert check.exit_code == 1, check.output
    (finding,) = json.loads(check.stdout)["findings"]
    assert finding["kind"] == "lock-merged"
    assert finding["message"].endswith(f"the revisions {', '.join(sorted([head, 'abc123abc123']))}")
    assert finding["fix"].startswith("fastgen sync")

    result = run("--project", bookshop, "sync")
    assert result.exit_code == 0, result.output
    assert "fastgen.lock" in result.stdout
    assert lock.read_text() == text.replace(f"revision {head}\n", "revision fedcba987654\n")
    assert run("--project", bookshop, "check").exit_code == 0
