"""Login and registration are limited per client address and per account, whatever token the
request carries, and a client cannot pick its own address with X-Forwarded-For."""

from collections.abc import Sequence

import pytest
from httpx import AsyncClient

from app.core.proxies import UNVERIFIED_CLIENT
from app.core.proxies import ClientAddressMiddleware
from app.models.user import User
from tests.conftest import ClientFor
from tests.conftest import MakeUser

WRONG_PASSWORD = "not the password"


async def _login(http: AsyncClient, email: str, **headers: str) -> int:
    data = {"username": email, "password": WRONG_PASSWORD}
    return (await http.post("/auth/token", data=data, headers=headers)).status_code


async def _users(make_user: MakeUser, count: int) -> list[User]:
    return [await make_user() for _ in range(count)]


async def test_rotating_tokens_does_not_buy_login_attempts(
    client_for: ClientFor, make_user: MakeUser, low_rate_limit: int
) -> None:
    target = await make_user(email="target@example.com")
    clients = [client_for(user) for user in await _users(make_user, 3)]
    statuses = [await _login(clients[n % 3], target.email) for n in range(low_rate_limit + 3)]
    assert statuses == [401] * low_rate_limit + [429] * 3


async def test_rotating_tokens_does_not_buy_registrations(
    client_for: ClientFor, make_user: MakeUser, low_rate_limit: int
) -> None:
    clients = [client_for(user) for user in await _users(make_user, 3)]
    statuses = []
    for n in range(low_rate_limit + 3):
        payload = {"email": f"new{n}@example.com", "password": "a long enough password"}
        response = await clients[n % 3].post("/auth/register", json=payload)
        statuses.append(response.status_code)
    assert statuses == [201] * low_rate_limit + [429] * 3


async def test_one_account_from_many_addresses_is_limited(
    client_for: ClientFor, make_user: MakeUser, low_rate_limit: int
) -> None:
    target = await make_user(email="target@example.com")
    addresses = [f"203.0.113.{n}" for n in range(1, low_rate_limit + 3)]
    statuses = [await _login(client_for(None, address=a), target.email) for a in addresses]
    assert statuses == [401] * low_rate_limit + [429] * 2


async def test_many_accounts_from_one_address_are_limited(
    anon_client: AsyncClient, low_rate_limit: int
) -> None:
    emails = [f"guess{n}@example.com" for n in range(low_rate_limit + 2)]
    statuses = [await _login(anon_client, email) for email in emails]
    assert statuses == [401] * low_rate_limit + [429] * 2


async def test_the_same_account_in_another_spelling_spends_the_same_budget(
    anon_client: AsyncClient, low_rate_limit: int, client_for: ClientFor
) -> None:
    spellings = ["ada@example.com", "ADA@Example.com", "ａｄａ@example.com", " ada@example.com"]
    statuses = []
    for n in range(low_rate_limit + 1):
        http = client_for(None, address=f"198.51.100.{n + 1}")
        statuses.append(await _login(http, spellings[n % len(spellings)]))
    assert statuses == [401] * low_rate_limit + [429]


async def test_x_forwarded_for_from_an_untrusted_peer_is_ignored(
    anon_client: AsyncClient, low_rate_limit: int
) -> None:
    statuses = [
        await _login(anon_client, f"guess{n}@example.com", **{"X-Forwarded-For": f"192.0.2.{n}"})
        for n in range(low_rate_limit + 2)
    ]
    assert statuses == [401] * low_rate_limit + [429] * 2


async def test_an_address_the_server_took_from_x_forwarded_for_is_not_believed(
    client_for: ClientFor, low_rate_limit: int
) -> None:
    """uvicorn without --no-proxy-headers trusts X-Forwarded-For from 127.0.0.1 and hands
    the app the claimed address as the peer: each request looks like another client."""
    statuses = []
    for n in range(low_rate_limit + 2):
        claimed = f"192.0.2.{n}"
        http = client_for(None, address=claimed)
        statuses.append(await _login(http, f"guess{n}@example.com", **{"X-Forwarded-For": claimed}))
    assert statuses == [401] * low_rate_limit + [429] * 2


async def _client_seen(
    trusted: Sequence[str], peer: tuple[str, int], forwarded: str | None, proto: str | None = None
) -> tuple[tuple[str, int] | None, str]:
    """The client address and scheme the app sees behind ClientAddressMiddleware."""
    seen: dict[str, object] = {}

    async def app(scope: dict[str, object], _receive: object, _send: object) -> None:
        seen.update(client=scope["client"], scheme=scope["scheme"])

    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
    if proto:
        headers.append((b"x-forwarded-proto", proto.encode()))
    scope = {"type": "http", "client": peer, "scheme": "http", "headers": headers}
    await ClientAddressMiddleware(app, trusted)(scope, None, None)  # type: ignore[arg-type]
    client = seen["client"]
    assert client is None or isinstance(client, tuple)
    return client, str(seen["scheme"])


@pytest.mark.parametrize(
    ("trusted", "peer", "forwarded", "expected"),
    [
        ([], ("203.0.113.9", 5000), None, "203.0.113.9"),
        ([], ("203.0.113.9", 5000), "192.0.2.1", "203.0.113.9"),
        ([], ("127.0.0.1", 5000), "192.0.2.1", "127.0.0.1"),
        (["127.0.0.1"], ("127.0.0.1", 5000), "192.0.2.1", "192.0.2.1"),
        (["10.0.0.0/8"], ("10.0.0.2", 5000), "192.0.2.1, 10.0.0.7", "192.0.2.1"),
        (["10.0.0.1"], ("10.0.0.1", 5000), "6.6.6.6, 192.0.2.1", "192.0.2.1"),
        (["10.0.0.1"], ("10.0.0.1", 5000), "192.0.2.1:4444", "192.0.2.1"),
        (["10.0.0.1"], ("203.0.113.9", 5000), "192.0.2.1", "203.0.113.9"),
        (["*"], ("203.0.113.9", 5000), "192.0.2.1, 10.0.0.7", "192.0.2.1"),
        ([], ("192.0.2.1", 0), "192.0.2.1", UNVERIFIED_CLIENT),
        ([], ("192.0.2.1", 4444), "192.0.2.1:4444", UNVERIFIED_CLIENT),
        (["10.0.0.1"], ("6.6.6.6", 0), "6.6.6.6, 192.0.2.1", UNVERIFIED_CLIENT),
    ],
    ids=[
        "no-header",
        "untrusted-peer",
        "localhost-not-trusted-by-default",
        "trusted-proxy",
        "chain-of-trusted-proxies",
        "client-cannot-prepend",
        "port-dropped",
        "other-peer-not-trusted",
        "trust-anyone",
        "server-took-the-header",
        "server-took-the-header-with-a-port",
        "server-took-an-untrusted-hop",
    ],
)
async def test_client_address(
    trusted: list[str], peer: tuple[str, int], forwarded: str | None, expected: str
) -> None:
    client, _scheme = await _client_seen(trusted, peer, forwarded)
    assert client is not None
    assert client[0] == expected


async def test_scheme_only_from_a_trusted_proxy() -> None:
    trusted = await _client_seen(["127.0.0.1"], ("127.0.0.1", 1), "192.0.2.1", "https")
    assert trusted[1] == "https"
    untrusted = await _client_seen([], ("127.0.0.1", 1), "192.0.2.1", "https")
    assert untrusted[1] == "http"
