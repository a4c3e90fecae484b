"""Async database engine, session factory and the FastAPI session dependency.

An outage never hangs a request or answers 500: connecting and each statement are bounded by
DATABASE_CONNECT_TIMEOUT / DATABASE_STATEMENT_TIMEOUT, and a database that refuses, drops or
does not answer raises DatabaseUnavailableError (503 with `Retry-After`).

A pooled connection the database closed meanwhile (a restart, an idle timeout) never fails a
request, and no request pays a round trip to find that out: the driver knows a connection
whose server hung up, and such a connection is replaced when it is taken from the pool;
connections older than POOL_RECYCLE_SECONDS are replaced too; and a read that is the first
statement of its session and finds its connection gone runs once more on a fresh one.
"""

import logging
from collections.abc import AsyncIterator
from collections.abc import Callable
from typing import Annotated
from typing import Any

from fastapi import Depends
from sqlalchemy import event
from sqlalchemy.engine import Dialect
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.exc import InterfaceError
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.orm import ORMExecuteState
from sqlalchemy.pool import ConnectionPoolEntry
from sqlmodel import Session
from sqlmodel.ext.asyncio.session import AsyncSession

from app.core.config import Settings
from app.core.config import get_settings
from app.core.errors import DatabaseUnavailableError

logger = logging.getLogger(__name__)

OUTAGE_SQLSTATE_CLASSES = frozenset({"08", "53", "57"})
"""PostgreSQL error classes that mean the database cannot serve now: connection exception,
insufficient resources (too many connections), operator intervention (statement timeout,
shutdown)."""
POOL_RECYCLE_SECONDS = 300
"""A pooled connection is replaced once it is this old: servers, proxies and firewalls drop
long-lived connections, some without a word (AWS NAT gateways after 350 s idle)."""


class ConnectionLostError(DatabaseUnavailableError):
    """The connection broke under a statement (the server closed it): 503, unless the
    statement could run again on a fresh connection (see `_retry_first_read`)."""


def _enable_sqlite_foreign_keys(dbapi_connection: Any, _record: Any) -> None:
    """Make SQLite enforce foreign keys (and ON DELETE) like PostgreSQL does."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def _connect(dialect: Dialect, _record: Any, cargs: Any, cparams: Any) -> Any:
    """Open a connection; a refused, unresolvable or silent address is an outage. (Driver
    errors such as a wrong password go on to `_classify_error`.)"""
    try:
        return dialect.connect(*cargs, **cparams)
    except OSError as exc:  # TimeoutError, ConnectionRefusedError, socket.gaierror, ...
        raise DatabaseUnavailableError() from exc


def _classify_error(context: ExceptionContext) -> None:
    """Turn an error that means "the database cannot serve now" into DatabaseUnavailableError
    (ConnectionLostError when the connection broke); anything else (a constraint, a bug in a
    query) stays what it is. The engine still discards the broken connection."""
    if context.is_pre_ping:
        return
    original = context.original_exception
    cause = context.sqlalchemy_exception or original
    if context.is_disconnect:
        raise ConnectionLostError() from cause
    sqlstate = str(getattr(original, "sqlstate", None) or "")
    if (
        isinstance(original, OSError)  # e.g. the statement timeout on the client side
        or isinstance(context.sqlalchemy_exception, OperationalError | InterfaceError)
        or sqlstate[:2] in OUTAGE_SQLSTATE_CLASSES
    ):
        raise DatabaseUnavailableError() from cause


def _refuse_closed(_dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: Any) -> None:
    """Pool checkout: a connection its server has closed is replaced by a fresh one. The driver
    knows without asking the server (asyncpg's `is_closed()`), so this costs no round trip."""
    is_closed: Callable[[], bool] | None = getattr(record.driver_connection, "is_closed", None)
    if is_closed is not None and is_closed():
        raise DisconnectionError("the server closed this pooled connection")


def _retry_first_read(state: ORMExecuteState) -> Any:
    """Run a SELECT that opens its session's transaction once more, on a fresh connection, when
    its connection turns out to be gone: nothing was done on it yet, and a read changes
    nothing. Any other statement, or a second failure, answers 503."""
    session = state.session
    if not state.is_select or session.in_transaction() or session.new or session.dirty:
        return None  # (a rollback would drop the session's pending changes)
    try:
        return state.invoke_statement()
    except ConnectionLostError:
        session.rollback()
        return state.invoke_statement()


def engine_options(url: str, settings: Settings) -> dict[str, Any]:
    """The timeouts of `settings` as engine arguments for the database of `url`."""
    connect = settings.database_connect_timeout
    backend = make_url(url).get_backend_name()
    if backend == "postgresql":
        return {
            "pool_timeout": connect,
            "connect_args": {
                "timeout": connect,
                "command_timeout": settings.database_statement_timeout,
            },
        }
    if backend == "sqlite":
        return {"connect_args": {"timeout": connect}}  # how long to wait for a lock
    return {"pool_timeout": connect}


def build_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """Create an async engine whose outages raise DatabaseUnavailableError; SQLite connections
    get foreign key enforcement."""
    engine = create_async_engine(url, **{"pool_recycle": POOL_RECYCLE_SECONDS, **kwargs})
    event.listen(engine.sync_engine, "do_connect", _connect)
    event.listen(engine.sync_engine, "handle_error", _classify_error)
    event.listen(engine.sync_engine, "checkout", _refuse_closed)
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _enable_sqlite_foreign_keys)
    return engine


def build_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Session factory bound to `engine`; objects stay usable after commit."""
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


event.listen(Session, "do_orm_execute", _retry_first_read)


_settings = get_settings()
engine = build_engine(
    _settings.database_url,
    echo=_settings.debug,
    **engine_options(_settings.database_url, _settings),
)
SessionLocal = build_sessionmaker(engine)


async def get_session() -> AsyncIterator[AsyncSession]:
    """FastAPI dependency: one session per request. Closing it never changes the answer: when
    the database went away meanwhile, the connection is discarded instead of rolled back."""
    session = SessionLocal()
    try:
        yield session
    finally:
        try:
            await session.close()
        except (DatabaseUnavailableError, OSError) as exc:
            logger.warning("database connection dropped: %s", exc)
            await session.invalidate()


SessionDep = Annotated[AsyncSession, Depends(get_session)]
