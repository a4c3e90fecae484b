"""Services for end-to-end tests. Without PostgreSQL (or Redis) a test is skipped locally, but
fails when FASTGEN_REQUIRE_SERVICES=1 (as in CI): a missing service never passes silently there."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Iterator

import pytest

from tests.services import POSTGRES_ADMIN_URL, POSTGRES_HOST, REDIS_URL, missing, reachable


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    if not reachable(POSTGRES_HOST):
        missing("PostgreSQL is not reachable at 127.0.0.1:5432")
    return POSTGRES_ADMIN_URL


@pytest.fixture(scope="session")
def redis_url() -> str:
    """The real Redis (database 0); it must answer PING."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_timeout=2, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        missing(f"Redis is not reachable at {REDIS_URL}: {exc}")
    finally:
        client.close()
    return REDIS_URL


@pytest.fixture(scope="module")
def postgres_databases(postgres_admin_url: str) -> Iterator[tuple[str, str]]:
    """A fresh application database and test database on the real PostgreSQL."""
    import asyncpg  # type: ignore[import-untyped]

    suffix = uuid.uuid4().hex[:10]
    names = (f"fastgen_e2e_{suffix}", f"fastgen_e2e_{suffix}_test")

    async def admin(statements: list[str]) -> None:
        connection = await asyncpg.connect(postgres_admin_url)
        try:
            for statement in statements:
                await connection.execute(statement)
        finally:
            await connection.close()

    asyncio.run(admin([f'CREATE DATABASE "{name}"' for name in names]))
    base = "postgresql+asyncpg://postgres@127.0.0.1:5432"
    try:
        yield f"{base}/{names[0]}", f"{base}/{names[1]}"
    finally:
        asyncio.run(admin([f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in names]))
