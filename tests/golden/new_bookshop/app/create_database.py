"""Create the PostgreSQL database that DATABASE_URL names, unless it exists:

    python -m app.create_database

It connects to the server's `postgres` database as DATABASE_URL's user, who needs the right
to create databases. SQLite needs nothing: `alembic upgrade head` makes the file.
"""

import asyncio
import sys

from sqlalchemy import pool
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine

from app.core.config import get_settings
from app.core.connection_errors import connection_failure
from app.core.connection_errors import describe_database

MAINTENANCE_DATABASE = "postgres"


async def create_database(url: str) -> str:
    """Create the database `url` names, on its server; what was done, as one line (or an
    error line starting with `error:`)."""
    target = make_url(url)
    server_url = target.set(database=MAINTENANCE_DATABASE)
    server = create_async_engine(server_url, poolclass=pool.NullPool, isolation_level="AUTOCOMMIT")
    try:
        connection = await server.connect()
    except (DBAPIError, OSError) as error:
        await server.dispose()
        return connection_failure(
            error,
            server_url.render_as_string(hide_password=False),
            missing_fix=f"create {target.database!r} with the server's own tools (createdb)",
        )
    try:
        found = await connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}
        )
        if found is not None:
            return f"{describe_database(url)} exists already"
        name = connection.dialect.identifier_preparer.quote_identifier(str(target.database))
        await connection.execute(text(f"CREATE DATABASE {name}"))
    except DBAPIError as error:
        reason = str(error.orig or error).splitlines()[0]
        return f"error: cannot create {describe_database(url)}: {reason}"
    finally:
        await connection.close()
        await server.dispose()
    return f"created {describe_database(url)}"


def main() -> int:
    url = get_settings().database_url
    target = make_url(url)
    if target.get_backend_name() != "postgresql":
        print(f"nothing to create: `alembic upgrade head` makes {describe_database(url)}")
        return 0
    if not target.database:
        print("error: DATABASE_URL names no database (end it with /NAME)", file=sys.stderr)
        return 2
    outcome = asyncio.run(create_database(url))
    failed = outcome.startswith("error:")
    print(outcome, file=sys.stderr if failed else sys.stdout)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
