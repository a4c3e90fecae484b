"""Every error response uses the ErrorResponse shape."""

from collections.abc import AsyncIterator

import pytest
from fastapi import APIRouter
from fastapi import FastAPI
from fastapi import HTTPException
from httpx import ASGITransport
from httpx import AsyncClient
from pydantic import BaseModel
from pydantic import field_validator

from app.core.errors import ERROR_RESPONSES
from app.core.errors import ConflictError
from app.core.errors import ErrorResponse
from app.core.errors import NotFoundError
from app.core.errors import register_exception_handlers


class Payload(BaseModel):
    name: str
    quantity: int

    @field_validator("name")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value


probe = APIRouter(prefix="/probe", responses=ERROR_RESPONSES)


@probe.post("/items")
async def create_item(payload: Payload) -> Payload:
    return payload


@probe.get("/items/{item_id}")
async def read_item(item_id: int) -> None:
    raise NotFoundError("Book", item_id)


@probe.get("/conflict")
async def conflict() -> None:
    raise ConflictError("Title already exists")


@probe.get("/unauthorized")
async def unauthorized() -> None:
    raise HTTPException(
        status_code=401,
        detail="Not authenticated",
        headers={"WWW-Authenticate": "Bearer"},
    )


@probe.get("/slow-dependency")
async def slow_dependency() -> None:
    raise TimeoutError("the database did not answer")


@probe.get("/boom")
async def boom() -> None:
    raise RuntimeError("secret internal detail")


@pytest.fixture
async def probe_client() -> AsyncIterator[AsyncClient]:
    """A separate app with the same handlers and test-only routes."""
    probe_app = FastAPI()
    register_exception_handlers(probe_app)
    probe_app.include_router(probe)
    transport = ASGITransport(app=probe_app, raise_app_exceptions=False)
    async with AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


async def test_unknown_route_is_404(client: AsyncClient) -> None:
    response = await client.get("/no-such-route")
    assert response.status_code == 404
    body = ErrorResponse.model_validate(response.json())
    assert body.code == "not_found"
    assert response.json() == {
        "code": "not_found",
        "message": "Not Found",
        "details": [],
        "request_id": response.headers["x-request-id"],
    }


async def test_wrong_method_is_405(client: AsyncClient) -> None:
    response = await client.delete("/health")
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert "GET" in response.headers["allow"]


async def test_validation_error_is_422(probe_client: AsyncClient) -> None:
    response = await probe_client.post("/probe/items", json={"name": "  ", "quantity": "many"})
    assert response.status_code == 422
    body = ErrorResponse.model_validate(response.json())
    assert body.code == "validation_error"
    locs = {tuple(detail.loc) for detail in body.details}
    assert locs == {("body", "name"), ("body", "quantity")}
    assert all(detail.message and detail.type for detail in body.details)


async def test_path_validation_error_is_422(probe_client: AsyncClient) -> None:
    response = await probe_client.get("/probe/items/abc")
    assert response.status_code == 422
    assert response.json()["details"][0]["loc"] == ["path", "item_id"]


async def test_not_found_error(probe_client: AsyncClient) -> None:
    response = await probe_client.get("/probe/items/42")
    assert response.status_code == 404
    assert response.json() == {
        "code": "not_found",
        "message": "Book 42 not found",
        "details": [],
        "request_id": None,  # the probe app has no RequestIdMiddleware
    }


async def test_conflict_error(probe_client: AsyncClient) -> None:
    response = await probe_client.get("/probe/conflict")
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert response.json()["message"] == "Title already exists"


async def test_http_exception_keeps_headers(probe_client: AsyncClient) -> None:
    response = await probe_client.get("/probe/unauthorized")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["code"] == "unauthorized"


async def test_unexpected_exception_is_500(probe_client: AsyncClient) -> None:
    response = await probe_client.get("/probe/boom")
    assert response.status_code == 500
    assert response.json() == {
        "code": "internal_error",
        "message": "Internal server error",
        "details": [],
        "request_id": None,
    }
    assert "secret" not in response.text


async def test_a_dependency_that_times_out_is_503(probe_client: AsyncClient) -> None:
    response = await probe_client.get("/probe/slow-dependency")
    assert response.status_code == 503
    assert response.headers["retry-after"].isdigit()
    assert response.json() == {
        "code": "service_unavailable",
        "message": "Service unavailable: a dependency did not answer",
        "details": [],
        "request_id": None,
    }


async def test_openapi_documents_error_schema(client: AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()
    responses = schema["paths"]["/health"]["get"]["responses"]
    assert responses["4XX"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorResponse"
    }
