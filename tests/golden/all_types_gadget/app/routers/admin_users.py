"""Account management for admins: /admin/users (every route under /admin needs the admin role)."""

from typing import Annotated

from fastapi import APIRouter
from fastapi import Depends
from fastapi import Path
from fastapi import Query
from fastapi import status
from sqlalchemy.exc import IntegrityError
from sqlmodel import col
from sqlmodel import func
from sqlmodel import select

from app.core.clock import utcnow
from app.core.db import SessionDep
from app.core.errors import ConflictError
from app.core.errors import NotFoundError
from app.core.errors import conflict_error
from app.core.errors import error_responses
from app.core.passwords import check_new_password
from app.core.passwords import hash_password
from app.core.roles import ADMIN_ROLE
from app.core.security import require_roles
from app.models.user import User
from app.models.user import UserCreate
from app.models.user import UserPage
from app.models.user import UserRead
from app.models.user import UserUpdate

router = APIRouter(
    prefix="/admin/users",
    tags=["admin"],
    dependencies=[Depends(require_roles(ADMIN_ROLE))],
)

ID_MAX = 2_147_483_647
UserId = Annotated[int, Path(ge=1, le=ID_MAX)]


async def _get_or_404(session: SessionDep, user_id: int) -> User:
    user = await session.get(User, user_id)
    if user is None:
        raise NotFoundError("User", user_id)
    return user


async def _commit(session: SessionDep, user: User) -> User:
    session.add(user)
    try:
        await session.commit()
    except IntegrityError as exc:
        await session.rollback()
        raise conflict_error(exc, User) from exc
    await session.refresh(user)
    return user


@router.get(
    "",
    response_model=UserPage,
    operation_id="admin-list-users",
    responses=error_responses(401, 403, 422),
)
async def list_users(
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0, le=ID_MAX)] = 0,
) -> UserPage:
    total = (await session.exec(select(func.count()).select_from(User))).one()
    query = select(User).order_by(col(User.id)).offset(offset).limit(limit)
    items = [UserRead.model_validate(row) for row in (await session.exec(query)).all()]
    return UserPage(items=items, total=total, limit=limit, offset=offset)


@router.get(
    "/{user_id}",
    response_model=UserRead,
    operation_id="admin-read-user",
    responses=error_responses(401, 403, 404, 422),
)
async def read_user(session: SessionDep, user_id: UserId) -> User:
    return await _get_or_404(session, user_id)


@router.post(
    "",
    response_model=UserRead,
    status_code=status.HTTP_201_CREATED,
    operation_id="admin-create-user",
    responses=error_responses(401, 403, 409, 413, 422),
)
async def create_user(session: SessionDep, payload: UserCreate) -> User:
    user = User(
        email=payload.email,
        is_active=payload.is_active,
        roles=list(payload.roles),
        password_hash=hash_password(payload.password),
    )
    return await _commit(session, user)


@router.patch(
    "/{user_id}",
    response_model=UserRead,
    operation_id="admin-update-user",
    responses=error_responses(401, 403, 404, 409, 413, 422),
)
async def update_user(session: SessionDep, user_id: UserId, payload: UserUpdate) -> User:
    """Change an account. A new password, other roles or another active state end every
    session of the account: tokens issued before stop working."""
    user = await _get_or_404(session, user_id)
    changes = payload.model_dump(exclude_unset=True)
    password = changes.pop("password", None)
    revoke = False
    if password is not None:
        check_new_password(password, changes.get("email") or user.email)
        user.password_hash = hash_password(password)
        revoke = True
    for name in ("email", "roles", "is_active"):
        value = changes.get(name)
        if value is not None and value != getattr(user, name):
            revoke = revoke or name != "email"
            setattr(user, name, value)
    if revoke:
        user.token_version += 1
    user.updated_at = utcnow()
    return await _commit(session, user)


@router.delete(
    "/{user_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    operation_id="admin-delete-user",
    responses=error_responses(401, 403, 404, 409, 422),
)
async def delete_user(session: SessionDep, user_id: UserId) -> None:
    """Delete an account. A row that names it in a relation restricting deletes (a
    `belongs_to: User` without `on_delete: cascade` or `set_null`) keeps it: 409."""
    user = await _get_or_404(session, user_id)
    await session.delete(user)
    try:
        await session.commit()
    except IntegrityError as exc:
        await session.rollback()
        raise ConflictError(f"User {user_id} is still referenced by other rows") from exc
