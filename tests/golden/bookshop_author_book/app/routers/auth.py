"""Login (OAuth2 password flow), the current user, and self-registration."""

from typing import Annotated

from fastapi import APIRouter
from fastapi import Depends
from fastapi import status
from fastapi.security import OAuth2PasswordRequestForm
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel
from sqlmodel import select

from app.core.db import SessionDep
from app.core.emails import login_email
from app.core.errors import ForbiddenError
from app.core.errors import UnauthorizedError
from app.core.errors import conflict_error
from app.core.errors import error_responses
from app.core.passwords import hash_password
from app.core.passwords import verify_password
from app.core.rate_limit import CredentialBudget
from app.core.rate_limit import credential_limit
from app.core.security import CurrentUser
from app.core.security import SettingsDep
from app.core.security import create_access_token
from app.models.user import User
from app.models.user import UserRead
from app.models.user import UserRegister

LOGIN_RATE_LIMIT = "10/minute"
"""Per client address and per account, whatever token comes along: slows down password
guessing and mass registration."""

router = APIRouter(prefix="/auth", tags=["auth"])

LoginBudget = Annotated[
    CredentialBudget, Depends(credential_limit("auth", "token", LOGIN_RATE_LIMIT))
]
RegisterBudget = Annotated[
    CredentialBudget, Depends(credential_limit("auth", "register", LOGIN_RATE_LIMIT))
]

# Verified when the email is unknown, so a wrong email costs as much time as a wrong password.
_UNKNOWN_USER_HASH = hash_password("no user has this password")


class Token(SQLModel):
    access_token: str
    token_type: str = "bearer"


@router.post(
    "/token",
    response_model=Token,
    operation_id="auth-login",
    responses=error_responses(401, 413, 422, 429),
)
async def login(
    session: SessionDep,
    settings: SettingsDep,
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    budget: LoginBudget,
) -> Token:
    """Exchange an email (`username`) and password for a bearer token."""
    email = login_email(form.username)
    await budget.spend(email)
    user = (await session.exec(select(User).where(User.email == email))).first()
    password_hash = _UNKNOWN_USER_HASH if user is None else user.password_hash
    valid = verify_password(form.password, password_hash)
    if user is None or not valid or not user.is_active:
        raise UnauthorizedError("Incorrect email or password")
    assert user.id is not None
    token = create_access_token(user.id, settings, version=user.token_version)
    return Token(access_token=token)


@router.get(
    "/me", response_model=UserRead, operation_id="auth-read-me", responses=error_responses(401)
)
async def read_me(user: CurrentUser) -> User:
    """The account the token belongs to."""
    return user


@router.post(
    "/register",
    response_model=UserRead,
    status_code=status.HTTP_201_CREATED,
    operation_id="auth-register",
    responses=error_responses(401, 403, 409, 413, 422, 429),
)
async def register(
    session: SessionDep, settings: SettingsDep, payload: UserRegister, budget: RegisterBudget
) -> User:
    """Create an account without roles (off when ALLOW_REGISTRATION=false)."""
    if not settings.allow_registration:
        raise ForbiddenError("Registration is disabled")
    await budget.spend(payload.email)
    user = User(email=payload.email, password_hash=hash_password(payload.password))
    session.add(user)
    try:
        await session.commit()
    except IntegrityError as exc:
        await session.rollback()
        raise conflict_error(exc, User) from exc
    await session.refresh(user)
    return user
