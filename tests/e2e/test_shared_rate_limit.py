"""End to end: two uvicorn instances of one generated app spend one shared rate-limit budget when
their counters live in Redis (RATE_LIMIT_STORAGE_URL=redis://...), and a budget each when they
count in memory (memory://).

A fresh project (no resources) is generated and migrated on a SQLite file; both instances serve
it from the same database. Failed logins (POST /auth/token with wrong credentials: 401) go to
the instances in turn, with every declared limit lowered to RATE_LIMIT_OVERRIDE=4/minute. Both
instances see the caller as the same client address, so with Redis the fifth request in total
is refused (429), whichever instance gets it; in memory each instance allows its own four.
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest
import redis

from tests.e2e.tools import ProjectFactory, run, serve
from tests.services import redis_key_prefix

pytestmark = pytest.mark.e2e

LIMIT = 4
WRONG_LOGIN = {"username": "nobody@example.com", "password": "not the password"}


@pytest.fixture(scope="module")
def migrated_project(project_factory: ProjectFactory) -> tuple[Path, str]:
    """A fresh `fastgen new` project migrated to head on a SQLite file, and that file's URL."""
    project = project_factory(name="shop")
    url = f"sqlite+aiosqlite:///{project / 'app.db'}"
    run(["alembic", "upgrade", "head"], project, DATABASE_URL=url)
    return project, url


def _instances(
    stack: ExitStack, project: Path, database_url: str, storage_url: str, key_prefix: str
) -> tuple[str, str]:
    """Two uvicorn processes of the same app and settings; stopped when `stack` closes."""
    env = {
        "DATABASE_URL": database_url,
        "RATE_LIMIT_ENABLED": "true",
        "RATE_LIMIT_STORAGE_URL": storage_url,
        "RATE_LIMIT_OVERRIDE": f"{LIMIT}/minute",
        "RATE_LIMIT_KEY_PREFIX": key_prefix,
        "REQUIRE_AUTHENTICATION": "false",
        "DEBUG": "false",
    }
    first = stack.enter_context(serve(project, **env))
    second = stack.enter_context(serve(project, **env))
    return first, second


def _login(client: httpx.Client, base: str) -> httpx.Response:
    return client.post(f"{base}/auth/token", data=WRONG_LOGIN)


def _assert_refused_login(response: httpx.Response) -> None:
    assert response.status_code == 401, (response.status_code, response.text)
    assert response.json()["code"] == "unauthorized"


def _assert_rate_limited(response: httpx.Response) -> None:
    assert response.status_code == 429, (response.status_code, response.text)
    retry_after = response.headers.get("Retry-After")
    assert retry_after is not None and retry_after.isdigit(), response.headers
    assert 1 <= int(retry_after) <= 60, retry_after
    body = response.json()
    assert body["code"] == "rate_limited", body
    assert body["message"], body


def test_two_instances_share_one_budget_through_redis(
    migrated_project: tuple[Path, str], redis_url: str, redis_prefix: str
) -> None:
    project, database_url = migrated_project
    with ExitStack() as stack, httpx.Client(timeout=30) as client:
        a, b = _instances(stack, project, database_url, redis_url, redis_prefix)
        for number in range(LIMIT):  # A, B, A, B: four requests in total
            _assert_refused_login(_login(client, (a, b)[number % 2]))
        # The fifth goes to A, which has counted only two itself: refused all the same.
        _assert_rate_limited(_login(client, a))
        _assert_rate_limited(_login(client, b))
    # The counters are in Redis, under this run's prefix.
    connection = redis.Redis.from_url(redis_url)
    try:
        assert list(connection.scan_iter(match=f"{redis_prefix}*")), "no rate-limit keys in Redis"
    finally:
        connection.close()


def test_in_memory_each_instance_has_its_own_budget(migrated_project: tuple[Path, str]) -> None:
    """The control (no Redis needed): the same requests with memory:// counters. Each
    instance allows its own four, so eight requests in turn are all answered; only then does
    each refuse."""
    project, database_url = migrated_project
    key_prefix = redis_key_prefix()
    with ExitStack() as stack, httpx.Client(timeout=30) as client:
        a, b = _instances(stack, project, database_url, "memory://", key_prefix)
        for number in range(2 * LIMIT):
            _assert_refused_login(_login(client, (a, b)[number % 2]))
        _assert_rate_limited(_login(client, a))
        _assert_rate_limited(_login(client, b))
