"""The real services some tests use. Without one, a test is skipped locally but fails when
FASTGEN_REQUIRE_SERVICES=1 (as in CI): a missing service never passes silently there."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
from collections.abc import Iterator
from typing import NoReturn

import pytest

POSTGRES_HOST = ("127.0.0.1", 5432)
POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS_URL = "redis://127.0.0.1:6379/0"


def reachable(address: tuple[str, int]) -> bool:
    try:
        with socket.create_connection(address, timeout=2):
            return True
    except OSError:
        return False


def missing(message: str) -> NoReturn:
    """Fail under FASTGEN_REQUIRE_SERVICES=1, skip otherwise."""
    if os.environ.get("FASTGEN_REQUIRE_SERVICES") == "1":
        pytest.fail(message + " (FASTGEN_REQUIRE_SERVICES=1)")
    pytest.skip(message)


@contextlib.contextmanager
def postgres_databases(*names: str) -> Iterator[list[str]]:
    """New, empty databases on the real PostgreSQL (skipped or failed as `missing` says when it
    is not reachable), dropped afterwards: their asyncpg URLs, in the order of `names`."""
    if not reachable(POSTGRES_HOST):
        missing("PostgreSQL is not reachable at 127.0.0.1:5432")
    import asyncpg  # type: ignore[import-untyped]

    async def admin(statements: list[str]) -> None:
        connection = await asyncpg.connect(POSTGRES_ADMIN_URL)
        try:
            for statement in statements:
                await connection.execute(statement)
        finally:
            await connection.close()

    asyncio.run(admin([f'CREATE DATABASE "{name}"' for name in names]))
    try:
        yield [f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}" for name in names]
    finally:
        asyncio.run(admin([f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in names]))
