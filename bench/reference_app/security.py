"""Authentication as the generated app does it: a bearer JWT (PyJWT, HS256 only, `exp`, `iat`,
`sub` and `ver` required) names a user, who is loaded once per request and must be active
and carry the token's version; a token that is present is always checked, even on public
routes."""

from __future__ import annotations

import os
from typing import Annotated, Any

import jwt
from fastapi import Depends, HTTPException, status
from fastapi.security import OAuth2PasswordBearer

from bench.reference_app.db import SessionDep
from bench.reference_app.models import User

ALGORITHM = "HS256"
SECRET_KEY = os.environ.get("SECRET_KEY", "")
_bearer = OAuth2PasswordBearer(tokenUrl="/auth/token", auto_error=False)


def _unauthorized() -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED,
        "Invalid or expired token",
        headers={"WWW-Authenticate": "Bearer"},
    )


async def optional_user(
    session: SessionDep, token: Annotated[str | None, Depends(_bearer)]
) -> User | None:
    if token is None:
        return None
    try:
        claims = jwt.decode(
            token,
            SECRET_KEY,
            algorithms=[ALGORITHM],
            options={"require": ["exp", "iat", "sub", "ver"]},
        )
        user_id, version = int(claims["sub"]), claims["ver"]
    except (jwt.InvalidTokenError, ValueError, TypeError) as exc:
        raise _unauthorized() from exc
    user = await session.get(User, user_id)
    if user is None or not user.is_active or user.token_version != version:
        raise _unauthorized()
    return user


OptionalUser = Annotated[User | None, Depends(optional_user)]


def require_roles(*roles: str) -> Any:
    """Dependency: the user of a valid token holding one of `roles` (401 / 403 otherwise)."""

    async def dependency(user: OptionalUser) -> User:
        if user is None:
            raise _unauthorized()
        if not set(user.roles) & set(roles):
            raise HTTPException(status.HTTP_403_FORBIDDEN, "Not allowed")
        return user

    return Depends(dependency)


Editor = Annotated[User, require_roles("editor", "admin")]
