"""Request bodies are bounded by MAX_BODY_BYTES: larger ones are refused with 413 in the error
schema, whether they declare their length or arrive in chunks, and nothing of them is
stored."""

import json
from collections.abc import AsyncIterator

import pytest
from fastapi import FastAPI
from fastapi import Request
from httpx import ASGITransport
from httpx import AsyncClient

from app.core.body_limit import BodySizeLimitMiddleware
from app.core.config import get_settings
from app.core.errors import register_exception_handlers

MAX_BODY_BYTES = get_settings().max_body_bytes
"""The bound of the app under test (the settings it was created with)."""


def registration(size: int, email: str = "big@example.com") -> bytes:
    """A valid registration of exactly `size` bytes (white space after the JSON pads it)."""
    body = json.dumps({"email": email, "password": "a long enough password"}).encode()
    return body + b" " * (size - len(body))


async def chunks(body: bytes, size: int = 65536) -> AsyncIterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


def assert_too_large(status_code: int, body: dict[str, object]) -> None:
    assert status_code == 413
    assert body["code"] == "payload_too_large"
    assert body["message"] == f"Request body larger than {MAX_BODY_BYTES} bytes"
    assert body["details"] == []


@pytest.mark.parametrize("streamed", [False, True], ids=["content-length", "chunked"])
async def test_a_body_over_the_limit_is_413_and_not_stored(
    anon_client: AsyncClient, streamed: bool
) -> None:
    body = registration(MAX_BODY_BYTES + 1)
    content = chunks(body) if streamed else body
    headers = {"Content-Type": "application/json"}
    response = await anon_client.post("/auth/register", content=content, headers=headers)
    assert_too_large(response.status_code, response.json())
    # Nothing was stored: the same email registers now.
    again = await anon_client.post("/auth/register", content=registration(1000), headers=headers)
    assert again.status_code == 201, again.text


@pytest.mark.parametrize("streamed", [False, True], ids=["content-length", "chunked"])
async def test_a_body_at_the_limit_is_accepted(anon_client: AsyncClient, streamed: bool) -> None:
    body = registration(MAX_BODY_BYTES)
    content = chunks(body) if streamed else body
    headers = {"Content-Type": "application/json"}
    response = await anon_client.post("/auth/register", content=content, headers=headers)
    assert response.status_code == 201, response.text


async def test_the_limit_holds_for_any_route_reading_the_body() -> None:
    probe = FastAPI()
    register_exception_handlers(probe)

    @probe.post("/raw")
    async def raw(request: Request) -> dict[str, int]:
        return {"received": len(await request.body())}

    probe.add_middleware(BodySizeLimitMiddleware, max_bytes=10)
    async with AsyncClient(transport=ASGITransport(app=probe), base_url="http://t") as http:
        assert (await http.post("/raw", content=b"x" * 10)).json() == {"received": 10}
        for content in (b"x" * 11, chunks(b"x" * 11, size=4)):
            response = await http.post("/raw", content=content)
            assert response.status_code == 413, response.text
            assert response.json()["message"] == "Request body larger than 10 bytes"
