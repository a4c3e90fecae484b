"""GET /health."""

import pytest
from httpx import AsyncClient
from sqlalchemy.exc import OperationalError
from sqlmodel.ext.asyncio.session import AsyncSession


async def test_health_ok(client: AsyncClient) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_health_database_unavailable(
    client: AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def failing_scalar(*_args: object, **_kwargs: object) -> object:
        raise OperationalError("SELECT 1", {}, ConnectionRefusedError())

    monkeypatch.setattr(AsyncSession, "scalar", failing_scalar)
    response = await client.get("/health")
    assert response.status_code == 503
    assert response.json()["code"] == "service_unavailable"


async def test_openapi_and_docs(client: AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()
    assert "/health" in schema["paths"]
    assert "ErrorResponse" in schema["components"]["schemas"]
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    assert (await client.get("/docs")).status_code == 200
