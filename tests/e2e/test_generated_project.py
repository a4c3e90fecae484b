"""End to end: generate the bookshop in a temporary folder, then run the generated project's own
migrations, `alembic check`, test suite, ruff and mypy in subprocesses, on SQLite and on the
real PostgreSQL."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
BOOKSHOP = REPO / "examples" / "bookshop"
ALL_TYPES = REPO / "examples" / "all_types"
BIN = Path(sys.executable).parent
BOOKSHOP_ROLES = ["--role", "editor"]
"""`fastgen new` options the bookshop example needs: its specs grant access to `editor`."""
SECRET_KEY = "fastgen-end-to-end-tests-secret-key-not-for-production"
"""A generated app refuses to start outside debug mode without a SECRET_KEY of 32+ characters:
every process here that serves or imports one gets this."""


def run(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    environment.pop("DATABASE_URL", None)
    environment.pop("TEST_DATABASE_URL", None)
    environment.update(env)
    completed = subprocess.run(
        args, cwd=cwd, env=environment, capture_output=True, text=True, timeout=600, check=False
    )
    assert completed.returncode == 0, (
        f"{' '.join(args)} failed ({completed.returncode}) in {cwd}\n"
        f"--- stdout ---\n{completed.stdout}\n--- stderr ---\n{completed.stderr}"
    )
    return completed


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serve(project: Path, *, startup_seconds: float = 60, **env: str) -> Iterator[str]:
    """`uvicorn app.main:app` of `project` on a free port, with SECRET_KEY set and `env` on top
    (DATABASE_URL of the caller dropped). Yields the base URL once /health answers; the
    server is stopped on exit. A server that dies or never answers fails with its output;
    when the test fails, the output is printed (pytest shows it with the failure)."""
    environment = {**os.environ, "SECRET_KEY": SECRET_KEY}
    environment.pop("DATABASE_URL", None)
    environment.pop("TEST_DATABASE_URL", None)
    environment.update(env)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="fastgen-uvicorn-") as folder:
        log_path = Path(folder) / "uvicorn.log"

        def output() -> str:
            return log_path.read_text(encoding="utf-8", errors="replace")

        with log_path.open("w", encoding="utf-8") as log:
            server = subprocess.Popen(
                [sys.executable, "-m", "uvicorn", "app.main:app", "--port", str(port)],
                cwd=project,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            deadline = time.monotonic() + startup_seconds
            while True:
                try:
                    health = httpx.get(f"{base}/health", timeout=2)
                except httpx.TransportError:
                    assert server.poll() is None, f"uvicorn exited:\n{output()}"
                    assert time.monotonic() < deadline, (
                        f"uvicorn did not answer within {startup_seconds} s:\n{output()}"
                    )
                    time.sleep(0.2)
                    continue
                assert health.status_code == 200, health.text
                assert health.json()["status"] == "ok"
                break
            yield base
        except BaseException:
            print(f"--- uvicorn on port {port} ---\n{output()}")
            raise
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


def generate(tmp: Path, db: str, specs: list[Path]) -> Path:
    run([str(BIN / "fastgen"), "new", "bookshop", "--db", db, *BOOKSHOP_ROLES], tmp)
    project = tmp / "bookshop"
    run([str(BIN / "fastgen"), "add", "resource", *map(str, specs)], project)
    return project


# Four related resources: Author has_many Book, Review belongs_to Book, Tag many_to_many Book;
# access lists with roles and owners, rate limits, filters, sorting and includes.
BOOKSHOP_SPECS = [BOOKSHOP / f"{name}.yaml" for name in ("author", "book", "tag", "review")]


@pytest.fixture(scope="module")
def sqlite_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    specs = [*BOOKSHOP_SPECS, ALL_TYPES / "gadget.yaml"]
    return generate(tmp_path_factory.mktemp("sqlite"), "sqlite", specs)


@pytest.fixture(scope="module")
def postgres_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    specs = [*BOOKSHOP_SPECS, ALL_TYPES / "gadget.yaml"]
    return generate(tmp_path_factory.mktemp("postgres"), "postgresql", specs)


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


def test_postgres_migrations_and_generated_suite(
    postgres_project: Path, postgres_databases: tuple[str, str]
) -> None:
    app_url, test_url = postgres_databases
    run(["alembic", "upgrade", "head"], postgres_project, DATABASE_URL=app_url)
    check = run(["alembic", "check"], postgres_project, DATABASE_URL=app_url)
    assert "No new upgrade operations detected" in check.stdout + check.stderr
    # The downgrade drops the native enum types too, so upgrading again works.
    run(["alembic", "downgrade", "base"], postgres_project, DATABASE_URL=app_url)
    run(["alembic", "upgrade", "head"], postgres_project, DATABASE_URL=app_url)
    result = run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        postgres_project,
        TEST_DATABASE_URL=test_url,
    )
    assert " passed" in result.stdout and "failed" not in result.stdout


def test_postgres_project_is_ruff_and_mypy_clean(postgres_project: Path) -> None:
    run(["ruff", "check", "."], postgres_project)
    run(["ruff", "format", "--check", "."], postgres_project)
    run([sys.executable, "-m", "mypy", "--strict", "."], postgres_project)


def test_uvicorn_serves_docs_and_the_new_endpoints(sqlite_project: Path) -> None:
    url = f"sqlite+aiosqlite:///{sqlite_project / 'serve.db'}"
    run(["alembic", "upgrade", "head"], sqlite_project, DATABASE_URL=url)
    with serve(sqlite_project, DATABASE_URL=url) as base:
        docs = httpx.get(f"{base}/docs", timeout=5)
        assert docs.status_code == 200
        assert "swagger" in docs.text.lower()
        openapi = httpx.get(f"{base}/openapi.json", timeout=5)
        assert openapi.status_code == 200
        paths = openapi.json()["paths"]
    assert {"/authors", "/books", "/books/{book_id}", "/gadgets"} <= set(paths)
    assert {"/auth/token", "/auth/me"} <= set(paths)
