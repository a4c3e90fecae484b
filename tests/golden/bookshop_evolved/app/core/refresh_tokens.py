"""Sessions: an access token (short-lived JWT) plus a refresh token that buys the next pair.

- A refresh token is opaque (app.core.opaque_tokens); the server keeps a RefreshToken row per
  token, under its hash.
- Rotation: a refresh token works once. Using it marks it used and issues its successor in
  the same family (all the tokens one login started).
- Reuse detection: a used token presented again was copied, by someone who is either the
  thief or the owner behind the thief; the whole family is revoked, so the newest token stops
  working too and the owner logs in again.
- A family also ends at logout, when the user's token_version changes (new password, roles,
  active state) and when its newest token expires (REFRESH_TOKEN_DAYS).
"""

from dataclasses import dataclass
from datetime import datetime
from datetime import timedelta
from uuid import uuid4

from sqlalchemy import update
from sqlmodel import col
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.core.clock import as_utc
from app.core.clock import utcnow
from app.core.config import Settings
from app.core.errors import UnauthorizedError
from app.core.opaque_tokens import new_token
from app.core.opaque_tokens import token_hash
from app.core.security import create_access_token
from app.models.refresh_token import RefreshToken
from app.models.user import User

INVALID = "Invalid or expired refresh token"


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str


async def issue_tokens(
    session: AsyncSession, user: User, settings: Settings, *, family_id: str | None = None
) -> TokenPair:
    """An access token and a refresh token for `user`: the first of a new family (a login),
    or the next one of `family_id` (a rotation). Commits."""
    assert user.id is not None
    token, digest = new_token()
    now = utcnow()
    session.add(
        RefreshToken(
            token_hash=digest,
            family_id=family_id or uuid4().hex,
            user_id=user.id,
            token_version=user.token_version,
            expires_at=now + timedelta(days=settings.refresh_token_days),
            created_at=now,
        )
    )
    await session.commit()
    access = create_access_token(user.id, settings, version=user.token_version, now=now)
    return TokenPair(access_token=access, refresh_token=token)


async def find(session: AsyncSession, token: str) -> RefreshToken | None:
    query = select(RefreshToken).where(RefreshToken.token_hash == token_hash(token))
    return (await session.exec(query)).first()


async def rotate(session: AsyncSession, token: str, settings: Settings) -> TokenPair:
    """Spend `token` for the next pair of its family; a 401 when it is unknown, revoked,
    expired or already used (then its family is revoked), or its user may no longer log in."""
    row = await find(session, token)
    now = utcnow()
    if row is None or row.revoked_at is not None or as_utc(row.expires_at) <= now:
        raise UnauthorizedError(INVALID)
    assert row.id is not None
    user = await session.get(User, row.user_id)
    reused = row.used_at is not None or not await _mark_used(session, row.id, now)
    if reused or user is None or not user.is_active or user.token_version != row.token_version:
        await revoke_family(session, row.family_id, now)
        await session.commit()
        raise UnauthorizedError(INVALID)
    return await issue_tokens(session, user, settings, family_id=row.family_id)


async def _mark_used(session: AsyncSession, token_id: int, now: datetime) -> bool:
    """Mark a token used, unless a concurrent request did first (False then): of two
    requests racing with one token, only one gets its successor."""
    result = await session.exec(
        update(RefreshToken)
        .where(col(RefreshToken.id) == token_id)
        .where(col(RefreshToken.used_at).is_(None))
        .where(col(RefreshToken.revoked_at).is_(None))
        .values(used_at=now)
    )
    return result.rowcount == 1


async def revoke_family(session: AsyncSession, family_id: str, now: datetime | None = None) -> None:
    """End every token of one family (a logout, a reuse). The caller commits."""
    await session.exec(
        update(RefreshToken)
        .where(col(RefreshToken.family_id) == family_id)
        .where(col(RefreshToken.revoked_at).is_(None))
        .values(revoked_at=now or utcnow())
    )


async def revoke_user_tokens(session: AsyncSession, user_id: int) -> None:
    """End every refresh token of a user (a new password). The caller commits."""
    await session.exec(
        update(RefreshToken)
        .where(col(RefreshToken.user_id) == user_id)
        .where(col(RefreshToken.revoked_at).is_(None))
        .values(revoked_at=utcnow())
    )


async def log_out(session: AsyncSession, token: str) -> None:
    """End the family of `token`, if it is one of ours; nothing to say otherwise (a logout
    succeeds whatever it is given). Commits."""
    row = await find(session, token)
    if row is not None:
        await revoke_family(session, row.family_id)
        await session.commit()
