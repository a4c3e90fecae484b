"""Alembic environment (async). The database URL comes from the app settings
(`DATABASE_URL` / `.env`) unless given as `alembic -x db_url=...`. A database that cannot be
reached (not created yet, server down) is one line saying what to do, and exit status 1."""

import asyncio
import sys
from logging.config import fileConfig
from typing import Any
from typing import Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import pool
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.types import TypeDecorator
from sqlmodel import SQLModel

import app.models  # noqa: F401  (registers every table on SQLModel.metadata)
from app.core.config import get_settings
from app.core.connection_errors import connection_failure
from app.core.connection_errors import sqlite_failure

config = context.config

if config.config_file_name is not None:
    fileConfig(config.config_file_name)

target_metadata = SQLModel.metadata


def get_url() -> str:
    """`-x db_url=...` wins over the settings."""
    url = context.get_x_argument(as_dictionary=True).get("db_url")
    return url or get_settings().database_url


def render_item(type_: str, obj: Any, _autogen_context: AutogenContext) -> str | Literal[False]:
    """Render SQLModel's column types (AutoString, UTCDateTime, ...) as the plain
    SQLAlchemy type they wrap, so revisions only need `sqlalchemy as sa`."""
    if (
        type_ == "type"
        and isinstance(obj, TypeDecorator)
        and type(obj).__module__.startswith("sqlmodel.")
    ):
        return f"sa.{obj.impl_instance!r}"
    return False


def configure_options(url: str) -> dict[str, Any]:
    return {
        "target_metadata": target_metadata,
        "render_as_batch": url.startswith("sqlite"),
        "compare_type": True,
        "compare_server_default": False,
        "render_item": render_item,
    }


def run_migrations_offline() -> None:
    """Emit SQL to stdout instead of running it (`alembic upgrade head --sql`)."""
    url = get_url()
    context.configure(
        url=url,
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        **configure_options(url),
    )
    with context.begin_transaction():
        context.run_migrations()


def do_run_migrations(connection: Connection, url: str) -> None:
    context.configure(connection=connection, **configure_options(url))
    with context.begin_transaction():
        context.run_migrations()


async def run_async_migrations() -> str | None:
    """Run the migrations; None, or why the database could not be reached (one line)."""
    url = get_url()
    failure = sqlite_failure(url)
    if failure is not None:
        return failure
    # Plain engine (no SQLite foreign key pragma): batch migrations on SQLite
    # recreate tables, which must not cascade into referencing rows.
    connectable = create_async_engine(url, poolclass=pool.NullPool)
    try:
        connection = await connectable.connect()
    except (DBAPIError, OSError) as error:
        await connectable.dispose()
        return connection_failure(error, url)
    try:
        await connection.run_sync(do_run_migrations, url)
    finally:
        await connection.close()
        await connectable.dispose()
    return None


def run_migrations_online() -> None:
    failure = asyncio.run(run_async_migrations())
    if failure is not None:
        sys.exit(failure)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
