"""End to end: generate the bookshop in a temporary folder, then run the generated project's own
migrations, `alembic check`, test suite, ruff and mypy in subprocesses, on SQLite and on the
real PostgreSQL."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import httpx
import pytest

from tests.e2e import tools
from tests.e2e.tools import (  # the helpers other end-to-end tests import from here too
    ALL_TYPES,
    BIN,
    BOOKSHOP,
    BOOKSHOP_ROLES,
    REPO,
    SECRET_KEY,
    ProjectFactory,
    free_port,
    run,
    serve,
)

pytestmark = pytest.mark.e2e

__all__ = ["ALL_TYPES", "BIN", "BOOKSHOP", "BOOKSHOP_ROLES", "REPO", "SECRET_KEY", "free_port"]


def generate(tmp: Path, db: str, specs: list[Path]) -> Path:
    """`fastgen new bookshop` in `tmp` and the specs added (prefer the `project_factory`
    fixture: it generates a project once per run and hands out copies)."""
    return tools.generate(tmp, "bookshop", db, ["editor"], specs)


# Four related resources: Author has_many Book, Review belongs_to Book, Tag many_to_many Book;
# access lists with roles and owners, rate limits, filters, sorting and includes.
BOOKSHOP_SPECS = [BOOKSHOP / f"{name}.yaml" for name in ("author", "book", "tag", "review")]


SPECS = [*BOOKSHOP_SPECS, ALL_TYPES / "gadget.yaml"]


@pytest.fixture
def sqlite_project(project_factory: ProjectFactory) -> Path:
    """The bookshop and the all-types gadget on SQLite, a copy of its own for each test."""
    return project_factory(SPECS, "sqlite", ["editor"])


@pytest.fixture
def postgres_project(project_factory: ProjectFactory) -> Path:
    """The same project configured for PostgreSQL, a copy of its own for each test."""
    return project_factory(SPECS, "postgresql", ["editor"])


def test_sqlite_migrations_apply_and_match_the_models(sqlite_project: Path) -> None:
    url = f"sqlite+aiosqlite:///{sqlite_project / 'app.db'}"
    run(["alembic", "upgrade", "head"], sqlite_project, DATABASE_URL=url)
    check = run(["alembic", "check"], sqlite_project, DATABASE_URL=url)
    assert "No new upgrade operations detected" in check.stdout + check.stderr
    run(["alembic", "downgrade", "base"], sqlite_project, DATABASE_URL=url)
    run(["alembic", "upgrade", "head"], sqlite_project, DATABASE_URL=url)


def test_sqlite_generated_suite_passes(sqlite_project: Path) -> None:
    result = run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], sqlite_project)
    assert " passed" in result.stdout and "failed" not in result.stdout


def test_generated_code_is_ruff_and_mypy_clean(sqlite_project: Path) -> None:
    run(["ruff", "check", "."], sqlite_project)
    run(["ruff", "format", "--check", "."], sqlite_project)
    result = run([sys.executable, "-m", "mypy", "--strict", "."], sqlite_project)
    assert "Success: no issues found" in result.stdout


def test_postgres_migrations_apply_downgrade_and_apply_again(
    postgres_project: Path, postgres_databases: tuple[str, str]
) -> None:
    """The same project's ruff, mypy, `alembic upgrade head`, `alembic check` and suite on
    PostgreSQL run as the commands of its CI workflow: tests/e2e/test_project_files.py."""
    app_url, _ = postgres_databases
    run(["alembic", "upgrade", "head"], postgres_project, DATABASE_URL=app_url)
    check = run(["alembic", "check"], postgres_project, DATABASE_URL=app_url)
    assert "No new upgrade operations detected" in check.stdout + check.stderr
    # The downgrade drops the native enum types too, so upgrading again works.
    run(["alembic", "downgrade", "base"], postgres_project, DATABASE_URL=app_url)
    run(["alembic", "upgrade", "head"], postgres_project, DATABASE_URL=app_url)


def test_uvicorn_serves_docs_and_the_new_endpoints(sqlite_project: Path, tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{sqlite_project / 'serve.db'}"
    run(["alembic", "upgrade", "head"], sqlite_project, DATABASE_URL=url)
    log = tmp_path / "uvicorn.log"
    with serve(sqlite_project, log=log, DATABASE_URL=url, LOG_JSON="true") as base:
        docs = httpx.get(f"{base}/docs", timeout=5)
        assert docs.status_code == 200
        assert "swagger" in docs.text.lower()
        openapi = httpx.get(f"{base}/openapi.json", timeout=5, headers={"X-Request-ID": "e2e-1"})
        assert openapi.status_code == 200
        assert openapi.headers["x-request-id"] == "e2e-1"
        paths = openapi.json()["paths"]
    assert {"/authors", "/books", "/books/{book_id}", "/gadgets"} <= set(paths)
    assert {"/auth/token", "/auth/me"} <= set(paths)
    # LOG_JSON: uvicorn's lines and the app's are JSON objects, one per line; one access line
    # per request, with the request's id, and no access line of uvicorn's own.
    entries = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert any(entry["logger"] == "uvicorn.error" for entry in entries), entries
    assert not any(entry["logger"] == "uvicorn.access" for entry in entries), entries
    access = {entry["path"]: entry for entry in entries if entry["logger"] == "app.access"}
    assert access["/docs"]["request_id"] == docs.headers["x-request-id"]
    assert (access["/openapi.json"]["request_id"], access["/openapi.json"]["status"]) == (
        "e2e-1",
        200,
    )
