"""Password reset by email: `request_reset` makes a single-use token that expires after
PASSWORD_RESET_TOKEN_MINUTES and stores only its hash; `reset_password` spends it on a new
password. A token is good once, and setting a password spends every other token of the
account too."""

from datetime import datetime
from datetime import timedelta

from sqlalchemy import update
from sqlmodel import col
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from app.core.clock import as_utc
from app.core.clock import utcnow
from app.core.config import Settings
from app.core.emails import Email
from app.core.errors import AppError
from app.core.opaque_tokens import new_token
from app.core.opaque_tokens import token_hash
from app.core.password_changes import set_password
from app.core.passwords import check_new_password
from app.models.password_reset_token import PasswordResetToken
from app.models.user import User


class InvalidResetTokenError(AppError):
    """A reset token that is unknown, used or expired (400)."""

    status_code = 400
    code = "invalid_token"

    def __init__(self) -> None:
        super().__init__("Invalid or expired password reset token")


async def request_reset(
    session: AsyncSession, email: str, settings: Settings
) -> tuple[User, str] | None:
    """The active account of `email` (canonical form) and a new reset token for it; None
    when there is no such account. The token is made either way, so that both answers cost
    the same work. Commits."""
    token, digest = new_token()
    user = (await session.exec(select(User).where(User.email == email))).first()
    if user is None or not user.is_active:
        return None
    assert user.id is not None
    now = utcnow()
    lifetime = timedelta(minutes=settings.password_reset_token_minutes)
    session.add(
        PasswordResetToken(
            token_hash=digest, user_id=user.id, expires_at=now + lifetime, created_at=now
        )
    )
    await session.commit()
    return user, token


async def reset_password(session: AsyncSession, token: str, password: str) -> None:
    """Set the password of the account `token` was made for, and end every session of it.
    A token that is unknown, used or expired is a 400; a password that breaks the rules is a
    422 and leaves the token good. Commits."""
    now = utcnow()
    query = select(PasswordResetToken).where(PasswordResetToken.token_hash == token_hash(token))
    row = (await session.exec(query)).first()
    if row is None or row.used_at is not None or as_utc(row.expires_at) <= now:
        raise InvalidResetTokenError()
    user = await session.get(User, row.user_id)
    if user is None or not user.is_active:
        raise InvalidResetTokenError()
    check_new_password(password, user.email, "new_password")
    assert user.id is not None
    if not await _spend(session, user.id, row.token_hash, now):
        raise InvalidResetTokenError()  # a concurrent request spent it first
    await set_password(session, user, password)
    await session.commit()


async def _spend(session: AsyncSession, user_id: int, digest: str, now: datetime) -> bool:
    """Mark the token `digest` and every other unused token of the user used; False when a
    concurrent request had already spent `digest`."""
    spent = await session.exec(
        update(PasswordResetToken)
        .where(col(PasswordResetToken.token_hash) == digest)
        .where(col(PasswordResetToken.used_at).is_(None))
        .values(used_at=now)
    )
    if spent.rowcount != 1:
        return False
    await session.exec(
        update(PasswordResetToken)
        .where(col(PasswordResetToken.user_id) == user_id)
        .where(col(PasswordResetToken.used_at).is_(None))
        .values(used_at=now)
    )
    return True


def reset_email(to: str, token: str, settings: Settings) -> Email:
    """The message that hands `token` to the owner of `to`."""
    minutes = settings.password_reset_token_minutes
    body = (
        f"Someone asked to reset the password of your {settings.app_name} account.\n"
        f"If it was you, send this token with your new password to "
        f"POST /auth/password-reset/confirm within {minutes} minutes:\n\n"
        f"{token}\n\n"
        "If it was not you, ignore this message: your password stays as it is.\n"
    )
    return Email(to=to, subject=f"{settings.app_name}: reset your password", body=body)
