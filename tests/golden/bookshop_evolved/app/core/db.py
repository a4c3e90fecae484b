"""Async database engine, session factory and the FastAPI session dependency.

An outage never hangs a request or answers 500: connecting and each statement are bounded by
DATABASE_CONNECT_TIMEOUT / DATABASE_STATEMENT_TIMEOUT, and a database that refuses, drops or
does not answer raises DatabaseUnavailableError (503 with `Retry-After`).
"""

import logging
from collections.abc import AsyncIterator
from typing import Annotated
from typing import Any

from fastapi import Depends
from sqlalchemy import event
from sqlalchemy.engine import Dialect
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.engine import make_url
from sqlalchemy.exc import InterfaceError
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlalchemy.ext.asyncio import create_async_engine
from sqlmodel.ext.asyncio.session import AsyncSession

from app.core.config import Settings
from app.core.config import get_settings
from app.core.errors import DatabaseUnavailableError

logger = logging.getLogger(__name__)

OUTAGE_SQLSTATE_CLASSES = frozenset({"08", "53", "57"})
"""PostgreSQL error classes that mean the database cannot serve now: connection exception,
insufficient resources (too many connections), operator intervention (statement timeout,
shutdown)."""


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
    """Turn an error that means "the database cannot serve now" into DatabaseUnavailableError;
    anything else (a constraint, a bug in a query) stays what it is. A stale pooled connection
    found by the pre-ping is left to the pool, which replaces it."""
    if context.is_pre_ping:
        return
    original = context.original_exception
    sqlstate = str(getattr(original, "sqlstate", None) or "")
    if (
        context.is_disconnect
        or isinstance(original, OSError)  # e.g. the statement timeout on the client side
        or isinstance(context.sqlalchemy_exception, OperationalError | InterfaceError)
        or sqlstate[:2] in OUTAGE_SQLSTATE_CLASSES
    ):
        raise DatabaseUnavailableError() from (context.sqlalchemy_exception or original)


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
    engine = create_async_engine(url, **kwargs)
    event.listen(engine.sync_engine, "do_connect", _connect)
    event.listen(engine.sync_engine, "handle_error", _classify_error)
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _enable_sqlite_foreign_keys)
    return engine


def build_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Session factory bound to `engine`; objects stay usable after commit."""
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


_settings = get_settings()
engine = build_engine(
    _settings.database_url,
    echo=_settings.debug,
    pool_pre_ping=True,
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
