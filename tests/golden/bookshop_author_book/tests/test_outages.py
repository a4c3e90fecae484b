"""Outages answer 503 with `Retry-After` in the error schema, within the configured timeouts:
a database that refuses connections, one that accepts and never answers, a rate-limit store
that is down (credentials refused, declared limits let through, each by its setting)."""

import os
import time

import pytest
from fastapi import APIRouter
from fastapi import Depends
from fastapi import FastAPI
from httpx import ASGITransport
from httpx import AsyncClient
from httpx import Response
from sqlalchemy import text

from app.core.config import Settings
from app.core.config import get_settings
from app.core.db import build_engine
from app.core.db import engine_options
from app.core.errors import DatabaseUnavailableError
from app.core.errors import register_exception_handlers
from app.core.rate_limit import get_rate_limiter
from app.core.rate_limit import rate_limit
from app.models.user import User
from tests.conftest import ClientFor
from tests.conftest import MakeUser
from tests.outages import UseDatabase
from tests.outages import UseRateLimitStore

WRONG_LOGIN = {"username": "nobody@example.com", "password": "not the password"}


def assert_unavailable(response: Response, message: str) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"].isdigit(), response.headers
    assert response.json() == {
        "code": "service_unavailable",
        "message": message,
        "details": [],
        "request_id": response.headers.get("x-request-id"),  # none from a probe app
    }


@pytest.mark.parametrize(
    "url",
    ["postgresql+asyncpg://app@{refused}/app", "sqlite+aiosqlite:////no-such-folder/app.db"],
    ids=["postgresql-refused", "sqlite-missing-folder"],
)
async def test_unreachable_database_is_503(
    client_for: ClientFor,
    make_user: MakeUser,
    use_database: UseDatabase,
    refused_address: str,
    url: str,
) -> None:
    user = await make_user()
    use_database(url.format(refused=refused_address))
    assert_unavailable(
        await client_for(None).post("/auth/token", data=WRONG_LOGIN), "Database unavailable"
    )
    assert_unavailable(await client_for(user).get("/auth/me"), "Database unavailable")


async def test_silent_database_is_503_within_the_connect_timeout(
    anon_client: AsyncClient, settings: Settings, use_database: UseDatabase, silent_address: str
) -> None:
    settings.database_connect_timeout = 0.5
    use_database(f"postgresql+asyncpg://app@{silent_address}/app")
    started = time.monotonic()
    response = await anon_client.post("/auth/token", data=WRONG_LOGIN)
    assert_unavailable(response, "Database unavailable")
    assert time.monotonic() - started < 3


@pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
    reason="the statement timeout is PostgreSQL's (run with TEST_DATABASE_URL)",
)
async def test_slow_statement_ends_at_the_statement_timeout(settings: Settings) -> None:
    url = os.environ["TEST_DATABASE_URL"]
    settings.database_statement_timeout = 0.3
    slow = build_engine(url, **engine_options(url, settings))
    started = time.monotonic()
    try:
        with pytest.raises(DatabaseUnavailableError):
            async with slow.connect() as connection:
                await connection.execute(text("SELECT pg_sleep(5)"))
    finally:
        await slow.dispose()
    assert time.monotonic() - started < 3


def test_database_timeouts_come_from_the_settings() -> None:
    settings = Settings(database_connect_timeout=2, database_statement_timeout=7)
    assert engine_options("postgresql+asyncpg://app@db/app", settings) == {
        "pool_timeout": 2,
        "connect_args": {"timeout": 2, "command_timeout": 7},
    }
    assert engine_options("sqlite+aiosqlite:///app.db", settings) == {
        "connect_args": {"timeout": 2}
    }


async def test_rate_limit_store_down_closes_login_and_registration(
    anon_client: AsyncClient,
    low_rate_limit: int,
    use_rate_limit_store: UseRateLimitStore,
    refused_address: str,
) -> None:
    use_rate_limit_store(f"redis://{refused_address}/0")
    message = "Rate limiting is unavailable"
    assert_unavailable(await anon_client.post("/auth/token", data=WRONG_LOGIN), message)
    payload = {"email": "new@example.com", "password": "a long enough password"}
    assert_unavailable(await anon_client.post("/auth/register", json=payload), message)


async def test_rate_limit_store_down_with_credentials_failing_open(
    anon_client: AsyncClient,
    settings: Settings,
    low_rate_limit: int,
    use_rate_limit_store: UseRateLimitStore,
    refused_address: str,
) -> None:
    settings.rate_limit_credentials_fail_open = True
    use_rate_limit_store(f"redis://{refused_address}/0")
    for _ in range(low_rate_limit + 1):  # not limited: the store cannot count
        response = await anon_client.post("/auth/token", data=WRONG_LOGIN)
        assert response.status_code == 401, response.text


async def test_silent_rate_limit_store_is_503_within_its_timeout(
    anon_client: AsyncClient,
    settings: Settings,
    low_rate_limit: int,
    use_rate_limit_store: UseRateLimitStore,
    silent_address: str,
) -> None:
    settings.rate_limit_storage_timeout = 0.3
    use_rate_limit_store(f"redis://{silent_address}/0")
    started = time.monotonic()
    response = await anon_client.post("/auth/token", data=WRONG_LOGIN)
    assert_unavailable(response, "Rate limiting is unavailable")
    assert time.monotonic() - started < 3


@pytest.fixture
def limited_client(
    settings: Settings, use_rate_limit_store: UseRateLimitStore, refused_address: str
) -> AsyncClient:
    """A client of a small app with one route under a declared limit (`limits:` of a spec),
    counting in a store that is down."""
    probe = APIRouter()

    @probe.get("/limited", dependencies=[Depends(rate_limit("probe", "read", own="5/minute"))])
    async def limited() -> dict[str, str]:
        return {"status": "ok"}

    probe_app = FastAPI()
    register_exception_handlers(probe_app)
    probe_app.include_router(probe)
    settings.rate_limit_enabled = True
    store = use_rate_limit_store(f"redis://{refused_address}/0")
    probe_app.dependency_overrides[get_settings] = lambda: settings
    probe_app.dependency_overrides[get_rate_limiter] = lambda: store
    return AsyncClient(transport=ASGITransport(app=probe_app), base_url="http://test")


async def test_rate_limit_store_down_lets_declared_limits_through(
    limited_client: AsyncClient,
) -> None:
    async with limited_client as http:
        for _ in range(10):  # twice the limit: nothing counts
            response = await http.get("/limited")
            assert response.status_code == 200, response.text


async def test_rate_limit_store_down_with_declared_limits_failing_closed(
    limited_client: AsyncClient, settings: Settings
) -> None:
    settings.rate_limit_fail_open = False
    async with limited_client as http:
        assert_unavailable(await http.get("/limited"), "Rate limiting is unavailable")


async def test_a_constraint_violation_is_not_an_outage(
    anon_client: AsyncClient, make_user: MakeUser
) -> None:
    user: User = await make_user(email="taken@example.com")
    payload = {"email": user.email, "password": "a long enough password"}
    response = await anon_client.post("/auth/register", json=payload)
    assert response.status_code == 409, response.text
