"""The real services some tests use. Without one, a test is skipped locally but fails when
FASTGEN_REQUIRE_SERVICES=1 (as in CI): a missing service never passes silently there.

Names the tests make on a shared service carry the test run's id and the pytest-xdist worker's
id, so two runs, or two workers of one run, never touch each other's databases or keys, and what
a run leaves behind can be found (`leftovers`) and named at its end.
"""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, NoReturn

import pytest

if TYPE_CHECKING:
    import redis

POSTGRES_HOST = ("127.0.0.1", 5432)
POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432"
"""A database's URL for the apps and tools under test is POSTGRES_URL/<name>."""
REDIS_HOST = ("127.0.0.1", 6379)
REDIS_URL = "redis://127.0.0.1:6379/0"

DATABASE_PREFIX = "fastgen_e2e_"
"""Every PostgreSQL database a test creates is named DATABASE_PREFIX<run>_<worker>_..."""
REDIS_PREFIX = "fastgen-e2e-"
"""Every Redis key a test makes starts with REDIS_PREFIX<run>-<worker>-..."""
RUN_VARIABLE = "FASTGEN_TEST_RUN"
"""Holds the run's id: set by the first pytest process (the controller under pytest-xdist)
before its workers start, so they inherit it."""


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


def run_id() -> str:
    """This test run's id (8 hex digits), made on first use."""
    return os.environ.setdefault(RUN_VARIABLE, uuid.uuid4().hex[:8])


def worker_id() -> str:
    """The pytest-xdist worker running this process (`gw0`, `gw1`...), `main` without xdist."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def database_name(purpose: str) -> str:
    """A new PostgreSQL database name of this run and worker, e.g.
    `fastgen_e2e_1a2b3c4d_gw0_5e6f7a8b9c_test` for purpose "test" (at most 63 bytes)."""
    name = f"{DATABASE_PREFIX}{run_id()}_{worker_id()}_{uuid.uuid4().hex[:10]}_{purpose}"
    assert len(name.encode()) <= 63, name
    return name


def redis_key_prefix() -> str:
    """A new Redis key prefix of this run and worker: `fastgen-e2e-<run>-<worker>-<uuid>`."""
    return f"{REDIS_PREFIX}{run_id()}-{worker_id()}-{uuid.uuid4().hex}"


async def _postgres(statements: list[str], query: str | None = None) -> list[str]:
    import asyncpg  # type: ignore[import-untyped]

    connection = await asyncpg.connect(POSTGRES_ADMIN_URL)
    try:
        for statement in statements:
            await connection.execute(statement)
        if query is None:
            return []
        return [str(row[0]) for row in await connection.fetch(query)]
    finally:
        await connection.close()


def create_databases(*names: str) -> None:
    asyncio.run(_postgres([f'CREATE DATABASE "{name}"' for name in names]))


def drop_databases(*names: str) -> None:
    asyncio.run(_postgres([f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)' for name in names]))


@contextmanager
def postgres_databases(*purposes: str) -> Iterator[list[str]]:
    """New, empty databases on the real PostgreSQL, one per purpose and named for this run and
    worker (see `database_name`), dropped afterwards: their asyncpg URLs, in order. Skipped or
    failed as `missing` says when PostgreSQL is not reachable."""
    if not reachable(POSTGRES_HOST):
        missing("PostgreSQL is not reachable at 127.0.0.1:5432")
    names = [database_name(purpose) for purpose in purposes]
    create_databases(*names)
    try:
        yield [f"{POSTGRES_URL}/{name}" for name in names]
    finally:
        drop_databases(*names)


@contextmanager
def _redis() -> Iterator[redis.Redis]:
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_timeout=5, socket_connect_timeout=5)
    try:
        yield client
    finally:
        client.close()


def delete_redis_keys(prefix: str) -> None:
    """Delete every Redis key starting with `prefix`."""
    with _redis() as client:
        keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
        if keys:
            client.delete(*keys)


@dataclass(frozen=True)
class Leftovers:
    """Databases and Redis keys a test run made and did not remove."""

    databases: tuple[str, ...] = ()
    redis_keys: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.databases or self.redis_keys)

    def lines(self) -> list[str]:
        return [f"PostgreSQL database {name}" for name in self.databases] + [
            f"Redis key {key}" for key in self.redis_keys
        ]

    def remove(self) -> None:
        if self.databases:
            drop_databases(*self.databases)
        if self.redis_keys:
            with _redis() as client:
                client.delete(*self.redis_keys)


def leftovers(run: str) -> Leftovers:
    """What the test run `run` made on PostgreSQL and Redis (by their names: see
    `database_name`, `redis_key_prefix`) and is still there. A service that is not reachable
    has nothing left."""
    databases: list[str] = []
    keys: list[str] = []
    if reachable(POSTGRES_HOST):
        prefix = f"{DATABASE_PREFIX}{run}_"
        names = asyncio.run(_postgres([], "SELECT datname FROM pg_database"))
        databases = [name for name in names if name.startswith(prefix)]
    if reachable(REDIS_HOST):
        with _redis() as client:
            found = client.scan_iter(match=f"{REDIS_PREFIX}{run}-*", count=1000)
            keys = [key.decode(errors="replace") for key in found]
    return Leftovers(tuple(sorted(databases)), tuple(sorted(keys)))
