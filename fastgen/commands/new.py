"""`fastgen new NAME`: a runnable project skeleton."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

import fastgen
from fastgen.commands.outcome import Outcome
from fastgen.errors import UsageError
from fastgen.project import ADMIN_ROLE, LOCK_FILE, project_roles
from fastgen.render.columns import NAMING_CONVENTION
from fastgen.render.environment import make_environment, packaged_templates
from fastgen.render.pyformat import format_python_files
from fastgen.spec.json_schema import SCHEMA_FILE, schema_text
from fastgen.state import ProjectState, dump_lock
from fastgen.write import Changeset, FileChange

DATABASES = ("sqlite", "postgresql")
USERS_REVISION = "5e1f0a2b3c4d"
"""The skeleton's first migration (blueprints/project/migrations/versions/0001_create_users)."""
_NAME = re.compile(r"^[a-z][a-z0-9_-]*$")


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


def new_project(name: str, *, directory: Path, db: str, roles: Sequence[str] = ()) -> Outcome:
    if not _NAME.fullmatch(name):
        raise UsageError(
            f"invalid project name {name!r}",
            hint="use lowercase letters, digits, '-' and '_', starting with a letter",
        )
    if db not in DATABASES:
        raise UsageError(f"unknown database {db!r}", hint=f"choose one of: {', '.join(DATABASES)}")
    declared = project_roles(list(roles), "--role")
    root = directory / name
    if root.exists() and any(root.iterdir()):
        raise UsageError(
            f"{root} already exists and is not empty",
            hint="choose another name, or remove the folder first",
        )
    files = render_project(name, db, declared)
    changes = tuple(FileChange(path, None, text) for path, text in files)
    return Outcome(
        root=root,
        changeset=Changeset(changes),
        summary=f"created project {name} ({db})",
        next_steps=(
            f"cd {name}",
            'python -m pip install -e ".[dev]"',
            "fastgen add resource specs/<resource>.yaml",
            "alembic upgrade head",
            "pytest",
            "uvicorn app.main:app --reload --no-proxy-headers",
        ),
    )
