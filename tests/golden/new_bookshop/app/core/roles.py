"""The roles this project declares (`[tool.fastgen] roles` in pyproject.toml; kept in step by
`fastgen sync`). `admin` may use every route under /admin."""

from typing import Literal

ADMIN_ROLE = "admin"

Role = Literal["admin", "editor"]
ROLES: tuple[Role, ...] = (
    "admin",
    "editor",
)
