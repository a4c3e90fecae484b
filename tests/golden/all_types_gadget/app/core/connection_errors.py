"""One line a person can act on when the database cannot be reached, instead of a traceback.
`alembic` (migrations/env.py) and `python -m app.create_database` print it and exit 1."""

import sqlite3

from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

MISSING_DATABASE = "3D000"
"""PostgreSQL's SQLSTATE for "database does not exist"."""
CREATE_IT = "create it with `python -m app.create_database`, then run this again"
SQLITE_FIX = "its folder must exist and be writable"


def describe_database(url: str) -> str:
    """`database 'shop' on 127.0.0.1:5432`, or `the SQLite database ./shop.db`."""
    target = make_url(url)
    if target.get_backend_name() == "sqlite":
        return f"the SQLite database {target.database}"
    return f"database {target.database!r} on {target.host or 'localhost'}:{target.port or 5432}"


def sqlite_failure(url: str) -> str | None:
    """Why the SQLite file of `url` cannot be opened, as `connection_failure` says it (None: it
    can, or `url` is not SQLite). Tried with the sqlite3 module, before any async engine: after
    a failed connect, aiosqlite's worker thread may print a traceback of its own at exit."""
    target = make_url(url)
    database = target.database
    if target.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    if target.query.get("uri"):
        return None  # a `file:` URI: left to the driver
    try:
        sqlite3.connect(database).close()
    except sqlite3.Error as error:
        return f"error: cannot open {describe_database(url)} ({error}): {SQLITE_FIX}"
    return None


def connection_failure(
    error: DBAPIError | OSError, url: str, *, missing_fix: str = CREATE_IT
) -> str:
    """Why connecting to `url` failed and what fixes it, in one line. `missing_fix`: what to do
    when the database does not exist."""
    where = describe_database(url)
    if isinstance(error, OSError):  # refused, unknown host, timed out
        if isinstance(error, ConnectionRefusedError):
            reason = "connection refused"
        else:
            reason = error.strerror or str(error) or type(error).__name__
        return (
            f"error: cannot reach the server of {where} ({reason}): start it, or set "
            "DATABASE_URL (in .env) to a server that runs"
        )
    reason = (str(error.orig) or str(error)).splitlines()[0]
    if getattr(error.orig, "sqlstate", None) == MISSING_DATABASE:
        return f"error: {where} does not exist: {missing_fix}"
    if make_url(url).get_backend_name() == "sqlite":
        return f"error: cannot open {where} ({reason}): {SQLITE_FIX}"
    return f"error: cannot connect to {where} ({reason}): check DATABASE_URL (in .env)"
