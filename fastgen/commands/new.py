"""`fastgen new NAME`: a runnable project skeleton."""

from __future__ import annotations

import re
import secrets
import shlex
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

import fastgen
from fastgen.commands.outcome import Outcome
from fastgen.errors import UsageError
from fastgen.project import ADMIN_ROLE, LOCK_FILE, project_roles
from fastgen.record import Identity, recorded
from fastgen.render.columns import NAMING_CONVENTION
from fastgen.render.environment import make_environment, packaged_templates
from fastgen.render.pyformat import format_python_files
from fastgen.spec.json_schema import SCHEMA_FILE, schema_text
from fastgen.state import ProjectState, dump_lock
from fastgen.write import Changeset, FileChange, read_text

DATABASES = ("sqlite", "postgresql")
USERS_REVISION = "5e1f0a2b3c4d"
"""The skeleton's first migration (blueprints/project/migrations/versions/0001_create_users)."""
_NAME = re.compile(r"^[a-z][a-z0-9_-]*$")
ENV_FILE = ".env"
"""This checkout's own settings: written by `new` (never over an existing one), git-ignored,
and the one generated file that differs on every run (its SECRET_KEY is fresh)."""
_DRIVERS = {
    "sqlite": ("sqlite+aiosqlite", ("sqlite", "sqlite+aiosqlite")),
    "postgresql": ("postgresql+asyncpg", ("postgresql", "postgres", "postgresql+asyncpg")),
}
"""Per database: the async driver the app uses, and the URL schemes `--database-url` may have
(a plain `postgresql://` gets the driver)."""
_PLAIN_ENV_VALUE = re.compile(r"^[A-Za-z0-9+.:/@%_\-?=&,~\[\]]*$")


def render_project(
    name: str, db: str, roles: tuple[str, ...] = (ADMIN_ROLE,)
) -> list[tuple[str, str]]:
    env = make_environment()
    context = {
        "project_name": name,
        "package_title": name.replace("-", " ").replace("_", " ").title(),
        "db": db,
        "fastgen_version": fastgen.__version__,
        "roles": list(roles),
        "naming_convention": NAMING_CONVENTION,
    }
    files: list[tuple[str, str]] = []
    for template in packaged_templates("project"):
        target = template.removeprefix("project/").removesuffix(".jinja")
        files.append((target, env.get_template(template).render(context)))
    files.append((LOCK_FILE, dump_lock(ProjectState(revision=USERS_REVISION))))
    # next to specs/, so `$schema=../fastgen-spec.schema.json` in a spec finds it
    files.append((SCHEMA_FILE, schema_text()))
    return sorted(format_python_files(files))


def default_database_url(name: str, db: str) -> str:
    """The database a new project uses unless `--database-url` says otherwise (the same as the
    default in its `app/core/config.py`)."""
    if db == "postgresql":
        return f"postgresql+asyncpg://postgres@127.0.0.1:5432/{name}"
    return f"sqlite+aiosqlite:///./{name}.db"


def database_url_for(db: str, url: str) -> str:
    """`--database-url` checked against `--db`, with the app's async driver: a plain
    `postgresql://...` becomes `postgresql+asyncpg://...`."""
    driver, accepted = _DRIVERS[db]
    scheme, separator, rest = url.partition("://")
    if not separator or scheme not in accepted:
        raise UsageError(
            f"--database-url: {url!r} is not a {db} URL",
            hint=f"write it as {driver}://... (see --db)",
        )
    if any(char.isspace() or char in "'\"" for char in url):
        raise UsageError(
            f"--database-url: {url!r} holds a quote or a blank",
            hint="percent-encode them (a space is %20, ' is %27)",
        )
    if db == "postgresql" and not urlsplit(url).path.strip("/"):
        raise UsageError(
            f"--database-url: {url!r} names no database",
            hint=f"end it with the database's name: {driver}://user@host:5432/NAME",
        )
    if db == "sqlite" and not rest.lstrip("/"):
        raise UsageError(
            f"--database-url: {url!r} names no database file",
            hint=f"for example {driver}:///./app.db",
        )
    return f"{driver}://{rest}"


def env_file(database_url: str, secret_key: str) -> str:
    """The `.env` of a new checkout: the database it uses and a secret of its own."""
    value = database_url if _PLAIN_ENV_VALUE.fullmatch(database_url) else f"'{database_url}'"
    return (
        "# This checkout's own settings, written by `fastgen new`. Never commit them: .gitignore\n"
        "# lists this file. Every other setting, and what it does: .env.example.\n"
        f"DATABASE_URL={value}\n"
        "# Signs the access tokens; made fresh for this checkout.\n"
        f"SECRET_KEY={secret_key}\n"
    )


def first_steps(name: str, directory: Path, db: str) -> tuple[str, ...]:
    """What is left to run after `new`, in order, exactly as a person types it."""
    folder = Path(name) if directory == Path(".") else directory / name
    return (
        f"cd {shlex.quote(folder.as_posix())}",
        'python -m pip install -e ".[dev]"',
        *(("python -m app.create_database",) if db == "postgresql" else ()),
        "alembic upgrade head",
        "python -m app.create_user admin@example.com --role admin",
        "uvicorn app.main:app --reload --no-proxy-headers",
    )


def new_project(
    name: str,
    *,
    directory: Path,
    db: str,
    roles: Sequence[str] = (),
    database_url: str | None = None,
    secret_key: str | None = None,
) -> Outcome:
    """The files of a new project, `.env` included (kept as it is when the folder has one).
    `secret_key`: for tests; by default a fresh one (`secrets.token_urlsafe`, 43 characters)."""
    if not _NAME.fullmatch(name):
        raise UsageError(
            f"invalid project name {name!r}",
            hint="use lowercase letters, digits, '-' and '_', starting with a letter",
        )
    if db not in DATABASES:
        raise UsageError(f"unknown database {db!r}", hint=f"choose one of: {', '.join(DATABASES)}")
    declared = project_roles(list(roles), "--role")
    url = (
        default_database_url(name, db)
        if database_url is None
        else database_url_for(db, database_url)
    )
    root = directory / name
    if root.exists() and any(path.name != ENV_FILE for path in root.iterdir()):
        raise UsageError(
            f"{root} already exists and is not empty",
            hint="choose another name, or remove the folder first (a .env alone may stay)",
        )
    existing = read_text(root, ENV_FILE)
    env = (
        existing if existing is not None else env_file(url, secret_key or secrets.token_urlsafe(32))
    )
    changes = [FileChange(path, None, text) for path, text in render_project(name, db, declared)]
    changes.append(FileChange(ENV_FILE, existing, env))
    changeset = recorded(
        root, Changeset(tuple(changes)), Identity(name, db)
    )  # the record of what was generated
    summary = f"created project {name} ({db})"
    if existing is not None:
        summary += f"; kept the {ENV_FILE} that was there"
    return Outcome(
        root=root,
        changeset=Changeset(tuple(sorted(changeset.changes, key=lambda change: change.path))),
        summary=summary,
        next_steps=first_steps(name, directory, db),
    )
