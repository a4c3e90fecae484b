"""Services for end-to-end tests. Without PostgreSQL a test is skipped locally, but fails when
FASTGEN_REQUIRE_SERVICES=1 (as in CI): a missing service never passes silently there."""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from collections.abc import Iterator

import pytest

POSTGRES_HOST = ("127.0.0.1", 5432)
POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def _reachable(address: tuple[str, int]) -> bool:
    try:
        with socket.create_connection(address, timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    if not _reachable(POSTGRES_HOST):
        message = "PostgreSQL is not reachable at 127.0.0.1:5432"
        if os.environ.get("FASTGEN_REQUIRE_SERVICES") == "1":
            pytest.fail(message + " (FASTGEN_REQUIRE_SERVICES=1)")
        pytest.skip(message)
    return POSTGRES_ADMIN_URL


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
