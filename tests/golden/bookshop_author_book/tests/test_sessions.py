"""Sessions through the real app: login hands out an access token and a refresh token,
/auth/refresh rotates the refresh token (reusing one revokes its family), /auth/logout ends a
session, /auth/password ends every other one, and login rehashes a password whose hash was
made with older parameters."""

import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

from httpx import AsyncClient
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy import update
from sqlmodel import col
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.core import passwords
from app.core.clock import utcnow
from app.core.config import Settings
from app.core.opaque_tokens import token_hash
from app.core.roles import ADMIN_ROLE
from app.models.refresh_token import RefreshToken
from tests.conftest import TEST_PASSWORD
from tests.conftest import ClientFor
from tests.conftest import MakeUser

ME = "/auth/me"
NEW_PASSWORD = "a brand new long password"


async def _login(http: AsyncClient, email: str, password: str = TEST_PASSWORD) -> dict[str, Any]:
    response = await http.post("/auth/token", data={"username": email, "password": password})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _refresh(http: AsyncClient, refresh_token: str) -> Any:
    return await http.post("/auth/refresh", json={"refresh_token": refresh_token})


def _bearer(pair: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {pair['access_token']}"}


def _assert_refused(response: Any) -> None:
    assert response.status_code == 401, response.text
    assert response.json()["code"] == "unauthorized"


async def test_login_returns_a_refresh_token_that_rotates(
    anon_client: AsyncClient, make_user: MakeUser
) -> None:
    user = await make_user()
    first = await _login(anon_client, user.email)
    assert set(first) == {"access_token", "refresh_token", "token_type"}
    assert first["token_type"] == "bearer"
    response = await _refresh(anon_client, first["refresh_token"])
    assert response.status_code == 200, response.text
    second = response.json()
    assert set(second) == {"access_token", "refresh_token", "token_type"}
    assert second["refresh_token"] != first["refresh_token"]
    me = await anon_client.get(ME, headers=_bearer(second))
    assert me.status_code == 200, me.text
    assert me.json()["id"] == user.id
    third = await _refresh(anon_client, second["refresh_token"])
    assert third.status_code == 200, third.text


async def test_reusing_a_rotated_token_revokes_its_family(
    anon_client: AsyncClient, make_user: MakeUser
) -> None:
    user = await make_user()
    stolen = await _login(anon_client, user.email)
    other_session = await _login(anon_client, user.email)
    newest = (await _refresh(anon_client, stolen["refresh_token"])).json()
    _assert_refused(await _refresh(anon_client, stolen["refresh_token"]))
    _assert_refused(await _refresh(anon_client, newest["refresh_token"]))
    # another login of the same user is another family, and goes on
    assert (await _refresh(anon_client, other_session["refresh_token"])).status_code == 200


async def test_refresh_refuses_unknown_and_expired_tokens(
    anon_client: AsyncClient, make_user: MakeUser, session: AsyncSession
) -> None:
    user = await make_user()
    _assert_refused(await _refresh(anon_client, "not-a-token-we-issued"))
    pair = await _login(anon_client, user.email)
    await session.exec(
        update(RefreshToken)
        .where(col(RefreshToken.token_hash) == token_hash(pair["refresh_token"]))
        .values(expires_at=utcnow() - timedelta(seconds=1))
    )
    await session.commit()
    _assert_refused(await _refresh(anon_client, pair["refresh_token"]))


async def test_refresh_works_with_an_expired_access_token_sent_along(
    anon_client: AsyncClient, make_user: MakeUser
) -> None:
    user = await make_user()
    pair = await _login(anon_client, user.email)
    stale = {"Authorization": "Bearer not.a.valid-token"}
    response = await anon_client.post(
        "/auth/refresh", json={"refresh_token": pair["refresh_token"]}, headers=stale
    )
    assert response.status_code == 200, response.text


async def test_only_a_hash_of_the_refresh_token_is_stored(
    anon_client: AsyncClient, make_user: MakeUser, session: AsyncSession
) -> None:
    user = await make_user()
    pair = await _login(anon_client, user.email)
    rows = (await session.exec(select(RefreshToken))).all()
    assert len(rows) == 1
    assert rows[0].token_hash == token_hash(pair["refresh_token"])
    assert pair["refresh_token"] not in rows[0].model_dump_json()


async def test_logout_revokes_the_session(anon_client: AsyncClient, make_user: MakeUser) -> None:
    user = await make_user()
    pair = await _login(anon_client, user.email)
    rotated = (await _refresh(anon_client, pair["refresh_token"])).json()
    body = {"refresh_token": rotated["refresh_token"]}
    response = await anon_client.post("/auth/logout", json=body)
    assert response.status_code == 204, response.text
    _assert_refused(await _refresh(anon_client, rotated["refresh_token"]))
    again = await anon_client.post("/auth/logout", json=body)
    assert again.status_code == 204, again.text
    unknown = await anon_client.post("/auth/logout", json={"refresh_token": "never-issued"})
    assert unknown.status_code == 204, unknown.text


async def test_an_account_change_ends_its_refresh_tokens(
    client_for: ClientFor, make_user: MakeUser
) -> None:
    admin = client_for(await make_user(ADMIN_ROLE))
    user = await make_user()
    pair = await _login(client_for(None), user.email)
    response = await admin.patch(f"/admin/users/{user.id}", json={"roles": [ADMIN_ROLE]})
    assert response.status_code == 200, response.text
    _assert_refused(await _refresh(client_for(None), pair["refresh_token"]))


async def test_deleting_a_user_deletes_their_tokens(
    client_for: ClientFor, make_user: MakeUser, session: AsyncSession
) -> None:
    admin = client_for(await make_user(ADMIN_ROLE))
    user = await make_user()
    await _login(client_for(None), user.email)
    assert (await admin.delete(f"/admin/users/{user.id}")).status_code == 204
    rows = (await session.exec(select(RefreshToken).where(RefreshToken.user_id == user.id))).all()
    assert rows == []


async def _change_password(http: AsyncClient, pair: dict[str, Any], current: str, new: str) -> Any:
    payload = {"current_password": current, "new_password": new}
    return await http.post("/auth/password", json=payload, headers=_bearer(pair))


async def test_password_change_ends_every_other_session(
    anon_client: AsyncClient, make_user: MakeUser
) -> None:
    user = await make_user()
    other = await _login(anon_client, user.email)
    mine = await _login(anon_client, user.email)
    response = await _change_password(anon_client, mine, TEST_PASSWORD, NEW_PASSWORD)
    assert response.status_code == 200, response.text
    fresh = response.json()
    _assert_refused(await anon_client.get(ME, headers=_bearer(other)))
    _assert_refused(await anon_client.get(ME, headers=_bearer(mine)))
    _assert_refused(await _refresh(anon_client, other["refresh_token"]))
    _assert_refused(await _refresh(anon_client, mine["refresh_token"]))
    assert (await anon_client.get(ME, headers=_bearer(fresh))).status_code == 200
    assert (await _refresh(anon_client, fresh["refresh_token"])).status_code == 200
    old = await anon_client.post(
        "/auth/token", data={"username": user.email, "password": TEST_PASSWORD}
    )
    assert old.status_code == 401, old.text
    await _login(anon_client, user.email, NEW_PASSWORD)


async def test_password_change_needs_the_current_password_and_a_good_new_one(
    anon_client: AsyncClient, make_user: MakeUser
) -> None:
    user = await make_user(email="ada@example.com")
    pair = await _login(anon_client, user.email)
    wrong = await _change_password(anon_client, pair, "not the password", NEW_PASSWORD)
    assert wrong.status_code == 400, wrong.text
    assert wrong.json()["code"] == "incorrect_password"
    for weak in ("password123", "ada@example.com", "short"):
        response = await _change_password(anon_client, pair, TEST_PASSWORD, weak)
        assert response.status_code == 422, response.text
        assert response.json()["details"][0]["loc"] == ["body", "new_password"]
    # nothing changed: the session goes on, the old password still works
    assert (await anon_client.get(ME, headers=_bearer(pair))).status_code == 200
    await _login(anon_client, user.email)
    anonymous = await anon_client.post(
        "/auth/password", json={"current_password": TEST_PASSWORD, "new_password": NEW_PASSWORD}
    )
    _assert_refused(anonymous)


async def test_login_rehashes_a_password_hashed_with_older_parameters(
    anon_client: AsyncClient, make_user: MakeUser, session: AsyncSession
) -> None:
    user = await make_user()
    weak_hasher = PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024),))
    old_hash = weak_hasher.hash(TEST_PASSWORD)
    user.password_hash = old_hash
    session.add(user)
    await session.commit()
    assert passwords.verify_and_update(TEST_PASSWORD, old_hash)[1] is not None
    await _login(anon_client, user.email)
    await session.refresh(user)
    assert user.password_hash != old_hash
    assert passwords.verify_and_update(TEST_PASSWORD, user.password_hash) == (True, None)
    await _login(anon_client, user.email)


