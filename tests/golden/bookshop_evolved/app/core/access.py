"""Which rows a caller may read, as one rule for every endpoint: a row that the `read` rule of
its resource hides is never shown, listed, included, referenced by a foreign key or linked, and
the answer about it is the answer about a missing row (no existence oracle).

Each resource's `read` list (ACCESS["read"] in its model module) decides, through `grant_for`:
every row (`public`, `authenticated`, a role the caller holds), only the caller's own
(`owner`), or none (where the read endpoint would answer 401 or 403)."""

from collections.abc import Collection
from dataclasses import dataclass
from typing import Annotated
from typing import Any
from typing import TypeVar

from fastapi import Depends
from sqlalchemy import ColumnElement
from sqlalchemy import false
from sqlalchemy import inspect
from sqlalchemy import true
from sqlmodel import SQLModel
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.core.config import Settings
from app.core.errors import ForbiddenError
from app.core.errors import UnauthorizedError
from app.core.roles import ADMIN_ROLE
from app.core.security import Grant
from app.core.security import OptionalUser
from app.core.security import SettingsDep
from app.core.security import grant_for
from app.models.user import User

USER_READ: tuple[str, ...] = ("owner", ADMIN_ROLE)
"""Who may read an account, and so point a foreign key at it: the account itself (a user is
the owner of their own row) and admins."""
ID_MAX = 2_147_483_647
"""Ids are INTEGER columns: a larger one names no row (and is not looked up)."""

Model = TypeVar("Model", bound=SQLModel)


def _owner_column(model: type[SQLModel]) -> str:
    return "id" if model is User else "owner_id"


@dataclass(frozen=True)
class Visibility:
    """The caller of one request, seen through the `read` rules of the resources it touches."""

    user: User | None
    settings: Settings

    def _grant(self, subjects: Collection[str]) -> Grant | None:
        try:
            return grant_for(subjects, self.user, self.settings)
        except (UnauthorizedError, ForbiddenError):
            return None

    def rows(self, model: type[SQLModel], subjects: Collection[str]) -> ColumnElement[bool]:
        """The SQL condition that keeps the rows of `model` the caller may read under
        `subjects` (that model's ACCESS["read"])."""
        grant = self._grant(subjects)
        if grant is None:
            return false()
        if grant.all_rows:
            return true()
        owner: ColumnElement[int | None] = inspect(model).columns[_owner_column(model)]
        return owner == grant.user_id

    def shows(self, row: SQLModel, subjects: Collection[str]) -> bool:
        """Whether the caller may read `row`, a row already loaded, under `subjects`."""
        grant = self._grant(subjects)
        if grant is None:
            return False
        owner: Any = getattr(row, _owner_column(type(row)), None)
        return grant.all_rows or (owner is not None and owner == grant.user_id)

    async def find(
        self, session: AsyncSession, model: type[Model], row_id: int, subjects: Collection[str]
    ) -> Model | None:
        """The row of `model` with this id, if it exists and the caller may read it: a row
        the caller may not read is as missing as one that does not exist."""
        if not 1 <= row_id <= ID_MAX:
            return None
        key = inspect(model).columns["id"]
        query = select(model).where(key == row_id, self.rows(model, subjects))
        return (await session.exec(query)).first()


async def get_visibility(user: OptionalUser, settings: SettingsDep) -> Visibility:
    return Visibility(user=user, settings=settings)


VisibilityDep = Annotated[Visibility, Depends(get_visibility)]
