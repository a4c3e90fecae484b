"""Login (OAuth2 password flow), refresh and logout, password change and reset, the current
user, and self-registration. The rules live in app.core (refresh_tokens, password_changes,
reset_tokens); the routes only wire them to HTTP."""

from typing import Annotated

from fastapi import APIRouter
from fastapi import BackgroundTasks
from fastapi import Depends
from fastapi import status
from fastapi.security import OAuth2PasswordRequestForm
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from app.core import refresh_tokens
from app.core import reset_tokens
from app.core.db import SessionDep
from app.core.emails import EmailSender
from app.core.emails import get_email_sender
from app.core.emails import login_email
from app.core.errors import ForbiddenError
from app.core.errors import UnauthorizedError
from app.core.errors import conflict_error
from app.core.errors import error_responses
from app.core.password_changes import change_password
from app.core.passwords import decoy_hash
from app.core.passwords import hash_password
from app.core.passwords import verify_and_update
from app.core.rate_limit import CredentialBudget
from app.core.rate_limit import credential_limit
from app.core.refresh_tokens import TokenPair
from app.core.security import CurrentUser
from app.core.security import SettingsDep
from app.models.auth import PasswordChange
from app.models.auth import PasswordResetConfirm
from app.models.auth import PasswordResetRequest
from app.models.auth import RefreshRequest
from app.models.auth import Token
from app.models.user import User
from app.models.user import UserRead
from app.models.user import UserRegister

LOGIN_RATE_LIMIT = "10/minute"
"""Per client address and per account, whatever token comes along: slows down password
guessing, mass registration and mail bombing through password resets."""
REFRESH_RATE_LIMIT = "30/minute"
"""Per client address, for the routes that take a refresh or reset token (which cannot be
guessed: this only bounds the work one client makes)."""

router = APIRouter(prefix="/auth", tags=["auth"])


LoginBudget = Annotated[
    CredentialBudget, Depends(credential_limit("auth", "token", LOGIN_RATE_LIMIT))
]
RegisterBudget = Annotated[
    CredentialBudget, Depends(credential_limit("auth", "register", LOGIN_RATE_LIMIT))
]
RefreshBudget = Annotated[
    CredentialBudget, Depends(credential_limit("auth", "refresh", REFRESH_RATE_LIMIT))
]
PasswordBudget = Annotated[
    CredentialBudget, Depends(credential_limit("auth", "password", LOGIN_RATE_LIMIT))
]
ResetBudget = Annotated[
    CredentialBudget, Depends(credential_limit("auth", "password-reset", LOGIN_RATE_LIMIT))
]
ResetConfirmBudget = Annotated[
    CredentialBudget,
    Depends(credential_limit("auth", "password-reset-confirm", REFRESH_RATE_LIMIT)),
]


def _token(pair: TokenPair) -> Token:
    return Token(access_token=pair.access_token, refresh_token=pair.refresh_token)


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
    """Exchange an email (`username`) and password for an access token and a refresh token.
    A password hash made with older hashing parameters is replaced by a current one."""
    email = login_email(form.username)
    await budget.spend(email)
    user = (await session.exec(select(User).where(User.email == email))).first()
    password_hash = decoy_hash() if user is None else user.password_hash
    valid, updated_hash = verify_and_update(form.password, password_hash)
    if user is None or not valid or not user.is_active:
        raise UnauthorizedError("Incorrect email or password")
    if updated_hash is not None:
        user.password_hash = updated_hash
        session.add(user)
    return _token(await refresh_tokens.issue_tokens(session, user, settings))


@router.post(
    "/refresh",
    response_model=Token,
    operation_id="auth-refresh",
    responses=error_responses(401, 413, 422, 429),
)
async def refresh(
    session: SessionDep, settings: SettingsDep, payload: RefreshRequest, _budget: RefreshBudget
) -> Token:
    """Exchange a refresh token for a new pair; the one sent stops working. Sending a refresh
    token that was already exchanged is a 401 and ends its whole session (every token issued
    from the same login), since one of the two parties using it is not its owner."""
    return _token(await refresh_tokens.rotate(session, payload.refresh_token, settings))


@router.post(
    "/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    operation_id="auth-logout",
    responses=error_responses(413, 422, 429),
)
async def logout(session: SessionDep, payload: RefreshRequest, _budget: RefreshBudget) -> None:
    """End the session of a refresh token (it and every token rotated from the same login).
    Access tokens already issued last until they expire (ACCESS_TOKEN_MINUTES). Answers 204
    whatever the token."""
    await refresh_tokens.log_out(session, payload.refresh_token)


@router.post(
    "/password",
    response_model=Token,
    operation_id="auth-change-password",
    responses=error_responses(400, 401, 413, 422, 429),
)
async def password_change(
    session: SessionDep,
    settings: SettingsDep,
    user: CurrentUser,
    payload: PasswordChange,
    budget: PasswordBudget,
) -> Token:
    """Change your password (the current one is required; 400 when it is wrong). Ends every
    other session: access tokens issued before are refused and refresh tokens revoked. Returns
    a new token pair for the caller's own session."""
    await budget.spend(user.email)
    pair = await change_password(
        session, user, payload.current_password, payload.new_password, settings
    )
    return _token(pair)


@router.post(
    "/password-reset",
    status_code=status.HTTP_202_ACCEPTED,
    operation_id="auth-request-password-reset",
    responses=error_responses(413, 422, 429),
)
async def password_reset(
    session: SessionDep,
    settings: SettingsDep,
    payload: PasswordResetRequest,
    budget: ResetBudget,
    background: BackgroundTasks,
    send_email: Annotated[EmailSender, Depends(get_email_sender)],
) -> None:
    """Mail a password reset token (valid PASSWORD_RESET_TOKEN_MINUTES, good once) to the
    account of `email`. Answers 202 whether or not there is one, and sends the mail after
    the answer, so neither the answer nor its timing tells."""
    email = login_email(payload.email)
    await budget.spend(email)
    found = await reset_tokens.request_reset(session, email, settings)
    if found is not None:
        user, token = found
        background.add_task(send_email, reset_tokens.reset_email(user.email, token, settings))


@router.post(
    "/password-reset/confirm",
    status_code=status.HTTP_204_NO_CONTENT,
    operation_id="auth-confirm-password-reset",
    responses=error_responses(400, 413, 422, 429),
)
async def password_reset_confirm(
    session: SessionDep, payload: PasswordResetConfirm, _budget: ResetConfirmBudget
) -> None:
    """Set a new password with a token from /auth/password-reset, and end every session of
    the account. A token that is unknown, used or expired is a 400."""
    await reset_tokens.reset_password(session, payload.token, payload.new_password)


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
