"""Login, tokens, registration, the admin area and the app-wide security settings, through the
real app: nothing about authentication is mocked."""

from datetime import timedelta
from typing import Any

import pytest
from httpx import ASGITransport
from httpx import AsyncClient
from pydantic import ValidationError

from app.core.clock import utcnow
from app.core.config import EXAMPLE_SECRET_KEY
from app.core.config import Settings
from app.core.roles import ADMIN_ROLE
from app.core.security import create_access_token
from app.main import create_app
from app.models.user import User
from tests.conftest import TEST_PASSWORD
from tests.conftest import ClientFor
from tests.conftest import MakeUser
from tests.tokens import BAD_TOKENS
from tests.tokens import bad_token

ME = "/auth/me"


async def _login(http: AsyncClient, email: str, password: str = TEST_PASSWORD) -> Any:
    return await http.post("/auth/token", data={"username": email, "password": password})


def _assert_no_secrets(body: dict[str, Any]) -> None:
    assert "password" not in body
    assert "password_hash" not in body


async def test_login_returns_a_token_for_me(anon_client: AsyncClient, make_user: MakeUser) -> None:
    user = await make_user(email="ada@example.com")
    response = await _login(anon_client, "Ada@Example.com")
    assert response.status_code == 200, response.text
    token = response.json()["access_token"]
    assert response.json()["token_type"] == "bearer"
    me = await anon_client.get(ME, headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200, me.text
    assert me.json()["id"] == user.id
    assert me.json()["email"] == "ada@example.com"
    _assert_no_secrets(me.json())


@pytest.mark.parametrize(
    ("email", "password"),
    [("ada@example.com", "wrong password"), ("nobody@example.com", TEST_PASSWORD)],
    ids=["wrong-password", "unknown-email"],
)
async def test_login_refuses_bad_credentials(
    anon_client: AsyncClient, make_user: MakeUser, email: str, password: str
) -> None:
    await make_user(email="ada@example.com")
    response = await _login(anon_client, email, password)
    assert response.status_code == 401, response.text
    assert response.json() == {
        "code": "unauthorized",
        "message": "Incorrect email or password",
        "details": [],
        "request_id": response.headers["x-request-id"],
    }


async def test_inactive_user_cannot_log_in_or_use_a_token(
    client_for: ClientFor, make_user: MakeUser
) -> None:
    user = await make_user(email="gone@example.com", is_active=False)
    assert (await _login(client_for(None), "gone@example.com")).status_code == 401
    assert (await client_for(user).get(ME)).status_code == 401


async def test_me_without_token_is_401(anon_client: AsyncClient) -> None:
    response = await anon_client.get(ME)
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["code"] == "unauthorized"


@pytest.mark.parametrize("kind", BAD_TOKENS)
async def test_bad_token_is_401(
    anon_client: AsyncClient, make_user: MakeUser, settings: Settings, kind: str
) -> None:
    user = await make_user(ADMIN_ROLE)
    assert user.id is not None
    token = bad_token(kind, user.id, settings.secret_key)
    response = await anon_client.get(ME, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401, response.text
    assert response.json()["code"] == "unauthorized"


async def test_token_expires_after_its_lifetime(
    anon_client: AsyncClient, make_user: MakeUser, settings: Settings
) -> None:
    user = await make_user()
    assert user.id is not None
    token = create_access_token(user.id, settings, now=utcnow() - timedelta(minutes=31))
    response = await anon_client.get(ME, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401, response.text


async def test_register_then_log_in(anon_client: AsyncClient) -> None:
    payload = {"email": "new@example.com", "password": "a long enough password"}
    response = await anon_client.post("/auth/register", json=payload)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["roles"] == []
    assert body["is_active"] is True
    _assert_no_secrets(body)
    login = await _login(anon_client, "new@example.com", "a long enough password")
    assert login.status_code == 200, login.text


def _extra_fields(response: Any) -> list[list[str | int]]:
    """The fields a 422 refused as unknown to the body."""
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "validation_error"
    details = response.json()["details"]
    return sorted(d["loc"] for d in details if d["type"] == "extra_forbidden")


async def test_register_refuses_roles_and_other_fields_it_does_not_take(
    anon_client: AsyncClient,
) -> None:
    payload = {"email": "sneaky@example.com", "password": "a long enough password"}
    forged = {"roles": [ADMIN_ROLE], "is_active": True, "id": 1}
    response = await anon_client.post("/auth/register", json={**payload, **forged})
    assert _extra_fields(response) == [["body", "id"], ["body", "is_active"], ["body", "roles"]]
    assert (await _login(anon_client, "sneaky@example.com", payload["password"])).status_code == 401


def _assert_email_taken(response: Any) -> None:
    assert response.status_code == 409, response.text
    body = response.json()
    assert body["code"] == "conflict"
    assert body["details"] == [
        {"loc": ["body", "email"], "message": body["message"], "type": "unique"}
    ]
    assert "email" in body["message"]


async def test_register_duplicate_email_is_409_naming_the_field(
    anon_client: AsyncClient,
) -> None:
    payload = {"email": "twice@example.com", "password": "a long enough password"}
    assert (await anon_client.post("/auth/register", json=payload)).status_code == 201
    _assert_email_taken(await anon_client.post("/auth/register", json=payload))


async def test_register_refuses_a_short_password(anon_client: AsyncClient) -> None:
    payload = {"email": "short@example.com", "password": "short"}
    response = await anon_client.post("/auth/register", json=payload)
    assert response.status_code == 422, response.text


async def test_registration_can_be_turned_off(anon_client: AsyncClient, settings: Settings) -> None:
    settings.allow_registration = False
    payload = {"email": "new@example.com", "password": "a long enough password"}
    response = await anon_client.post("/auth/register", json=payload)
    assert response.status_code == 403, response.text
    assert response.json()["code"] == "forbidden"


async def test_admin_routes_need_the_admin_role(client_for: ClientFor, make_user: MakeUser) -> None:
    plain = await make_user()
    admin = await make_user(ADMIN_ROLE)
    assert (await client_for(None).get("/admin/users")).status_code == 401
    assert (await client_for(plain).get("/admin/users")).status_code == 403
    response = await client_for(admin).get("/admin/users")
    assert response.status_code == 200, response.text
    assert response.json()["total"] == 2
    for item in response.json()["items"]:
        _assert_no_secrets(item)


async def test_admin_manages_accounts(client_for: ClientFor, make_user: MakeUser) -> None:
    admin = client_for(await make_user(ADMIN_ROLE))
    payload = {"email": "staff@example.com", "password": "a long enough password"}
    created = await admin.post("/admin/users", json={**payload, "roles": [ADMIN_ROLE]})
    assert created.status_code == 201, created.text
    assert created.json()["roles"] == [ADMIN_ROLE]
    _assert_no_secrets(created.json())
    user_id = created.json()["id"]
    unknown_role = await admin.patch(f"/admin/users/{user_id}", json={"roles": ["wizard"]})
    assert unknown_role.status_code == 422, unknown_role.text
    updated = await admin.patch(f"/admin/users/{user_id}", json={"is_active": False})
    assert updated.status_code == 200, updated.text
    assert updated.json()["is_active"] is False
    assert (await _login(admin, "staff@example.com", payload["password"])).status_code == 401
    assert (await admin.delete(f"/admin/users/{user_id}")).status_code == 204
    assert (await admin.get(f"/admin/users/{user_id}")).status_code == 404


async def test_admin_duplicate_email_is_409_naming_the_field(
    client_for: ClientFor, make_user: MakeUser
) -> None:
    taken = await make_user(email="taken@example.com")
    admin = client_for(await make_user(ADMIN_ROLE))
    payload = {"email": "taken@example.com", "password": "a long enough password"}
    _assert_email_taken(await admin.post("/admin/users", json=payload))
    other = (await admin.post("/admin/users", json={**payload, "email": "free@example.com"})).json()
    _assert_email_taken(
        await admin.patch(f"/admin/users/{other['id']}", json={"email": taken.email})
    )


async def test_admin_create_and_update_refuse_fields_they_do_not_take(
    client_for: ClientFor, make_user: MakeUser
) -> None:
    user = await make_user()
    admin = client_for(await make_user(ADMIN_ROLE))
    forged = {"id": 1, "password_hash": "x", "created_at": "2000-01-01T00:00:00Z"}
    payload = {"email": "forged@example.com", "password": "a long enough password"}
    expected = [["body", "created_at"], ["body", "id"], ["body", "password_hash"]]
    assert _extra_fields(await admin.post("/admin/users", json={**payload, **forged})) == expected
    assert _extra_fields(await admin.patch(f"/admin/users/{user.id}", json=forged)) == expected


async def test_require_authentication_closes_every_route_but_login(
    client_for: ClientFor, make_user: MakeUser, settings: Settings
) -> None:
    settings.require_authentication = True
    user = await make_user()
    anonymous = client_for(None)
    payload = {"email": "new@example.com", "password": "a long enough password"}
    assert (await anonymous.post("/auth/register", json=payload)).status_code == 401
    assert (await anonymous.get("/health")).status_code == 200
    assert (await anonymous.get("/health/live")).status_code == 200
    assert (await anonymous.get("/health/ready")).status_code == 200
    assert (await _login(anonymous, user.email)).status_code == 200
    assert (await client_for(user).get(ME)).status_code == 200


async def test_login_is_rate_limited(anon_client: AsyncClient, low_rate_limit: int) -> None:
    for _ in range(low_rate_limit):
        assert (await _login(anon_client, "nobody@example.com")).status_code == 401
    response = await _login(anon_client, "nobody@example.com")
    assert response.status_code == 429, response.text
    assert response.json()["code"] == "rate_limited"
    assert 1 <= int(response.headers["retry-after"]) <= 60


@pytest.mark.parametrize(
    ("secret_key", "debug", "refused"),
    [
        (EXAMPLE_SECRET_KEY, False, True),
        ("too-short", False, True),
        (EXAMPLE_SECRET_KEY, True, False),
        ("a-production-secret-that-is-long-enough", False, False),
    ],
    ids=["example-secret", "short-secret", "example-secret-in-debug", "real-secret"],
)
def test_app_refuses_to_start_with_an_unsafe_secret(
    secret_key: str, debug: bool, refused: bool
) -> None:
    settings = Settings(secret_key=secret_key, debug=debug)
    if refused:
        with pytest.raises(RuntimeError, match="SECRET_KEY"):
            create_app(settings)
    else:
        assert create_app(settings).title == settings.app_name


@pytest.mark.parametrize(
    ("require_authentication", "docs_enabled", "served"),
    [(False, None, True), (True, None, False), (True, True, True), (False, False, False)],
    ids=["open-app", "closed-app", "closed-app-docs-on", "open-app-docs-off"],
)
async def test_api_documentation_follows_its_setting(
    require_authentication: bool, docs_enabled: bool | None, served: bool
) -> None:
    settings = Settings(
        secret_key="a-production-secret-that-is-long-enough",
        require_authentication=require_authentication,
        docs_enabled=docs_enabled,
    )
    transport = ASGITransport(app=create_app(settings))
    async with AsyncClient(transport=transport, base_url="http://test") as http:
        for path in ("/docs", "/redoc", "/openapi.json"):
            response = await http.get(path)
            assert response.status_code == (200 if served else 404), (path, response.text)


def test_trusted_proxies_are_addresses_or_networks() -> None:
    settings = Settings(forwarded_allow_ips="10.0.0.1, 192.168.0.0/16")  # type: ignore[arg-type]
    assert settings.forwarded_allow_ips == ["10.0.0.1", "192.168.0.0/16"]
    assert Settings.model_fields["forwarded_allow_ips"].default == []  # trust nobody
    with pytest.raises(ValidationError, match="FORWARDED_ALLOW_IPS"):
        Settings(forwarded_allow_ips=["proxy.internal"])


def test_cors_wildcard_with_credentials_is_refused() -> None:
    with pytest.raises(ValidationError, match="credentials"):
        Settings(cors_origins=["*"], cors_allow_credentials=True)
    assert Settings(cors_origins=["*"], cors_allow_credentials=False).cors_origins == ["*"]


async def test_cors_allows_only_the_configured_origins() -> None:
    settings = Settings(
        secret_key="a-production-secret-that-is-long-enough",
        cors_origins=["https://app.example.com"],
    )
    transport = ASGITransport(app=create_app(settings))
    async with AsyncClient(transport=transport, base_url="http://test") as http:
        headers = {"Access-Control-Request-Method": "GET"}
        allowed = await http.options(
            "/health", headers={**headers, "Origin": "https://app.example.com"}
        )
        other = await http.options("/health", headers={**headers, "Origin": "https://evil.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://app.example.com"
    assert allowed.headers["access-control-allow-credentials"] == "true"
    assert "access-control-allow-origin" not in other.headers


def test_user_model_keeps_no_plain_password() -> None:
    assert "password" not in User.model_fields
