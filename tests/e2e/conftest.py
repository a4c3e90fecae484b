"""Services and generated projects for end-to-end tests.

Without PostgreSQL (or Redis) a test is skipped locally, but fails when
FASTGEN_REQUIRE_SERVICES=1 (as in CI): a missing service never passes silently there. What a
test makes on them is named after the run and the pytest-xdist worker (see tests/services.py)
and removed by the fixture that made it; the run fails, naming it, if anything is left.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from tests.e2e.tools import ProjectFactory, generate
from tests.project_cache import ProjectCache
from tests.services import (
    POSTGRES_ADMIN_URL,
    POSTGRES_HOST,
    POSTGRES_URL,
    REDIS_URL,
    create_databases,
    database_name,
    delete_redis_keys,
    drop_databases,
    missing,
    reachable,
    redis_key_prefix,
)


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


@pytest.fixture
def postgres_databases(postgres_admin_url: str) -> Iterator[tuple[str, str]]:
    """A fresh application database and test database on the real PostgreSQL, for this test
    alone: (app URL, test URL), postgresql+asyncpg URLs. Both are dropped afterwards."""
    names = (database_name("app"), database_name("test"))
    create_databases(*names)
    try:
        yield f"{POSTGRES_URL}/{names[0]}", f"{POSTGRES_URL}/{names[1]}"
    finally:
        drop_databases(*names)


@pytest.fixture
def redis_prefix(redis_url: str) -> Iterator[str]:
    """A Redis key prefix for this test alone (e.g. an app's RATE_LIMIT_KEY_PREFIX), so no
    test or run shares keys with another; its keys are deleted afterwards."""
    prefix = redis_key_prefix()
    try:
        yield prefix
    finally:
        delete_redis_keys(prefix)


@pytest.fixture(scope="session")
def project_factory(tmp_path_factory: pytest.TempPathFactory) -> ProjectFactory:
    """Make a generated project: `project_factory(specs, db, roles, name) -> Path`.

    The project is what `fastgen new NAME --db DB --role ROLE...` and then
    `fastgen add resource SPEC...` (when there are specs) write, run as commands in a
    subprocess. It is generated once per test run for the same inputs (spec file names and
    contents, database, roles, name), whichever worker asks first, and every call returns a
    fresh copy in a new temporary folder (`.../<name>`), so a test may migrate, edit, serve or
    evolve it without touching another test's copy. Nothing is migrated yet: the copy has no
    database file.

    End-to-end tests that need a generated project use this rather than generating their own:
    `project = project_factory([BOOKSHOP / "author.yaml", BOOKSHOP / "book.yaml"],
    "postgresql", ["editor"])` (tests.e2e.tools has BOOKSHOP and ALL_TYPES).
    """
    cache = ProjectCache.for_run(tmp_path_factory)

    def make(
        specs: Sequence[Path] = (),
        db: str = "sqlite",
        roles: Sequence[str] = (),
        name: str = "bookshop",
    ) -> Path:
        key = {
            "name": name,
            "db": db,
            "roles": list(roles),
            "specs": [[spec.name, spec.read_text(encoding="utf-8")] for spec in specs],
        }
        template = cache.template(key, lambda folder: generate(folder, name, db, roles, specs))
        return cache.copy(template, tmp_path_factory.mktemp(name))

    return make
