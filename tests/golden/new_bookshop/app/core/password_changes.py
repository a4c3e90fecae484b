"""New passwords: changed by their owner (who knows the current one) or reset with a token
sent by email (app.core.reset_tokens). Either way every other session of the account ends."""

from sqlmodel.ext.asyncio.session import AsyncSession

from app.core.clock import utcnow
from app.core.config import Settings
from app.core.errors import AppError
from app.core.passwords import check_new_password
from app.core.passwords import hash_password
from app.core.passwords import verify_password
from app.core.refresh_tokens import TokenPair
from app.core.refresh_tokens import issue_tokens
from app.core.refresh_tokens import revoke_user_tokens
from app.models.user import User


class IncorrectPasswordError(AppError):
    """The current password given to change it is wrong (400)."""

    status_code = 400
    code = "incorrect_password"

    def __init__(self) -> None:
        super().__init__("The current password is incorrect")


async def set_password(session: AsyncSession, user: User, password: str) -> None:
    """Store `password` (already checked against the rules) for `user` and end every session
    of theirs: token_version moves on, so access tokens issued before are refused, and every
    refresh token is revoked. The caller commits."""
    assert user.id is not None
    user.password_hash = hash_password(password)
    user.token_version += 1
    user.updated_at = utcnow()
    session.add(user)
    await revoke_user_tokens(session, user.id)


async def change_password(
    session: AsyncSession, user: User, current: str, new: str, settings: Settings
) -> TokenPair:
    """Change the password of `user`, who proves the current one; the new one passes the
    same rules as at registration. Returns a fresh token pair, so the caller's own session
    goes on while every other one ends."""
    if not verify_password(current, user.password_hash):
        raise IncorrectPasswordError()
    check_new_password(new, user.email, "new_password")
    await set_password(session, user, new)
    await session.commit()
    return await issue_tokens(session, user, settings)
