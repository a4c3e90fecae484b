"""End to end, with real git: two branches of one generated project each add a resource, and the
merge of the two is brought back to one migration head.

A fresh project (no resources) is committed; branch `gadgets` adds Gadget, branch `members` adds
Member and migrates a SQLite database to its head (the file is git-ignored, so it stays across
checkouts, as a developer's database does). `git merge members` into `gadgets` merges
`fastgen.lock` on its own (`merge=union` in the project's `.gitattributes`) and the revision
files of both branches (their names hold their ids); the lines both branches added to
`app/main.py` and `app/models/__init__.py` conflict and are kept, both, as a person would.
Then `fastgen check` and `fastgen plan` name the two heads and `fastgen sync`; after the sync,
`alembic upgrade head` brings the database that had Member's branch applied to the merged head,
`alembic check` finds nothing to add, `fastgen check` is clean, and a new PostgreSQL database
migrates from nothing to the same head. The generated suite is not run: nothing in the app
changes with a merge.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.e2e.tools import ALL_TYPES, BIN, ProjectFactory, run

pytestmark = pytest.mark.e2e

MEMBER = Path(__file__).resolve().parent / "specs" / "member.yaml"
GIT = {
    "GIT_AUTHOR_NAME": "Ada",
    "GIT_AUTHOR_EMAIL": "ada@example.com",
    "GIT_COMMITTER_NAME": "Ada",
    "GIT_COMMITTER_EMAIL": "ada@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}
_MARKER = re.compile(r"^(<{7}|={7}|>{7})( |$)")


def _attempt(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """A command that may fail, with the environment `run` gives (but no database URL)."""
    environment = {**os.environ, **GIT, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    environment.pop("DATABASE_URL", None)
    return subprocess.run(
        args, cwd=cwd, env=environment, capture_output=True, text=True, timeout=600, check=False
    )


def _git(project: Path, *args: str) -> str:
    return run(["git", *args], project, **GIT).stdout


def _keep_both_sides(path: Path) -> None:
    """Resolve a git conflict by keeping the lines of both sides, ours first."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(line for line in lines if not _MARKER.match(line)), encoding="utf-8")


def test_two_branches_that_each_add_a_resource_merge_into_one_head(
    project_factory: ProjectFactory, postgres_databases: tuple[str, str]
) -> None:
    project = project_factory(name="shop")
    fastgen = str(BIN / "fastgen")
    _git(project, "init", "-q", "-b", "main")
    _git(project, "add", "-A")
    _git(project, "commit", "-q", "-m", "new project")

    _git(project, "checkout", "-q", "-b", "gadgets")
    run([fastgen, "add", "resource", str(ALL_TYPES / "gadget.yaml")], project)
    _git(project, "add", "-A")
    _git(project, "commit", "-q", "-m", "gadgets")

    _git(project, "checkout", "-q", "-b", "members", "main")
    run([fastgen, "add", "resource", str(MEMBER)], project)
    run(["alembic", "upgrade", "head"], project)  # ./shop.db, from .env
    _git(project, "add", "-A")
    _git(project, "commit", "-q", "-m", "members")

    _git(project, "checkout", "-q", "gadgets")
    merge = _attempt(["git", "merge", "-q", "members", "-m", "merge members"], project)
    conflicted = _git(project, "diff", "--name-only", "--diff-filter=U").split()
    assert conflicted == ["app/main.py", "app/models/__init__.py"], merge.stdout + merge.stderr
    versions = sorted(path.name for path in (project / "migrations" / "versions").glob("*.py"))
    assert [name[:5] for name in versions] == ["0001_", "0002_", "0002_"], versions
    for path in conflicted:
        _keep_both_sides(project / path)

    check = _attempt([fastgen, "check"], project)
    assert check.returncode == 1, check.stdout + check.stderr
    heads = sorted(re.findall(r"([0-9a-f]{12}) \(0002_\1_create_\w+\.py\)", check.stdout))
    assert len(heads) == 2, check.stdout
    assert "multiple-heads: the migrations have 2 heads" in check.stdout
    assert "fix: fastgen sync" in check.stdout
    plan = _attempt([fastgen, "plan"], project)
    assert plan.returncode == 1, plan.stdout + plan.stderr
    assert f"+ merge revision of the 2 heads {', '.join(heads)}" in plan.stdout

    synced = run([fastgen, "sync"], project).stdout
    assert "joined the migration heads in migrations/versions/0004_" in synced
    assert run([fastgen, "check"], project).stdout.startswith("ok: ")
    upgraded = run(["alembic", "upgrade", "head"], project).stderr
    assert re.search(r"Running upgrade \w+ -> \w+, create gadgets", upgraded), upgraded
    assert "create members" not in upgraded  # applied on its branch already
    assert re.search(rf"Running upgrade {', '.join(heads)} -> \w+, merge heads", upgraded)
    assert "No new upgrade operations detected" in run(["alembic", "check"], project).stdout
    run(["ruff", "check", "."], project)
    _git(project, "add", "-A")
    _git(project, "commit", "-q", "-m", "merge members")

    app_url, _ = postgres_databases
    run(["alembic", "upgrade", "head"], project, DATABASE_URL=app_url)
    checked = run(["alembic", "check"], project, DATABASE_URL=app_url).stdout
    assert "No new upgrade operations detected" in checked
