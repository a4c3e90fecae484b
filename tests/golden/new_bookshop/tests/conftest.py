"""Shared fixtures: a clean test database per test, users and their tokens, and HTTP clients
calling the real app (real authentication, real access rules, real rate limiter).

The test database is `TEST_DATABASE_URL` when set (e.g. PostgreSQL), otherwise a
fresh SQLite file in the test's tmp_path.
"""

import itertools
import os

# The app refuses to start with the example secret; tests sign their tokens with this one.
os.environ.setdefault("SECRET_KEY", "test-secret-key-used-by-the-test-suite-only-" + "x" * 32)

from collections.abc import AsyncIterator
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from typing import Protocol

import pytest
from httpx import ASGITransport
from httpx import AsyncClient
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher
from sqlalchemy import MetaData
from sqlalchemy import event
from sqlalchemy import pool
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import SQLModel
from sqlmodel.ext.asyncio.session import AsyncSession

from app import models  # noqa: F401  (registers every table on SQLModel.metadata)
from app.core import passwords
from app.core.config import Settings
from app.core.config import get_settings
from app.core.db import build_engine
from app.core.db import build_sessionmaker
from app.core.db import engine_options
from app.core.db import get_session
from app.core.passwords import hash_password
from app.core.rate_limit import RateLimiter
from app.core.rate_limit import get_rate_limiter
from app.core.roles import ROLES
from app.core.security import create_access_token
from app.main import app
from app.models.user import User
from tests import outages

TEST_PASSWORD = "correct horse battery staple"
LOW_RATE_LIMIT = 3
"""Requests per minute allowed by the `low_rate_limit` fixture."""

# argon2 at the app's cost takes about half a second per hash, and the suite logs in, registers
# and changes passwords hundreds of times: it hashes with cheap parameters instead
# (test_sessions checks that the app itself keeps pwdlib's recommended ones).
passwords.use_hasher(
    PasswordHash((Argon2Hasher(time_cost=1, memory_cost=8 * 1024, parallelism=1),))
)

_schema_ready: set[str] = set()
_emails = itertools.count(1)
_password_hashes: dict[str, str] = {}

MakeUser = Callable[..., Awaitable[User]]


class ClientFor(Protocol):
    def __call__(self, user: User | None, *, address: str = "127.0.0.1") -> AsyncClient:
        """A client calling as `user` (None: anonymous) from client address `address`."""
        ...


def _rebuild_schema(connection: Connection) -> None:
    """Drop every table the test database has, as reflected (one left by an earlier schema may
    hold tables and foreign keys the models no longer describe, which dropping only the models'
    tables would trip over), then the models' enum types; create the current models' schema."""
    leftovers = MetaData()
    leftovers.reflect(connection)
    leftovers.drop_all(connection)
    SQLModel.metadata.drop_all(connection)
    SQLModel.metadata.create_all(connection)


async def _reset_database(engine: AsyncEngine, url: str) -> None:
    """Leave every table of SQLModel.metadata existing and empty."""
    tables = SQLModel.metadata.sorted_tables
    async with engine.begin() as conn:
        if url not in _schema_ready:
            # First use in this run: rebuild the schema from the current models.
            await conn.run_sync(_rebuild_schema)
            _schema_ready.add(url)
        elif tables:
            preparer = conn.dialect.identifier_preparer
            names = ", ".join(preparer.format_table(table) for table in tables)
            await conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """Async engine on an empty test database with all tables created."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        test_engine = build_engine(url, poolclass=pool.NullPool)
        await _reset_database(test_engine, url)
    else:
        test_engine = build_engine(f"sqlite+aiosqlite:///{tmp_path / 'test.db'}")
        async with test_engine.begin() as conn:
            await conn.run_sync(SQLModel.metadata.create_all)
    try:
        yield test_engine
    finally:
        await test_engine.dispose()


@pytest.fixture
def sql_statements(engine: AsyncEngine) -> Iterator[list[str]]:
    """Every SQL statement the test database runs while the test lasts, in order."""
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


@pytest.fixture
async def session(engine: AsyncEngine) -> AsyncIterator[AsyncSession]:
    """A session on the test database (commit to make data visible to the clients)."""
    async with build_sessionmaker(engine)() as test_session:
        yield test_session


@pytest.fixture
def settings() -> Iterator[Settings]:
    """The settings the app sees during one test; a test may change them. Rate limits are
    off unless a test asks for `low_rate_limit`."""
    test_settings = get_settings().model_copy(
        update={
            "rate_limit_enabled": False,
            "rate_limit_storage_url": "memory://",
            "rate_limit_fail_open": True,
            "rate_limit_credentials_fail_open": False,
            "require_authentication": False,
            "allow_registration": True,
        }
    )
    app.dependency_overrides[get_settings] = lambda: test_settings
    try:
        yield test_settings
    finally:
        app.dependency_overrides.pop(get_settings, None)


@pytest.fixture
async def rate_limiter() -> AsyncIterator[RateLimiter]:
    """A fresh in-memory limiter per test, so no test spends another's budget."""
    limiter = RateLimiter("memory://", "test")
    app.dependency_overrides[get_rate_limiter] = lambda: limiter
    try:
        yield limiter
    finally:
        app.dependency_overrides.pop(get_rate_limiter, None)
        await limiter.reset()


