"""End to end: the generated API is fuzzed over HTTP with schemathesis, from its own OpenAPI
document. A project with the bookshop (author, book) and the all-types gadget is generated, a
fuzz test is written into it, and its pytest runs that test in a subprocess: for every operation
a bounded number of generated requests, valid and invalid, none may get a 5xx or a response
(status code, content type, headers, body) that the document does not declare. On SQLite, and
on the real PostgreSQL, whose INTEGER and text columns refuse values SQLite takes.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from tests.e2e.tools import ALL_TYPES, BOOKSHOP, SECRET_KEY, ProjectFactory, run

pytestmark = pytest.mark.e2e

HTTP_METHODS = {"get", "put", "post", "patch", "delete", "head", "options", "trace"}

FUZZ_FILE = "tests/test_fuzz_openapi.py"
# Written into the generated project as FUZZ_FILE.
FUZZ_TEST = '''"""Fuzz every operation of the API from its own OpenAPI document (schemathesis).

Every generated request, valid or not, must get a response that is not a 5xx and whose
status code, content type, headers and body are the ones the document declares. Each
operation starts on the same few rows of every resource (made by the test-data factories),
so generated ids and references find rows too. Requests carry the token of an account
holding every role, so they reach the handlers instead of stopping at the access rules. The
database is `TEST_DATABASE_URL` when set, otherwise a fresh SQLite file.
"""

import asyncio
import importlib
import os
import pkgutil
from collections.abc import AsyncIterator
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from httpx import ASGITransport
from httpx import AsyncClient
from hypothesis import HealthCheck
from hypothesis import settings
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy import pool
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

import tests.factories
from app import models  # noqa: F401  (registers every table on SQLModel.metadata)
from app.core import passwords
from app.core.config import get_settings
from app.core.db import build_engine
from app.core.db import build_sessionmaker
from app.core.db import get_session
from app.core.roles import ROLES
from app.core.security import create_access_token
from app.main import app
from app.models.user import User

ROWS_PER_RESOURCE = 3
# The response side of the contract. Left out: whether requests are refused exactly as the
# request schemas say (pydantic's lax mode takes 0 as a date, for one), Allow on 405 answers.
CHECKS = [
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
]
config = schemathesis.Config.from_dict(
    {"checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}}}
)
schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=config)
auth_headers: dict[str, str] = {}
"""Authorization of the account every request acts as (made afresh with the rows)."""


async def _create_tables(engine: AsyncEngine) -> None:
    async with engine.begin() as conn:
        await conn.run_sync(SQLModel.metadata.drop_all)
        await conn.run_sync(SQLModel.metadata.create_all)


async def _fresh_rows(engine: AsyncEngine) -> None:
    """Empty every table (ids start at 1 again), add an account holding every role, then a
    few rows of every resource through the API, as that account."""
    tables = SQLModel.metadata.sorted_tables
    async with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            names = ", ".join(conn.dialect.identifier_preparer.format_table(t) for t in tables)
            await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(tables):
                await conn.execute(table.delete())
    async with build_sessionmaker(engine)() as session:
        actor = User(
            email="fuzz@example.com",
            password_hash=passwords.hash_password("fuzz password"),
            roles=list(ROLES),
        )
        session.add(actor)
        await session.commit()
        await session.refresh(actor)
    assert actor.id is not None
    token = create_access_token(actor.id, get_settings())
    auth_headers["Authorization"] = f"Bearer {token}"
    async with AsyncClient(
        transport=ASGITransport(app=app), base_url="http://test", headers=auth_headers
    ) as client:
        for module in pkgutil.iter_modules(tests.factories.__path__):
            factories = importlib.import_module(f"tests.factories.{module.name}")
            for _ in range(ROWS_PER_RESOURCE):
                await getattr(factories, f"create_{module.name}")(client)


@pytest.fixture(scope="module")
def fuzz_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AsyncEngine]:
    """The app talks to the test database, with all tables created, for the whole module."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('fuzz') / 'fuzz.db'}"
    # No pool: requests run on schemathesis' event loop, the set-up on its own.
    test_engine = build_engine(url, poolclass=pool.NullPool)
    asyncio.run(_create_tables(test_engine))
    session_factory = build_sessionmaker(test_engine)

    async def override_get_session() -> AsyncIterator[AsyncSession]:
        async with session_factory() as request_session:
            yield request_session

    # Hashing at its production cost would take most of the run; the code path is the same.
    hasher = passwords._hasher
    passwords._hasher = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024),))
    app.dependency_overrides[get_session] = override_get_session
    try:
        yield test_engine
    finally:
        app.dependency_overrides.clear()
        passwords._hasher = hasher


@pytest.fixture(autouse=True)
def rows(fuzz_engine: AsyncEngine) -> None:
    """Every operation starts on the same rows."""
    asyncio.run(_fresh_rows(fuzz_engine))


@schema.parametrize()
@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api(case: schemathesis.Case[Any]) -> None:
    case.call_and_validate(headers=dict(auth_headers))
'''


@pytest.fixture
def fuzz_project(project_factory: ProjectFactory) -> Path:
    specs = [BOOKSHOP / "author.yaml", BOOKSHOP / "book.yaml", ALL_TYPES / "gadget.yaml"]
    project = project_factory(specs, "sqlite", ["editor"])
    (project / FUZZ_FILE).write_text(FUZZ_TEST, encoding="utf-8")
    return project


def _operation_count(project: Path) -> int:
    script = "import json; from app.main import app; print(json.dumps(app.openapi()['paths']))"
    paths = json.loads(run([sys.executable, "-c", script], project, SECRET_KEY=SECRET_KEY).stdout)
    return sum(1 for methods in paths.values() for method in methods if method in HTTP_METHODS)


def _fuzz(project: Path, **env: str) -> None:
    # The app refuses to start without a real SECRET_KEY: set it rather than rely on the
    # generated conftest (loaded before FUZZ_FILE imports app.main). Rate limits off: every
    # operation gets many more requests a minute than the specs allow, and 429s would hide
    # the handlers (the generated suite tests the limits).
    result = run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", FUZZ_FILE],
        project,
        SECRET_KEY=SECRET_KEY,
        RATE_LIMIT_ENABLED="false",
        **env,
    )
    summary = result.stdout.strip().splitlines()[-1]
    passed = re.search(r"(\d+) passed", summary)
    # One test per operation; none skipped, so every operation was fuzzed.
    assert passed is not None and int(passed.group(1)) == _operation_count(project), summary
    assert not re.search(r"failed|error|skipped|deselected", summary), summary


def test_fuzz_on_sqlite(fuzz_project: Path) -> None:
    _fuzz(fuzz_project)


def test_fuzz_on_postgres(fuzz_project: Path, postgres_databases: tuple[str, str]) -> None:
    _fuzz(fuzz_project, TEST_DATABASE_URL=postgres_databases[1])
