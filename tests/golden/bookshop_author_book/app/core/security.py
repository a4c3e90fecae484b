"""Authentication and access rules: JWT access tokens (PyJWT, HS256 only), the current user,
role checks, and the `allow(...)` dependency every generated operation declares."""

from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta
from typing import Annotated

import jwt
from fastapi import Depends
from fastapi import Request
from fastapi.security import OAuth2PasswordBearer

from app.core.clock import utcnow
from app.core.config import Settings
from app.core.config import get_settings
from app.core.db import SessionDep
from app.core.errors import ForbiddenError
from app.core.errors import UnauthorizedError
from app.core.roles import ADMIN_ROLE
from app.models.user import User

ALGORITHM = "HS256"
"""The only algorithm accepted: a token signed otherwise (or `alg: none`) is refused."""
REQUIRED_CLAIMS = ["exp", "iat", "sub", "ver"]
USER_ID_MAX = 2_147_483_647
OPEN_PATHS = frozenset(
    {
        "/auth/token",
        "/auth/refresh",
        "/auth/logout",
        "/auth/password-reset",
        "/auth/password-reset/confirm",
        "/health",
        "/health/live",
        "/health/ready",
    }
)
"""Reachable without a token even when REQUIRE_AUTHENTICATION is on. Their bearer token is
not looked at: a client whose access token has expired may send it along to /auth/refresh."""

SettingsDep = Annotated[Settings, Depends(get_settings)]
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/auth/token", auto_error=False)


def create_access_token(
    subject: int | str,
    settings: Settings,
    *,
    version: int = 0,
    expires_in: timedelta | None = None,
    now: datetime | None = None,
) -> str:
    """A signed token for `subject` (a user id) carrying `version`, the user's token_version,
    valid for ACCESS_TOKEN_MINUTES by default."""
    issued = now or utcnow()
    lifetime = expires_in or timedelta(minutes=settings.access_token_minutes)
    claims = {"sub": str(subject), "ver": version, "iat": issued, "exp": issued + lifetime}
    return jwt.encode(claims, settings.secret_key, algorithm=ALGORITHM)


@dataclass(frozen=True)
class TokenClaims:
    user_id: int
    version: int


def read_token(token: str, settings: Settings) -> TokenClaims:
    """The user id and token version a valid token names; anything else is a 401."""
    try:
        claims = jwt.decode(
            token,
            settings.secret_key,
            algorithms=[ALGORITHM],
            options={"require": REQUIRED_CLAIMS},
        )
    except jwt.InvalidTokenError as exc:
        raise UnauthorizedError("Invalid or expired token") from exc
    subject, version = claims["sub"], claims["ver"]
    if not isinstance(subject, str) or not subject.isdigit():
        raise UnauthorizedError("Invalid or expired token")
    if not isinstance(version, int) or isinstance(version, bool):
        raise UnauthorizedError("Invalid or expired token")
    user_id = int(subject)
    if not 1 <= user_id <= USER_ID_MAX:
        raise UnauthorizedError("Invalid or expired token")
    return TokenClaims(user_id=user_id, version=version)


def _route_path(request: Request) -> str:
    route = request.scope.get("route")
    return str(getattr(route, "path", request.url.path))


async def get_optional_user(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    token: Annotated[str | None, Depends(oauth2_scheme)],
) -> User | None:
    """The user of the request's bearer token; None without one. A token that is present but
    invalid, expired, names a missing or inactive user, or was issued before the user's
    password, roles or active state last changed (its `ver` is not the user's
    token_version) is a 401, never anonymous access. On the OPEN_PATHS the token is not
    looked at (None)."""
    if token is None or _route_path(request) in OPEN_PATHS:
        return None
    claims = read_token(token, settings)
    user = await session.get(User, claims.user_id)
    if user is None or not user.is_active or user.token_version != claims.version:
        raise UnauthorizedError("Invalid or expired token")
    return user


OptionalUser = Annotated[User | None, Depends(get_optional_user)]


async def get_current_user(user: OptionalUser) -> User:
    """The authenticated user (401 without a valid token)."""
    if user is None:
        raise UnauthorizedError()
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def require_roles(*roles: str) -> Callable[..., Awaitable[User]]:
    """Dependency: the current user, who must hold one of `roles` (403 otherwise)."""

    async def dependency(user: CurrentUser) -> User:
        if not set(user.roles) & set(roles):
            raise ForbiddenError(f"Requires one of the roles: {', '.join(roles)}")
        return user

    return dependency


@dataclass(frozen=True)
class Grant:
    """What an operation's access rule allowed for this request: who asks (None for an
    anonymous `public` request) and whether every row is in reach or only the caller's own."""

    user: User | None
    all_rows: bool

    @property
    def user_id(self) -> int | None:
        return None if self.user is None else self.user.id


def grant_for(subjects: Collection[str], user: User | None, settings: Settings) -> Grant:
    """Apply one access list (`public`, `authenticated`, `owner` and role names) to a caller.
    No valid token: 401 (unless public). Valid token, but no subject matches: 403. `owner`
    alone matches every user, limited to the rows they own."""
    wanted = frozenset(subjects)
    roles = wanted - {"public", "authenticated", "owner"}
    if "public" in wanted and user is None and not settings.require_authentication:
        return Grant(user=None, all_rows=True)
    if user is None:
        raise UnauthorizedError()
    if wanted & {"public", "authenticated"} or roles & set(user.roles):
        return Grant(user=user, all_rows=True)
    if "owner" in wanted:
        return Grant(user=user, all_rows=False)
    raise ForbiddenError(f"Requires one of the roles: {', '.join(sorted(roles))}")


def allow(*subjects: str) -> Callable[..., Awaitable[Grant]]:
    """Dependency enforcing one operation's access list (see `grant_for`)."""

    async def dependency(user: OptionalUser, settings: SettingsDep) -> Grant:
        return grant_for(subjects, user, settings)

    return dependency


def _under(path: str, prefix: str) -> bool:
    prefix = prefix.rstrip("/")
    return bool(prefix) and (path == prefix or path.startswith(prefix + "/"))


async def route_policy(request: Request, user: OptionalUser, settings: SettingsDep) -> None:
    """App-wide rules, for generated and hand-written routes alike: routes under
    ADMIN_PATH_PREFIX need the admin role; with REQUIRE_AUTHENTICATION every route but the
    OPEN_PATHS (login, token renewal, password reset, health checks) needs a valid token."""
    path = _route_path(request)
    if path in OPEN_PATHS:
        return
    if _under(path, settings.admin_path_prefix):
        if user is None:
            raise UnauthorizedError()
        if ADMIN_ROLE not in user.roles:
            raise ForbiddenError("Requires the admin role")
    elif settings.require_authentication and user is None:
        raise UnauthorizedError()
