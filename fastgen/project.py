"""Where a generated project lives and what its `[tool.fastgen]` settings say."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from fastgen.errors import UsageError
from fastgen.spec.fields import IDENTIFIER
from fastgen.spec.sections import BUILTIN_SUBJECTS

LOCK_FILE = "fastgen.lock"
SPECS_DIR = "specs"
VERSIONS_DIR = "migrations/versions"
MAIN_PATH = "app/main.py"
"""Includes every resource's router (`fastgen.patch.main_app`)."""
REGISTRY_PATH = "app/models/__init__.py"
"""Imports every model module (`fastgen.patch.registry`)."""
ADMIN_ROLE = "admin"
"""Always declared: routes under /admin and account management need it."""


@dataclass(frozen=True)
class Project:
    root: Path
    blueprints: str = "blueprints"
    roles: tuple[str, ...] = (ADMIN_ROLE,)

    @property
    def override_dir(self) -> Path:
        return self.root / self.blueprints

    @property
    def lock_path(self) -> Path:
        return self.root / LOCK_FILE

    @property
    def versions_dir(self) -> Path:
        return self.root / VERSIONS_DIR


def find_project(start: Path) -> Project:
    """The nearest folder at or above `start` whose pyproject.toml has a `[tool.fastgen]` table."""
    start = start.resolve()
    for folder in (start, *start.parents):
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file():
            config = _fastgen_table(pyproject)
            if config is not None:
                return _project(folder, config, pyproject)
    raise UsageError(
        f"no fastgen project found at {start} or above",
        hint="run `fastgen new NAME` first, or pass --project DIR",
    )


def _fastgen_table(pyproject: Path) -> dict[str, object] | None:
    try:
        data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"{pyproject}: cannot read it: {exc}") from exc
    table = data.get("tool", {}).get("fastgen")
    return table if isinstance(table, dict) else None


def _project(root: Path, config: dict[str, object], pyproject: Path) -> Project:
    blueprints = config.get("blueprints", "blueprints")
    roles = config.get("roles", [])
    if not isinstance(blueprints, str):
        raise UsageError(f"{pyproject}: [tool.fastgen] blueprints must be a folder name")
    if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
        raise UsageError(f"{pyproject}: [tool.fastgen] roles must be a list of names")
    origin = f"{pyproject}: [tool.fastgen] roles"
    return Project(root=root, blueprints=blueprints, roles=project_roles(roles, origin))


def project_roles(declared: list[str], origin: str) -> tuple[str, ...]:
    """`admin` first, then the declared roles in their order, each once. A role is named like
    a field (the loader's identifier rule, whole string: no trailing newline slips through) and
    is not one of the subjects every spec knows."""
    for role in declared:
        if not IDENTIFIER.fullmatch(role) or role in BUILTIN_SUBJECTS:
            raise UsageError(
                f"{origin}: {role!r} is not a usable role name",
                hint="lowercase letters, digits and '_', starting with a letter; "
                f"not one of {', '.join(BUILTIN_SUBJECTS)}",
            )
    return tuple(dict.fromkeys([ADMIN_ROLE, *declared]))
