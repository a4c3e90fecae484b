"""The bodies of the /auth routes that hand out, renew and end tokens, and change passwords
(no table: see app.models.refresh_token and app.models.password_reset_token for those)."""

from sqlmodel import Field
from sqlmodel import SQLModel

from app.core.opaque_tokens import MAX_TOKEN_LENGTH
from app.models.user import PASSWORD_MAX_LENGTH
from app.models.user import PASSWORD_MIN_LENGTH


class Token(SQLModel):
    """A session: a short-lived bearer token, and the refresh token that renews it."""

    access_token: str
    refresh_token: str
    token_type: str = "bearer"


class RefreshRequest(SQLModel):
    """A refresh token, to renew (/auth/refresh) or end (/auth/logout)."""

    model_config = {"extra": "forbid"}  # an unknown field is a 422

    refresh_token: str = Field(min_length=1, max_length=MAX_TOKEN_LENGTH)


class PasswordChange(SQLModel):
    model_config = {"extra": "forbid"}  # an unknown field is a 422

    current_password: str = Field(min_length=1, max_length=PASSWORD_MAX_LENGTH)
    new_password: str = Field(min_length=PASSWORD_MIN_LENGTH, max_length=PASSWORD_MAX_LENGTH)


class PasswordResetRequest(SQLModel):
    model_config = {"extra": "forbid"}  # an unknown field is a 422

    email: str = Field(min_length=1, max_length=320)
    """Any text: an address without an account gets the same answer as one with."""


class PasswordResetConfirm(SQLModel):
    model_config = {"extra": "forbid"}  # an unknown field is a 422

    token: str = Field(min_length=1, max_length=MAX_TOKEN_LENGTH)
    new_password: str = Field(min_length=PASSWORD_MIN_LENGTH, max_length=PASSWORD_MAX_LENGTH)
