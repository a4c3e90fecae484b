"""`fastgen add resource SPEC...` on a generated project: what it writes, what it reports, and
what it leaves alone (hand edits, files when it cannot patch safely)."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import TYPE_CHECKING

from fastgen.render.environment import packaged_blueprints
from fastgen.state import read_lock

if TYPE_CHECKING:
    from conftest import Run, Snapshot


def reported(stdout: str, action: str) -> list[str]:
    return re.findall(rf"^\s+{action}  (\S+)$", stdout, flags=re.MULTILINE)


def revisions(root: Path) -> list[dict[str, object]]:
    """`revision`/`down_revision` of every migration, in file name order."""
    found = []
    for path in sorted((root / "migrations" / "versions").glob("*.py")):
        values: dict[str, object] = {"file": path.name}
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.AnnAssign | ast.Assign) and node.value is not None:
                target = node.target if isinstance(node, ast.AnnAssign) else node.targets[0]
                if isinstance(target, ast.Name):
                    values[target.id] = ast.literal_eval(node.value)
        found.append(values)
    return found


def mtimes(root: Path) -> dict[str, int]:
    return {
        p.relative_to(root).as_posix(): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()
    }


def test_add_resource_reports_created_and_patched_files(
    project: Path, run: Run, examples: Path, author_spec: Path
) -> None:
    result = run("--project", project, "add", "resource", author_spec)

    assert result.exit_code == 0, result.output
    assert "+ resource Author (table authors, 4 fields, path /authors)" in result.stdout
    assert sorted(reported(result.stdout, "create")) == [
        "app/models/author.py",
        "app/routers/author.py",
        f"migrations/versions/0002_{revisions(project)[1]['revision']}_create_authors.py",
        "specs/author.yaml",
        "tests/factories/__init__.py",
        "tests/factories/author.py",
        "tests/test_author.py",
    ]
    assert "record  .fastgen/ (5 files)" in result.stdout
    for path in reported(result.stdout, "create"):
        if not path.startswith(("specs/", "migrations/")):
            assert (project / ".fastgen/base" / f"{path}.base").read_bytes() == (
                project / path
            ).read_bytes()
    assert sorted(reported(result.stdout, "patch")) == [
        "app/main.py",
        "app/models/__init__.py",
        "fastgen.lock",
    ]
    assert "added Author" in result.stdout
    for path in reported(result.stdout, "create"):
        assert (project / path).is_file(), path
    assert (project / "specs" / "author.yaml").read_bytes() == (author_spec).read_bytes()


def test_each_migration_chains_to_the_previous_head_and_the_lock_follows(
    project: Path, run: Run, examples: Path, author_spec: Path
) -> None:
    first = run("--project", project, "add", "resource", author_spec)
    assert first.exit_code == 0, first.output
    assert sorted(read_lock(project / "fastgen.lock").resources) == ["Author"]

    second = run("--project", project, "add", "resource", examples / "bookshop" / "book.yaml")
    assert second.exit_code == 0, second.output
    assert sorted(read_lock(project / "fastgen.lock").resources) == [
        "Author",
        "Book",
    ]

    users, author, book = revisions(project)
    assert users["file"] == "0001_create_users.py"
    assert author["file"] == f"0002_{author['revision']}_create_authors.py"
    assert author["down_revision"] == users["revision"]
    assert book["file"] == f"0003_{book['revision']}_create_books.py"
    assert book["down_revision"] == author["revision"]
    assert book["revision"] != author["revision"]


def test_running_the_same_command_twice_changes_nothing(
    project: Path, run: Run, examples: Path, snapshot: Snapshot, author_spec: Path
) -> None:
    spec = author_spec
    assert run("--project", project, "add", "resource", spec).exit_code == 0
    files, times = snapshot(project), mtimes(project)

    again = run("--project", project, "add", "resource", spec)

    assert again.exit_code == 0, again.output
    assert "nothing to do" in again.stdout
    assert reported(again.stdout, "create") == []
    assert reported(again.stdout, "patch") == []
    assert snapshot(project) == files
    assert mtimes(project) == times


def test_dry_run_prints_diffs_and_writes_nothing(
    project: Path, run: Run, examples: Path, snapshot: Snapshot, author_spec: Path
) -> None:
    before = snapshot(project)

    result = run("--project", project, "--dry-run", "add", "resource", author_spec)

    assert result.exit_code == 0, result.output
    assert "--- /dev/null\n+++ b/app/models/author.py\n" in result.stdout
    assert "--- a/app/main.py\n+++ b/app/main.py\n" in result.stdout
    assert "+from app.routers import author\n" in result.stdout
    assert "+app.include_router(author.router)\n" in result.stdout
    assert "dry run: nothing was written" in result.stdout
    assert snapshot(project) == before


def test_hand_edits_to_main_survive_adding_another_resource(
    project: Path, run: Run, examples: Path, author_spec: Path
) -> None:
    add_author = run("--project", project, "add", "resource", author_spec)
    assert add_author.exit_code == 0, add_author.output
    main = project / "app" / "main.py"
    generated = main.read_text()
    hand_edited = (
        "import logging\n\n"
        + generated
        + '\n\n@app.get("/hello", include_in_schema=False)\n'
        + "async def hello() -> dict[str, str]:\n"
        + '    logging.getLogger(__name__).info("hello")  # hand-written\n'
        + '    return {"hello": "world"}\n'
    )
    main.write_text(hand_edited)

    result = run("--project", project, "add", "resource", examples / "bookshop" / "book.yaml")

    assert result.exit_code == 0, result.output
    expected = hand_edited.replace(
        "from app.routers import author\n",
        "from app.routers import author\nfrom app.routers import book\n",
    ).replace(
        "app.include_router(author.router)\n",
        "app.include_router(author.router)\napp.include_router(book.router)\n",
    )
    assert expected != hand_edited
    assert main.read_text() == expected


def test_a_main_without_app_is_a_conflict_and_nothing_is_written(
    project: Path, run: Run, examples: Path, snapshot: Snapshot, author_spec: Path
) -> None:
    add_author = run("--project", project, "add", "resource", author_spec)
    assert add_author.exit_code == 0, add_author.output
    main = project / "app" / "main.py"
    text = re.sub(r"^app = create_app\(.*\)\n", "", main.read_text(), flags=re.M)
    text = re.sub(r"^app\.include_router\(.*\)\n", "", text, flags=re.M)
    assert not re.search(r"^app\b", text, flags=re.M)
    assert "include_router" not in text
    main.write_text(text)
    before = snapshot(project)

    result = run("--project", project, "add", "resource", examples / "bookshop" / "book.yaml")

    assert result.exit_code == 3
    assert "nothing was written" in result.stderr
    assert "app/main.py: no module-level `app = FastAPI(...)`" in result.stderr
    assert "    from app.routers import book\n" in result.stderr
    assert "    app.include_router(book.router)\n" in result.stderr
    assert "Traceback" not in result.output
    assert snapshot(project) == before


def test_a_blueprint_in_the_project_overrides_the_packaged_one(
    project: Path, run: Run, examples: Path, author_spec: Path
) -> None:
    override = project / "blueprints" / "resource" / "router.py.jinja"
    override.parent.mkdir(parents=True)
    packaged = (packaged_blueprints() / "resource" / "router.py.jinja").read_text()
    marker = "# House rule: routers are reviewed by the API guild."
    docstring_end = packaged.index('"""\n', packaged.index('"""') + 3) + len('"""\n')
    override.write_text(packaged[:docstring_end] + marker + "\n" + packaged[docstring_end:])

    result = run("--project", project, "add", "resource", author_spec)

    assert result.exit_code == 0, result.output
    assert marker + "\n" in (project / "app" / "routers" / "author.py").read_text()
    assert marker not in (project / "app" / "models" / "author.py").read_text()
