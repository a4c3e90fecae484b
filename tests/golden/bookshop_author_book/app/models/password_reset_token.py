"""PasswordResetToken: the server-side record of each password reset token sent out (see
app.core.reset_tokens). Only a hash of the token is stored, never the token itself."""

from datetime import datetime

from sqlalchemy import DateTime
from sqlmodel import Field
from sqlmodel import SQLModel

from app.core.clock import utcnow
from app.models.refresh_token import TOKEN_HASH_LENGTH


class PasswordResetToken(SQLModel, table=True):
    """One reset token: good once (`used_at`), until `expires_at`."""

    __tablename__ = "password_reset_tokens"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=TOKEN_HASH_LENGTH, unique=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE", index=True)
    expires_at: datetime = Field(sa_type=DateTime(timezone=True))
    used_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
