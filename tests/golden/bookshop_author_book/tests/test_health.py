"""GET /health/ready and its alias GET /health (each dependency), GET /health/live (the
process); none of them needs a token or spends a rate limit."""

import pytest
from httpx import AsyncClient

from app.core.config import Settings
from tests.outages import UseDatabase
from tests.outages import UseRateLimitStore

READY = pytest.mark.parametrize("path", ["/health/ready", "/health"])


@READY
async def test_health_reports_each_dependency(client: AsyncClient, path: str) -> None:
    response = await client.get(path)
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "rate_limit_store": "disabled"},
    }


async def test_health_checks_the_rate_limit_store_when_limits_are_on(
    client: AsyncClient, low_rate_limit: int
) -> None:
    response = await client.get("/health/ready")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "rate_limit_store": "ok"}


async def test_health_checks_spend_no_rate_limit(
    anon_client: AsyncClient, low_rate_limit: int
) -> None:
    for path in ["/health/live", "/health/ready", "/health"]:
        statuses = {(await anon_client.get(path)).status_code for _ in range(low_rate_limit + 2)}
        assert statuses == {200}, path


@READY
async def test_health_database_unavailable(
    anon_client: AsyncClient, use_database: UseDatabase, refused_address: str, path: str
) -> None:
    use_database(f"postgresql+asyncpg://app@{refused_address}/app")
    response = await anon_client.get(path)
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"].isdigit()
    assert response.json() == {
        "code": "service_unavailable",
        "message": "Unavailable: database",
        "details": [
            {"loc": ["checks", "database"], "message": "unavailable", "type": "unavailable"}
        ],
        "request_id": response.headers["x-request-id"],
    }
    live = await anon_client.get("/health/live")
    assert live.status_code == 200
    assert live.json() == {"status": "ok"}


async def test_health_rate_limit_store_unavailable(
    anon_client: AsyncClient,
    settings: Settings,
    use_rate_limit_store: UseRateLimitStore,
    refused_address: str,
) -> None:
    settings.rate_limit_enabled = True
    use_rate_limit_store(f"redis://{refused_address}/0")
    response = await anon_client.get("/health/ready")
    assert response.status_code == 503, response.text
    assert response.headers["retry-after"].isdigit()
    assert response.json()["details"] == [
        {"loc": ["checks", "rate_limit_store"], "message": "unavailable", "type": "unavailable"}
    ]


async def test_openapi_and_docs(client: AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()
    assert {"/health", "/health/live", "/health/ready"} <= set(schema["paths"])
    assert "ErrorResponse" in schema["components"]["schemas"]
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    assert (await client.get("/docs")).status_code == 200
