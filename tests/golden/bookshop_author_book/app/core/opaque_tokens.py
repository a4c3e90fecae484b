"""Opaque tokens (refresh and password reset tokens): random strings the client keeps, of
which the server stores only a SHA-256 hash. A token carries 256 random bits, so a fast hash
is enough: nobody can guess one back from its hash, and a copy of the table opens nothing."""

import hashlib
import secrets

TOKEN_BYTES = 32
MAX_TOKEN_LENGTH = 128
"""Longest token a request body may carry (ours are 43 characters)."""


def new_token() -> tuple[str, str]:
    """A fresh token and its hash (store the hash, hand out the token)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    """The hash a token is stored and looked up under (hex, 64 characters)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
