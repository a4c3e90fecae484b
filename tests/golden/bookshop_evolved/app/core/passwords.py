"""Account passwords: hashing with pwdlib (argon2), and the rules a new password must pass.
Plain passwords are never stored or returned.

The rules (besides the length limits in app.models.user) apply to the passwords people log
in with: registration, accounts created or changed by an admin, and `python -m
app.create_user`. A password is refused when it is one of the most common passwords
(common_passwords.txt, compared without regard to case) or when it is the account's email
address or the part before the `@`. Resource fields of type `password` are secrets the
app stores hashed but never logs anyone in with; only their length is checked.

A hash made with other parameters than the hasher's current ones (older argon2 costs, another
algorithm pwdlib knows) still verifies, and `verify_and_update` hands back the hash the
password should have now: login stores it.

argon2 is slow on purpose (about half a second per hash on a small machine). The app always
uses pwdlib's recommended parameters; the test suite calls `use_hasher` with cheap ones, since
it logs in hundreds of times.
"""

from functools import cache
from pathlib import Path

from pwdlib import PasswordHash

from app.core.errors import AppError
from app.core.errors import ErrorDetail

COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")

_hasher = PasswordHash.recommended()
_decoy_hash: str | None = None


def use_hasher(hasher: PasswordHash) -> None:
    """Hash and verify with `hasher` from now on (for tests: never weaken it in the app)."""
    global _hasher, _decoy_hash
    _hasher, _decoy_hash = hasher, None


def decoy_hash() -> str:
    """The hash of a password nobody has, made by the current hasher: verified when a login
    names an unknown email, so a wrong email costs as much time as a wrong password."""
    global _decoy_hash
    if _decoy_hash is None:
        _decoy_hash = _hasher.hash("no user has this password")
    return _decoy_hash


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, hashed: str) -> bool:
    return _hasher.verify(password, hashed)


def verify_and_update(password: str, hashed: str) -> tuple[bool, str | None]:
    """Whether `password` matches `hashed`, and the hash to store instead when `hashed` was
    made with other parameters than today's (None: keep it)."""
    return _hasher.verify_and_update(password, hashed)


@cache
def common_passwords() -> frozenset[str]:
    """The refused passwords, lower-cased (read once)."""
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def password_problem(password: str, email: str | None = None) -> str | None:
    """Why `password` may not be an account password (None: it may). `email` is the account's
    address, when known."""
    folded = password.strip().lower()
    if folded in common_passwords():
        return "this password is one of the most common passwords; choose another"
    if email:
        address = email.strip().lower()
        if folded in {address, address.partition("@")[0]}:
            return "the password must not be the email address"
    return None


def check_new_password(password: str, email: str | None, field: str = "password") -> None:
    """Refuse (422, naming the body field `field`) a new account password that breaks the
    rules; for the routes that take one apart from the account payloads' own validation."""
    problem = password_problem(password, email)
    if problem is not None:
        raise AppError(
            "Request validation failed",
            status_code=422,
            code="validation_error",
            details=[ErrorDetail(loc=["body", field], message=problem, type="value_error")],
        )
