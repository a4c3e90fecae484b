"""Which rows a caller may read, as one rule for every endpoint: a row that the `read` rule of
its resource hides is never shown, listed, included, referenced by a foreign key or linked, and
the answer about it is the answer about a missing row (no existence oracle).

Each resource's `read` list (ACCESS["read"] in its model module) decides, through `grant_for`:
every row (`public`, `authenticated`, a role the caller holds), only the caller's own
(`owner`), or none (where the read endpoint would answer 401 or 403).

A foreign key costs a lookup only where the read rule needs the row: for a caller who reads
every row of the target, the foreign key constraint answers when the row is written, with the
422 a lookup would give (`Visibility.insert`, `Visibility.save`)."""

from collections.abc import Collection
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated
from typing import Any
from typing import TypeVar

from fastapi import Depends
from sqlalchemy import ColumnElement
from sqlalchemy import false
from sqlalchemy import insert
from sqlalchemy import inspect
from sqlalchemy import true
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.core.config import Settings
from app.core.errors import AppError
from app.core.errors import ForbiddenError
from app.core.errors import MissingParentError
from app.core.errors import UnauthorizedError
from app.core.errors import conflict_error
from app.core.errors import foreign_key_column
from app.core.errors import is_foreign_key_violation
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
Reference = tuple[str, type[SQLModel], Collection[str]]
"""A foreign key of a resource: its column, the model it points to, and that model's `read`
list (ACCESS["read"]), which decides who may point at its rows."""


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

    async def check_references(
        self,
        session: AsyncSession,
        references: Sequence[Reference],
        values: Mapping[str, Any],
        *,
        look_up_all: bool = False,
    ) -> None:
        """Refuse (MissingParentError, 422) a foreign key in `values` that names a row the
        caller may not read, as if the row did not exist. A target the caller reads only in
        part (its own rows) is looked up; one it reads none of is refused without a lookup;
        one it reads all of is left to the foreign key constraint, unless `look_up_all`."""
        for column, target, read in references:
            row_id = values.get(column)
            if row_id is None:
                continue
            grant = self._grant(read)
            if grant is not None and grant.all_rows and not look_up_all:
                continue
            if grant is None or await self.find(session, target, row_id, read) is None:
                raise MissingParentError(target.__name__, column, row_id)

    async def insert(
        self, session: AsyncSession, row: Model, references: Sequence[Reference]
    ) -> Model:
        """Store a new row and return it as stored, in one statement (INSERT ... RETURNING,
        so nothing is read back). A refused write is answered by `write_error`."""
        model = type(row)
        values = row.model_dump(exclude={"id"})
        try:
            result = await session.exec(insert(model).values(**values).returning(model))
            stored: Model = result.scalar_one()
            await session.commit()
        except IntegrityError as exc:
            await self.rollback(session)
            raise await self.write_error(session, exc, model, references, values) from exc
        return stored

    async def save(
        self,
        session: AsyncSession,
        row: Model,
        references: Sequence[Reference],
        changes: Mapping[str, Any],
    ) -> Model:
        """Commit `changes`, already made to `row`, and return the row as stored. A refused
        write is answered by `write_error`."""
        session.add(row)
        try:
            await session.commit()
        except IntegrityError as exc:
            await self.rollback(session)
            raise await self.write_error(session, exc, type(row), references, changes) from exc
        await session.refresh(row)
        return row

    async def rollback(self, session: AsyncSession) -> None:
        """Roll back, and load the caller's account again when this session holds it: a
        rollback expires every row the session holds, and the lookups of `write_error` read
        the caller's id and roles (an expired attribute would be loaded without await)."""
        await session.rollback()
        if self.user is not None and self.user in session:
            await session.refresh(self.user)

    async def write_error(
        self,
        session: AsyncSession,
        exc: IntegrityError,
        model: type[SQLModel],
        references: Sequence[Reference],
        values: Mapping[str, Any],
    ) -> AppError:
        """The answer to a write of a `model` row (setting `values`) that the database refused,
        once the session is rolled back. A foreign key naming a missing row is the 422 of
        `check_references`: PostgreSQL names the constraint; SQLite does not, so there each
        reference in `values` is looked up. Anything else is the 409 of `conflict_error`."""
        if is_foreign_key_violation(exc):
            column = foreign_key_column(exc, model)
            for name, target, _read in references:
                if name == column and values.get(name) is not None:
                    return MissingParentError(target.__name__, name, values[name])
            try:
                await self.check_references(session, references, values, look_up_all=True)
            except MissingParentError as missing:
                return missing
        return conflict_error(exc, model)


async def get_visibility(user: OptionalUser, settings: SettingsDep) -> Visibility:
    return Visibility(user=user, settings=settings)


VisibilityDep = Annotated[Visibility, Depends(get_visibility)]
