"""Forged and broken access tokens, for tests that prove the app refuses them."""

from datetime import timedelta
from typing import Any

import jwt

from app.core.clock import utcnow
from app.core.security import ALGORITHM

BAD_TOKENS = [
    "expired",
    "tampered",
    "wrong-secret",
    "alg-none",
    "other-algorithm",
    "no-exp",
    "no-iat",
    "no-sub",
    "no-ver",
    "stale-version",
    "not-a-version",
    "unknown-user",
    "not-a-user-id",
    "garbage",
]
"""Every kind `bad_token` makes; each must get a 401."""

MATRIX_BAD_TOKENS = ["expired", "tampered", "alg-none", "other-algorithm"]
"""The kinds every generated operation is tested with."""


def claims(user_id: int, **changes: Any) -> dict[str, Any]:
    """Valid claims for `user_id` (a user whose token_version is 0, as every new one); a
    change to None removes that claim."""
    now = utcnow()
    result: dict[str, Any] = {
        "sub": str(user_id),
        "ver": 0,
        "iat": now,
        "exp": now + timedelta(minutes=5),
    }
    for name, value in changes.items():
        if value is None:
            del result[name]
        else:
            result[name] = value
    return result


def bad_token(kind: str, user_id: int, secret: str) -> str:
    """A token of one of the BAD_TOKENS kinds, naming `user_id` (an existing user)."""
    if kind == "expired":
        past = utcnow() - timedelta(hours=1)
        return jwt.encode(
            claims(user_id, iat=past, exp=past + timedelta(minutes=5)), secret, ALGORITHM
        )
    if kind == "tampered":
        header, _, signature = jwt.encode(claims(user_id), secret, ALGORITHM).split(".")
        forged = jwt.encode(claims(user_id + 1), secret, ALGORITHM).split(".")[1]
        return ".".join([header, forged, signature])
    if kind == "wrong-secret":
        return jwt.encode(claims(user_id), "another-secret-" + "x" * 64, ALGORITHM)
    if kind == "alg-none":
        return jwt.encode(claims(user_id), key=None, algorithm="none")
    if kind == "other-algorithm":
        return jwt.encode(claims(user_id), secret, algorithm="HS512")
    if kind in ("no-exp", "no-iat", "no-sub", "no-ver"):
        return jwt.encode(claims(user_id, **{kind.removeprefix("no-"): None}), secret, ALGORITHM)
    if kind == "stale-version":
        return jwt.encode(claims(user_id, ver=-1), secret, ALGORITHM)
    if kind == "not-a-version":
        return jwt.encode(claims(user_id, ver="0"), secret, ALGORITHM)
    if kind == "unknown-user":
        return jwt.encode(claims(user_id + 1000), secret, ALGORITHM)
    if kind == "not-a-user-id":
        return jwt.encode(claims(user_id, sub="admin"), secret, ALGORITHM)
    if kind == "garbage":
        return "not.a.token"
    raise AssertionError(f"unknown kind of bad token: {kind}")
