"""RefreshToken: the server-side record of each refresh token handed out (see
app.core.refresh_tokens). Only a hash of the token is stored, never the token itself."""

from datetime import datetime

from sqlalchemy import DateTime
from sqlmodel import Field
from sqlmodel import SQLModel

from app.core.clock import utcnow

TOKEN_HASH_LENGTH = 64
"""SHA-256, in hex."""
FAMILY_ID_LENGTH = 32
"""A random UUID, in hex."""


class RefreshToken(SQLModel, table=True):
    """One refresh token. Every token a login starts shares its `family_id` with the tokens
    it is rotated into; using a token sets `used_at`, and revoking a family sets
    `revoked_at` on all of its tokens."""

    __tablename__ = "refresh_tokens"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=TOKEN_HASH_LENGTH, unique=True)
    family_id: str = Field(max_length=FAMILY_ID_LENGTH, index=True)
    user_id: int = Field(foreign_key="users.id", ondelete="CASCADE", index=True)
    token_version: int
    """The user's token_version when the family began: a change of it (new password, roles,
    active state) ends the family like the access tokens."""
    expires_at: datetime = Field(sa_type=DateTime(timezone=True))
    used_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    revoked_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
