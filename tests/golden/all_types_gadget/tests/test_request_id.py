"""X-Request-ID: a sane id from the client is echoed, any other is replaced by a new one, and the
id is in the header of every answer (errors, 413, 429, 500 and CORS preflights included), in
every error body and in the log lines written while the request is handled."""

import logging
import re

import pytest
from fastapi import APIRouter
from httpx import ASGITransport
from httpx import AsyncClient

from app.core.config import Settings
from app.core.config import get_settings
from app.core.logging import RequestIdFilter
from app.core.request_id import current_request_id
from app.main import create_app
from tests.outages import UseDatabase

NEW_ID = re.compile(r"[0-9a-f]{32}")
"""The shape of an id the app makes (uuid4 hex)."""
REGISTRATION = {"email": "new@example.com", "password": "a long enough password"}


@pytest.mark.parametrize(
    "sent",
    ["4bf92f3577b34da6a3ce929d0e0e4736", "req-1", "a" * 128, "svc.orders:42_retry-3"],
    ids=["hex", "short", "longest", "punctuation"],
)
async def test_a_sane_request_id_is_echoed(anon_client: AsyncClient, sent: str) -> None:
    response = await anon_client.get("/health/live", headers={"X-Request-ID": sent})
    assert response.status_code == 200
    assert response.headers["x-request-id"] == sent


async def test_a_request_without_an_id_gets_a_new_one_each_time(anon_client: AsyncClient) -> None:
    first = (await anon_client.get("/health/live")).headers["x-request-id"]
    second = (await anon_client.get("/health/live")).headers["x-request-id"]
    assert NEW_ID.fullmatch(first) and NEW_ID.fullmatch(second)
    assert first != second


@pytest.mark.parametrize(
    "sent",
    ["", "a" * 129, "two words", "<script>", "id\twith-tab", "caf\u00e9", "a/b"],
    ids=["empty", "too-long", "space", "markup", "control", "non-ascii", "slash"],
)
async def test_an_unsafe_request_id_is_replaced(anon_client: AsyncClient, sent: str) -> None:
    response = await anon_client.get(
        "/health/live", headers=[(b"X-Request-ID", sent.encode("latin-1"))]
    )
    assert response.status_code == 200
    assert NEW_ID.fullmatch(response.headers["x-request-id"])


async def test_several_request_ids_are_replaced(anon_client: AsyncClient) -> None:
    headers = [("X-Request-ID", "first"), ("X-Request-ID", "second")]
    response = await anon_client.get("/health/live", headers=headers)
    assert NEW_ID.fullmatch(response.headers["x-request-id"])


async def test_an_unknown_route_carries_the_id_in_header_and_body(
    anon_client: AsyncClient,
) -> None:
    response = await anon_client.get("/no-such-route", headers={"X-Request-ID": "missing-1"})
    assert response.status_code == 404
    assert response.headers["x-request-id"] == "missing-1"
    assert response.json()["request_id"] == "missing-1"


async def test_a_validation_error_carries_the_id_in_its_body(anon_client: AsyncClient) -> None:
    response = await anon_client.post(
        "/auth/register", json={"email": "not an email"}, headers={"X-Request-ID": "invalid-1"}
    )
    assert response.status_code == 422, response.text
    assert response.headers["x-request-id"] == "invalid-1"
    assert response.json()["request_id"] == "invalid-1"
    assert response.json()["code"] == "validation_error"


async def test_openapi_documents_the_request_id_of_error_bodies(
    anon_client: AsyncClient,
) -> None:
    schema = (await anon_client.get("/openapi.json")).json()
    field = schema["components"]["schemas"]["ErrorResponse"]["properties"]["request_id"]
    assert "X-Request-ID" in field["description"]


async def test_a_body_over_the_limit_carries_the_id(anon_client: AsyncClient) -> None:
    too_large = b"x" * (get_settings().max_body_bytes + 1)
    response = await anon_client.post(
        "/auth/register",
        content=too_large,
        headers={"Content-Type": "application/json", "X-Request-ID": "large-1"},
    )
    assert response.status_code == 413
    assert response.headers["x-request-id"] == "large-1"
    assert response.json()["request_id"] == "large-1"


async def test_a_rate_limited_request_carries_the_id(
    anon_client: AsyncClient, settings: Settings, low_rate_limit: int
) -> None:
    settings.allow_registration = False  # each attempt spends the budget, and hashes nothing
    for _ in range(low_rate_limit):
        assert (await anon_client.post("/auth/register", json=REGISTRATION)).status_code == 403
    headers = {"X-Request-ID": "r-1"}
    response = await anon_client.post("/auth/register", json=REGISTRATION, headers=headers)
    assert response.status_code == 429, response.text
    assert response.headers["x-request-id"] == "r-1"
    assert response.json()["request_id"] == "r-1"


async def test_an_unexpected_error_and_a_preflight_carry_the_id(settings: Settings) -> None:
    """A 500 is sent by the server error handler, outside every middleware; a CORS preflight
    is answered by the CORS middleware alone. Both still carry the id."""
    probe = APIRouter()

    @probe.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret internal detail")

    configured = settings.model_copy(update={"cors_origins": ["https://app.example.com"]})
    probe_app = create_app(configured)
    probe_app.include_router(probe)
    transport = ASGITransport(app=probe_app, raise_app_exceptions=False)
    async with AsyncClient(transport=transport, base_url="http://test") as http:
        crash = await http.get("/boom", headers={"X-Request-ID": "crash-1"})
        preflight = await http.options(
            "/health",
            headers={
                "Origin": "https://app.example.com",
                "Access-Control-Request-Method": "GET",
                "X-Request-ID": "preflight-1",
            },
        )
        read = await http.get("/health/live", headers={"Origin": "https://app.example.com"})
    assert crash.status_code == 500
    assert crash.headers["x-request-id"] == "crash-1"
    assert crash.json()["request_id"] == "crash-1"
    assert "secret" not in crash.text
    assert preflight.status_code == 200
    assert preflight.headers["x-request-id"] == "preflight-1"
    # A browser script may read the header of a cross-origin answer.
    assert read.headers["access-control-expose-headers"] == "X-Request-ID"


async def test_log_lines_written_during_a_request_carry_its_id(
    anon_client: AsyncClient,
    caplog: pytest.LogCaptureFixture,
    use_database: UseDatabase,
    refused_address: str,
) -> None:
    use_database(f"postgresql+asyncpg://app@{refused_address}/app")  # the app logs the outage
    caplog.handler.addFilter(RequestIdFilter())
    with caplog.at_level(logging.INFO):
        response = await anon_client.get("/health/ready", headers={"X-Request-ID": "logged-1"})
    assert response.status_code == 503
    lines = {(r.name, r.levelname): r for r in caplog.records if r.name.startswith("app.")}
    assert set(lines) >= {("app.core.errors", "WARNING"), ("app.access", "INFO")}
    assert lines["app.access", "INFO"].getMessage().startswith("GET /health/ready 503 ")
    assert {getattr(record, "request_id", None) for record in lines.values()} == {"logged-1"}
    assert current_request_id() is None  # the id does not outlive its request
