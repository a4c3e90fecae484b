"""User: the accounts that log in (table model and API schemas). Part of the project
skeleton, not of a spec: authentication depends on these names."""

from datetime import datetime

from pydantic import EmailStr
from pydantic import ValidationInfo
from pydantic import field_validator
from sqlalchemy import JSON
from sqlalchemy import DateTime
from sqlmodel import Field
from sqlmodel import SQLModel

from app.core.clock import UtcDatetime
from app.core.clock import utcnow
from app.core.emails import AccountEmail
from app.core.passwords import password_problem
from app.core.roles import Role

PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 128


class UserBase(SQLModel):
    email: EmailStr = Field(max_length=320, unique=True, index=True)
    is_active: bool = True


class User(UserBase, table=True):
    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    password_hash: str
    roles: list[str] = Field(default_factory=list, sa_type=JSON)
    token_version: int = 0
    """Raised when the password, the roles or the active state change: every token issued
    before (its `ver` claim) stops working."""
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))
    updated_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True))


class AccountPassword(SQLModel):
    """Checks the password of an account payload (see app.core.passwords for the rules)
    against its email, when the payload has one."""

    @field_validator("password", check_fields=False)
    @classmethod
    def _acceptable_password(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None:
            problem = password_problem(value, info.data.get("email"))
            if problem is not None:
                raise ValueError(problem)
        return value


class UserRegister(AccountPassword):
    """Self-registration (when ALLOW_REGISTRATION is on): no roles, always active."""

    model_config = {"extra": "forbid"}  # an unknown field is a 422

    email: AccountEmail = Field(max_length=320)
    password: str = Field(min_length=PASSWORD_MIN_LENGTH, max_length=PASSWORD_MAX_LENGTH)


class UserCreate(AccountPassword):
    """An account created by an admin."""

    model_config = {"extra": "forbid"}  # an unknown field is a 422

    email: AccountEmail = Field(max_length=320)
    is_active: bool = True
    password: str = Field(min_length=PASSWORD_MIN_LENGTH, max_length=PASSWORD_MAX_LENGTH)
    roles: list[Role] = []


class UserUpdate(AccountPassword):
    """Changes to an account; a new password is also checked against the account's email."""

    model_config = {"extra": "forbid"}  # an unknown field is a 422

    email: AccountEmail | None = Field(default=None, max_length=320)
    password: str | None = Field(
        default=None, min_length=PASSWORD_MIN_LENGTH, max_length=PASSWORD_MAX_LENGTH
    )
    roles: list[Role] | None = None
    is_active: bool | None = None


class UserRead(UserBase):
    id: int
    roles: list[str]
    created_at: UtcDatetime
    updated_at: UtcDatetime


class UserPage(SQLModel):
    items: list[UserRead]
    total: int
    limit: int
    offset: int
