"""Account hygiene: tokens die with a password, role or active-state change; common passwords
and the email as password are refused; one mailbox is one account, whatever its spelling."""

from typing import Any

import pytest
from httpx import AsyncClient

from app.core.emails import login_email
from app.core.passwords import common_passwords
from app.core.roles import ADMIN_ROLE
from app.create_user import main as create_user_main
from tests.conftest import TEST_PASSWORD
from tests.conftest import ClientFor
from tests.conftest import MakeUser

ME = "/auth/me"
GOOD_PASSWORD = "a long enough password"


async def _admin(client_for: ClientFor, make_user: MakeUser) -> AsyncClient:
    return client_for(await make_user(ADMIN_ROLE))


@pytest.mark.parametrize(
    "change",
    [
        {"password": "another long enough password"},
        {"roles": [ADMIN_ROLE]},
        {"is_active": False},
    ],
    ids=["password-reset", "role-change", "deactivation"],
)
async def test_tokens_issued_before_an_account_change_stop_working(
    client_for: ClientFor, make_user: MakeUser, change: dict[str, Any]
) -> None:
    admin = await _admin(client_for, make_user)
    user = await make_user()
    before = client_for(user)
    assert (await before.get(ME)).status_code == 200
    response = await admin.patch(f"/admin/users/{user.id}", json=change)
    assert response.status_code == 200, response.text
    stale = await before.get(ME)
    assert stale.status_code == 401, stale.text
    assert stale.json()["code"] == "unauthorized"
    if change.get("is_active") is False:  # reactivated, the old token stays dead
        again = await admin.patch(f"/admin/users/{user.id}", json={"is_active": True})
        assert again.status_code == 200, again.text
        assert (await before.get(ME)).status_code == 401
    password = change.get("password", TEST_PASSWORD)
    login = await client_for(None).post(
        "/auth/token", data={"username": user.email, "password": password}
    )
    assert login.status_code == 200, login.text
    fresh = {"Authorization": f"Bearer {login.json()['access_token']}"}
    assert (await before.get(ME, headers=fresh)).status_code == 200


async def test_other_changes_keep_tokens(client_for: ClientFor, make_user: MakeUser) -> None:
    admin = await _admin(client_for, make_user)
    user = await make_user()
    unchanged = {"roles": user.roles, "is_active": True, "email": "renamed@example.com"}
    response = await admin.patch(f"/admin/users/{user.id}", json=unchanged)
    assert response.status_code == 200, response.text
    assert (await client_for(user).get(ME)).status_code == 200


@pytest.mark.parametrize(
    "password", ["password", "Password1", "qwerty123", "iloveyou", "PASSWORD123"]
)
async def test_register_refuses_a_common_password(anon_client: AsyncClient, password: str) -> None:
    response = await anon_client.post(
        "/auth/register", json={"email": "new@example.com", "password": password}
    )
    assert response.status_code == 422, response.text
    [detail] = response.json()["details"]
    assert detail["loc"] == ["body", "password"]
    assert "most common passwords" in detail["message"]


@pytest.mark.parametrize(
    "password", ["jonathan.smith@example.com", "Jonathan.Smith", "JONATHAN.SMITH@EXAMPLE.COM"]
)
async def test_register_refuses_the_email_as_password(
    anon_client: AsyncClient, password: str
) -> None:
    payload = {"email": "jonathan.smith@example.com", "password": password}
    response = await anon_client.post("/auth/register", json=payload)
    assert response.status_code == 422, response.text
    [detail] = response.json()["details"]
    assert detail["loc"] == ["body", "password"]
    assert detail["message"].endswith("the password must not be the email address")


async def test_admins_cannot_set_a_common_password_or_the_email(
    client_for: ClientFor, make_user: MakeUser
) -> None:
    admin = await _admin(client_for, make_user)
    created = await admin.post(
        "/admin/users", json={"email": "staff@example.com", "password": "password1"}
    )
    assert created.status_code == 422, created.text
    user = await make_user(email="rosalind.franklin@example.com")
    for password in ("sunshine1", "rosalind.franklin", "Rosalind.Franklin@example.com"):
        changed = await admin.patch(f"/admin/users/{user.id}", json={"password": password})
        assert changed.status_code == 422, changed.text
        assert changed.json()["details"][0]["loc"] == ["body", "password"]


def test_create_user_refuses_a_common_password(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("USER_PASSWORD", "password")
    assert create_user_main(["someone@example.com"]) == 2
    assert "most common passwords" in capsys.readouterr().err


def test_the_common_password_list_is_there() -> None:
    passwords = common_passwords()
    assert len(passwords) > 3000
    assert {"password", "12345678", "qwerty123"} <= passwords
    assert all(password == password.lower() for password in passwords)


@pytest.mark.parametrize(
    "spelling",
    ["ADA@Example.COM", "ａｄａ@ｅｘａｍｐｌｅ.ｃｏｍ", "ａｄａ＠example.com", " ada@example.com "],
    ids=["case", "fullwidth", "fullwidth-at", "spaces"],
)
async def test_one_mailbox_is_one_account(anon_client: AsyncClient, spelling: str) -> None:
    first = {"email": "ada@example.com", "password": GOOD_PASSWORD}
    assert (await anon_client.post("/auth/register", json=first)).status_code == 201
    twin = await anon_client.post(
        "/auth/register", json={"email": spelling, "password": GOOD_PASSWORD}
    )
    assert twin.status_code == 409, twin.text
    login = await anon_client.post(
        "/auth/token", data={"username": spelling, "password": GOOD_PASSWORD}
    )
    assert login.status_code == 200, login.text


async def test_emails_are_stored_in_canonical_form(anon_client: AsyncClient) -> None:
    payload = {"email": "Ｇrace.Hopper@Example.ORG", "password": GOOD_PASSWORD}
    response = await anon_client.post("/auth/register", json=payload)
    assert response.status_code == 201, response.text
    assert response.json()["email"] == "grace.hopper@example.org"
    assert login_email("GRACE.HOPPER@example.org") == "grace.hopper@example.org"


@pytest.mark.parametrize(
    "email",
    [
        "\u0430da@example.com",  # Cyrillic a, then Latin "da"
        "ad\u03b1@example.com",  # Greek alpha at the end
        "ada@ex\u0430mple.com",  # a Cyrillic a in the domain
        "\u0440\u0430\u0443@example.com",  # Cyrillic letters that read "pay"
        "\u03bf\u03c1\u03b1@example.com",  # Greek letters that read "opa"
    ],
    ids=["cyrillic-in-latin", "greek-in-latin", "cyrillic-in-domain", "cyrillic-pay", "greek-opa"],
)
async def test_look_alike_emails_are_refused(anon_client: AsyncClient, email: str) -> None:
    response = await anon_client.post(
        "/auth/register", json={"email": email, "password": GOOD_PASSWORD}
    )
    assert response.status_code == 422, response.text
    assert response.json()["details"][0]["loc"] == ["body", "email"]


@pytest.mark.parametrize(
    "email",
    [
        "\u043f\u043e\u043b\u044c\u0437\u043e\u0432\u0430\u0442\u0435\u043b\u044c@example.com",
        "\u5c71\u7530taro@example.jp",
    ],
    ids=["cyrillic-word", "han-with-latin"],
)
async def test_addresses_in_one_script_are_welcome(anon_client: AsyncClient, email: str) -> None:
    response = await anon_client.post(
        "/auth/register", json={"email": email, "password": GOOD_PASSWORD}
    )
    assert response.status_code == 201, response.text