def lower_rate_limits(settings: Settings) -> int:
    """Turn rate limiting on, with every declared limit lowered to LOW_RATE_LIMIT/minute
    (call it once the test's data exists: creating rows spends budgets too)."""
    settings.rate_limit_enabled = True
    settings.rate_limit_override = f"{LOW_RATE_LIMIT}/minute"
    return LOW_RATE_LIMIT


@pytest.fixture
def low_rate_limit(settings: Settings, rate_limiter: RateLimiter) -> int:
    """Rate limiting on from the start of the test, at LOW_RATE_LIMIT/minute."""
    return lower_rate_limits(settings)


@pytest.fixture
def make_user(session: AsyncSession) -> MakeUser:
    """Create an account directly in the database: `await make_user("editor")`."""

    async def make(*roles: str, email: str | None = None, is_active: bool = True) -> User:
        if TEST_PASSWORD not in _password_hashes:  # argon2 is slow on purpose: hash once
            _password_hashes[TEST_PASSWORD] = hash_password(TEST_PASSWORD)
        user = User(
            email=email or f"user{next(_emails)}@example.com",
            password_hash=_password_hashes[TEST_PASSWORD],
            roles=list(roles),
            is_active=is_active,
        )
        session.add(user)
        await session.commit()
        await session.refresh(user)
        return user

    return make


@pytest.fixture
def token_for(settings: Settings) -> Callable[[User], str]:
    """A valid access token for a user."""

    def token(user: User) -> str:
        assert user.id is not None
        return create_access_token(user.id, settings, version=user.token_version)

    return token


@pytest.fixture
async def client_for(
    engine: AsyncEngine,
    settings: Settings,
    rate_limiter: RateLimiter,
    token_for: Callable[[User], str],
) -> AsyncIterator[ClientFor]:
    """Make an HTTP client calling the app in-process as `user` (None: anonymous), from
    `address` (its client address, 127.0.0.1 unless given)."""
    session_factory = build_sessionmaker(engine)

    async def override_get_session() -> AsyncIterator[AsyncSession]:
        async with session_factory() as request_session:
            yield request_session

    app.dependency_overrides[get_session] = override_get_session
    clients: list[AsyncClient] = []

    def make(user: User | None, *, address: str = "127.0.0.1") -> AsyncClient:
        headers = {} if user is None else {"Authorization": f"Bearer {token_for(user)}"}
        transport = ASGITransport(app=app, client=(address, 50000))
        http = AsyncClient(transport=transport, base_url="http://test", headers=headers)
        clients.append(http)
        return http

    try:
        yield make
    finally:
        for http in clients:
            await http.aclose()
        app.dependency_overrides.pop(get_session, None)


@pytest.fixture
def refused_address() -> str:
    """`127.0.0.1:<port>` where nothing listens."""
    return outages.refused_address()


@pytest.fixture
async def silent_address() -> AsyncIterator[str]:
    """`127.0.0.1:<port>` of a server that accepts connections and never answers."""
    async with outages.silent_server() as address:
        yield address


@pytest.fixture
async def use_database(
    client_for: ClientFor, settings: Settings
) -> AsyncIterator[outages.UseDatabase]:
    """Send the app's sessions to another database URL, with the timeouts `settings` has when
    it is called."""
    engines: list[AsyncEngine] = []

    def use(url: str) -> None:
        other = build_engine(url, **engine_options(url, settings))
        engines.append(other)
        session_factory = build_sessionmaker(other)

        async def override_get_session() -> AsyncIterator[AsyncSession]:
            async with session_factory() as request_session:
                yield request_session

        app.dependency_overrides[get_session] = override_get_session

    try:
        yield use
    finally:
        for other in engines:
            await other.dispose()


@pytest.fixture
def use_rate_limit_store(
    rate_limiter: RateLimiter, settings: Settings
) -> outages.UseRateLimitStore:
    """Count the app's rate limits in another store (instead of `rate_limiter`), with the
    timeout `settings` has when it is called."""

    def use(url: str) -> RateLimiter:
        other = RateLimiter(url, "test", timeout=settings.rate_limit_storage_timeout)
        app.dependency_overrides[get_rate_limiter] = lambda: other
        return other

    return use


@pytest.fixture
async def actor(make_user: MakeUser) -> User:
    """The user the tests act as by default: holds every role, owns what it creates."""
    return await make_user(*ROLES)


@pytest.fixture
def client(client_for: ClientFor, actor: User) -> AsyncClient:
    """HTTP client authenticated as `actor`."""
    return client_for(actor)


@pytest.fixture
def anon_client(client_for: ClientFor) -> AsyncClient:
    """HTTP client without a token."""
    return client_for(None)
