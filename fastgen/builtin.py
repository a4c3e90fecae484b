"""Resources every generated project has without a spec: the accounts behind authentication
(blueprints/project/app/models/user.py). A spec may point to them with `belongs_to`, never
define them again."""

from __future__ import annotations

BUILTIN_RESOURCES: dict[str, str] = {"User": "users"}
"""Class name -> table name."""
BUILTIN_MODULES: dict[str, str] = {"User": "app/models/user.py"}
"""Class name -> the file that defines it."""
BUILTIN_READ: dict[str, tuple[str, ...]] = {"User": ("owner", "admin")}
"""Class name -> who may read a row, and so name it in a foreign key (USER_READ in the
generated app/core/access.py: an account itself and admins)."""
SKELETON_TABLES: dict[str, str] = {
    "password_reset_tokens": "the password reset tokens of the accounts",
    "refresh_tokens": "the refresh tokens of the accounts",
}
"""Table name -> what it holds: the other tables of the project skeleton (app/models/
refresh_token.py, app/models/password_reset_token.py), created by its first revision."""


def builtin_for_table(table: str) -> str | None:
    """The built-in resource stored in `table`, if any."""
    return next((name for name, owned in BUILTIN_RESOURCES.items() if owned == table), None)


def rename_hint(resource: str, example: str = "Member") -> str:
    return (
        f"the project already has {resource} ({BUILTIN_MODULES[resource]}); "
        f"name yours differently, e.g. {example}"
    )