def test_the_app_hashes_with_pwdlibs_recommended_parameters() -> None:
    """The suite hashes with cheap parameters (conftest); the app on its own never does."""
    script = "from app.core.passwords import hash_password; print(hash_password('x'))"
    project = Path(__file__).resolve().parents[1]
    printed = subprocess.run(
        [sys.executable, "-c", script], cwd=project, capture_output=True, text=True, check=True
    ).stdout
    parameters = PasswordHash.recommended().hash("x").split("$")[3]  # m=...,t=...,p=...
    assert printed.split("$")[3] == parameters


async def test_login_keeps_a_current_hash(
    anon_client: AsyncClient, make_user: MakeUser, session: AsyncSession
) -> None:
    user = await make_user()
    before = user.password_hash
    await _login(anon_client, user.email)
    await session.refresh(user)
    assert user.password_hash == before


async def test_refresh_and_password_change_are_rate_limited(
    anon_client: AsyncClient, make_user: MakeUser, low_rate_limit: int
) -> None:
    user = await make_user()
    pair = await _login(anon_client, user.email)
    refreshes = [await _refresh(anon_client, "never-issued") for _ in range(low_rate_limit + 1)]
    assert [r.status_code for r in refreshes] == [401] * low_rate_limit + [429]
    changes = [
        await _change_password(anon_client, pair, "not the password", NEW_PASSWORD)
        for _ in range(low_rate_limit + 1)
    ]
    assert [c.status_code for c in changes] == [400] * low_rate_limit + [429]


async def test_token_routes_stay_open_when_authentication_is_required(
    anon_client: AsyncClient, make_user: MakeUser, settings: Settings
) -> None:
    settings.require_authentication = True
    user = await make_user()
    pair = await _login(anon_client, user.email)
    rotated = await _refresh(anon_client, pair["refresh_token"])
    assert rotated.status_code == 200, rotated.text
    reset = await anon_client.post("/auth/password-reset", json={"email": user.email})
    assert reset.status_code == 202, reset.text
    logout = await anon_client.post("/auth/logout", json=rotated.json())
    assert logout.status_code == 422, logout.text  # only the refresh token, nothing else
    body = {"refresh_token": rotated.json()["refresh_token"]}
    assert (await anon_client.post("/auth/logout", json=body)).status_code == 204
    _assert_refused(await anon_client.get(ME))
