"""Password reset by email through the real app: the token reaches the `send_email` hook
(captured here), works once, expires, and setting the password ends every session; an
unknown address gets the same 202 and no mail."""

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import update
from sqlmodel import col
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.core.clock import utcnow
from app.core.emails import Email
from app.core.emails import get_email_sender
from app.core.opaque_tokens import token_hash
from app.main import app
from app.models.password_reset_token import PasswordResetToken
from tests.conftest import TEST_PASSWORD
from tests.conftest import ClientFor
from tests.conftest import MakeUser

NEW_PASSWORD = "a brand new long password"


@pytest.fixture
def outbox() -> Iterator[list[Email]]:
    """The mail the app sends during the test, instead of sending it."""
    sent: list[Email] = []

    async def capture(message: Email) -> None:
        sent.append(message)

    app.dependency_overrides[get_email_sender] = lambda: capture
    try:
        yield sent
    finally:
        app.dependency_overrides.pop(get_email_sender, None)


async def _request_reset(http: AsyncClient, email: str) -> None:
    response = await http.post("/auth/password-reset", json={"email": email})
    assert response.status_code == 202, response.text


def _token_in(message: Email) -> str:
    """The token a reset mail carries: the line of its own between blank lines."""
    paragraphs = [part.strip() for part in message.body.split("\n\n")]
    [token] = [part for part in paragraphs if part and " " not in part]
    return token


async def _confirm(http: AsyncClient, token: str, password: str = NEW_PASSWORD) -> Any:
    payload = {"token": token, "new_password": password}
    return await http.post("/auth/password-reset/confirm", json=payload)


async def _login(http: AsyncClient, email: str, password: str) -> Any:
    return await http.post("/auth/token", data={"username": email, "password": password})


def _assert_invalid_token(response: Any) -> None:
    assert response.status_code == 400, response.text
    assert response.json() == {
        "code": "invalid_token",
        "message": "Invalid or expired password reset token",
        "details": [],
        "request_id": response.headers["x-request-id"],
    }


async def test_reset_by_email_sets_the_password_and_ends_every_session(
    anon_client: AsyncClient, make_user: MakeUser, outbox: list[Email]
) -> None:
    user = await make_user(email="ada@example.com")
    before = (await _login(anon_client, user.email, TEST_PASSWORD)).json()
    await _request_reset(anon_client, "ADA@example.com")
    [message] = outbox
    assert message.to == "ada@example.com"
    response = await _confirm(anon_client, _token_in(message))
    assert response.status_code == 204, response.text
    stale = {"Authorization": f"Bearer {before['access_token']}"}
    assert (await anon_client.get("/auth/me", headers=stale)).status_code == 401
    refresh = await anon_client.post(
        "/auth/refresh", json={"refresh_token": before["refresh_token"]}
    )
    assert refresh.status_code == 401, refresh.text
    assert (await _login(anon_client, user.email, TEST_PASSWORD)).status_code == 401
    assert (await _login(anon_client, user.email, NEW_PASSWORD)).status_code == 200


@pytest.mark.parametrize("email", ["nobody@example.com", "not an address", "gone@example.com"])
async def test_reset_answers_202_and_sends_nothing_without_an_active_account(
    anon_client: AsyncClient, make_user: MakeUser, outbox: list[Email], email: str
) -> None:
    await make_user(email="gone@example.com", is_active=False)
    await _request_reset(anon_client, email)
    assert outbox == []


async def test_a_reset_token_works_once(
    anon_client: AsyncClient, make_user: MakeUser, outbox: list[Email]
) -> None:
    user = await make_user()
    await _request_reset(anon_client, user.email)
    await _request_reset(anon_client, user.email)
    first, second = (_token_in(message) for message in outbox)
    assert (await _confirm(anon_client, second)).status_code == 204
    _assert_invalid_token(await _confirm(anon_client, second, "yet another long password"))
    # setting the password spent the other token of the account too
    _assert_invalid_token(await _confirm(anon_client, first, "yet another long password"))
    assert (await _login(anon_client, user.email, NEW_PASSWORD)).status_code == 200


async def test_an_expired_or_unknown_reset_token_is_refused(
    anon_client: AsyncClient, make_user: MakeUser, outbox: list[Email], session: AsyncSession
) -> None:
    user = await make_user()
    await _request_reset(anon_client, user.email)
    token = _token_in(outbox[0])
    await session.exec(
        update(PasswordResetToken)
        .where(col(PasswordResetToken.token_hash) == token_hash(token))
        .values(expires_at=utcnow() - timedelta(seconds=1))
    )
    await session.commit()
    _assert_invalid_token(await _confirm(anon_client, token))
    _assert_invalid_token(await _confirm(anon_client, "never-issued"))
    assert (await _login(anon_client, user.email, TEST_PASSWORD)).status_code == 200


async def test_a_weak_new_password_keeps_the_token_good(
    anon_client: AsyncClient, make_user: MakeUser, outbox: list[Email]
) -> None:
    user = await make_user()
    await _request_reset(anon_client, user.email)
    token = _token_in(outbox[0])
    weak = await _confirm(anon_client, token, "password123")
    assert weak.status_code == 422, weak.text
    assert weak.json()["details"][0]["loc"] == ["body", "new_password"]
    assert (await _confirm(anon_client, token)).status_code == 204


async def test_only_a_hash_of_the_reset_token_is_stored(
    anon_client: AsyncClient, make_user: MakeUser, outbox: list[Email], session: AsyncSession
) -> None:
    user = await make_user()
    await _request_reset(anon_client, user.email)
    token = _token_in(outbox[0])
    [row] = (await session.exec(select(PasswordResetToken))).all()
    assert row.token_hash == token_hash(token)
    assert row.user_id == user.id
    assert token not in row.model_dump_json()


async def test_reset_requests_are_limited_per_account(
    client_for: ClientFor, make_user: MakeUser, outbox: list[Email], low_rate_limit: int
) -> None:
    user = await make_user()
    statuses = []
    for n in range(low_rate_limit + 1):
        http = client_for(None, address=f"198.51.100.{n + 1}")
        response = await http.post("/auth/password-reset", json={"email": user.email})
        statuses.append(response.status_code)
    assert statuses == [202] * low_rate_limit + [429]
    assert len(outbox) == low_rate_limit
