"""Shared fixtures: a clean test database per test, a session on it and an HTTP client.

The test database is `TEST_DATABASE_URL` when set (e.g. PostgreSQL), otherwise a
fresh SQLite file in the test's tmp_path.
"""

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from httpx import ASGITransport
from httpx import AsyncClient
from sqlalchemy import pool
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from app import models  # noqa: F401  (registers every table on SQLModel.metadata)
from app.core.db import build_engine
from app.core.db import build_sessionmaker
from app.core.db import get_session
from app.main import app

_schema_ready: set[str] = set()


async def _reset_database(engine: AsyncEngine, url: str) -> None:
    """Leave every table of SQLModel.metadata existing and empty."""
    tables = SQLModel.metadata.sorted_tables
    async with engine.begin() as conn:
        if url not in _schema_ready:
            # First use in this run: rebuild the schema from the current models.
            await conn.run_sync(SQLModel.metadata.drop_all)
            await conn.run_sync(SQLModel.metadata.create_all)
            _schema_ready.add(url)
        elif tables:
            preparer = conn.dialect.identifier_preparer
            names = ", ".join(preparer.format_table(table) for table in tables)
            await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """Async engine on an empty test database with all tables created."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        test_engine = build_engine(url, poolclass=pool.NullPool)
        await _reset_database(test_engine, url)
    else:
        test_engine = build_engine(f"sqlite+aiosqlite:///{tmp_path / 'test.db'}")
        async with test_engine.begin() as conn:
            await conn.run_sync(SQLModel.metadata.create_all)
    try:
        yield test_engine
    finally:
        await test_engine.dispose()


@pytest.fixture
async def session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """A session on the test database (commit to make data visible to `client`)."""
    async with build_sessionmaker(engine)() as test_session:
        yield test_session


@pytest.fixture
async def client(engine: AsyncEngine) -> AsyncIterator[AsyncClient]:
    """HTTP client calling the app in-process; the app uses the test database."""
    session_factory = build_sessionmaker(engine)

    async def override_get_session() -> AsyncIterator[AsyncSession]:
        async with session_factory() as request_session:
            yield request_session

    app.dependency_overrides[get_session] = override_get_session
    try:
        transport = ASGITransport(app=app)
        async with AsyncClient(transport=transport, base_url="http://test") as http:
            yield http
    finally:
        app.dependency_overrides.clear()
