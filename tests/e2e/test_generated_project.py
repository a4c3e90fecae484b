"""End to end: generate the bookshop in a temporary folder, then run the generated project's own
migrations, `alembic check`, test suite, ruff and mypy in subprocesses, on SQLite and on the
real PostgreSQL."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
BOOKSHOP = REPO / "examples" / "bookshop"
ALL_TYPES = REPO / "examples" / "all_types"
BIN = Path(sys.executable).parent


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


def generate(tmp: Path, db: str, specs: list[Path]) -> Path:
    run([str(BIN / "fastgen"), "new", "bookshop", "--db", db], tmp)
    project = tmp / "bookshop"
    run([str(BIN / "fastgen"), "add", "resource", *map(str, specs)], project)
    return project


@pytest.fixture(scope="module")
def sqlite_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    specs = [BOOKSHOP / "author.yaml", BOOKSHOP / "book.yaml", ALL_TYPES / "gadget.yaml"]
    return generate(tmp_path_factory.mktemp("sqlite"), "sqlite", specs)


@pytest.fixture(scope="module")
def postgres_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    specs = [BOOKSHOP / "author.yaml", BOOKSHOP / "book.yaml", ALL_TYPES / "gadget.yaml"]
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
    import json
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"sqlite+aiosqlite:///{sqlite_project / 'serve.db'}"
    run(["alembic", "upgrade", "head"], sqlite_project, DATABASE_URL=url)
    env = {**os.environ, "DATABASE_URL": url}
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "app.main:app", "--port", str(port)],
        cwd=sqlite_project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{base}/health", timeout=2) as response:
                    assert json.load(response) == {"status": "ok"}
                break
            except OSError:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                assert time.monotonic() < deadline, "uvicorn did not answer within 30 s"
                time.sleep(0.2)
        with urllib.request.urlopen(f"{base}/docs", timeout=5) as response:
            assert response.status == 200
            assert "swagger" in response.read().decode().lower()
        with urllib.request.urlopen(f"{base}/openapi.json", timeout=5) as response:
            paths = json.load(response)["paths"]
        assert {"/authors", "/books", "/books/{book_id}", "/gadgets"} <= set(paths)
    finally:
        server.terminate()
        server.wait(timeout=10)
