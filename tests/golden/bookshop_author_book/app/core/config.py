"""Application settings, read from the environment and an optional `.env` file."""

import ipaddress
import json
from functools import lru_cache
from typing import Annotated
from typing import Any
from typing import Literal
from typing import Self

from pydantic import Field
from pydantic import field_validator
from pydantic import model_validator
from pydantic_settings import BaseSettings
from pydantic_settings import NoDecode
from pydantic_settings import SettingsConfigDict

EXAMPLE_SECRET_KEY = "change-me-to-a-long-random-secret"  # noqa: S105  (refused outside debug)
MIN_SECRET_KEY_LENGTH = 32


class Settings(BaseSettings):
    """Settings; every field can be overridden by its upper-case environment variable."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    app_name: str = "Bookshop"
    database_url: str = "sqlite+aiosqlite:///./bookshop.db"
    database_connect_timeout: float = Field(default=5.0, gt=0)
    """Seconds to connect to the database (or wait for a pooled connection); then 503."""
    database_statement_timeout: float = Field(default=30.0, gt=0)
    """Seconds one statement may take on PostgreSQL; then 503."""
    debug: bool = False
    cors_origins: Annotated[list[str], NoDecode] = []
    cors_allow_credentials: bool = True
    forwarded_allow_ips: Annotated[list[str], NoDecode] = []
    """Proxies trusted to tell the client address (X-Forwarded-For) and scheme: addresses or
    networks, comma-separated, `*` for any. Empty: trust nobody."""
    max_body_bytes: int = Field(default=1_048_576, ge=0)
    """Largest request body accepted; a larger one is refused with 413."""

    # Authentication: short-lived HS256 access tokens signed with secret_key, refresh tokens
    # (rotated on every use, stored hashed) and password reset tokens (single use, hashed).
    secret_key: str = EXAMPLE_SECRET_KEY
    access_token_minutes: int = Field(default=15, ge=1)
    """Lifetime of an access token; a client then gets a new one at /auth/refresh."""
    refresh_token_days: int = Field(default=14, ge=1)
    """Lifetime of a refresh token: how long a session lasts without using it."""
    password_reset_token_minutes: int = Field(default=30, ge=1)
    """Lifetime of the token /auth/password-reset sends by email."""
    require_authentication: bool = False
    """True: every route needs a valid token, except the ones that hand out tokens (/auth/token,
    /auth/refresh, /auth/logout, /auth/password-reset...) and /health."""
    docs_enabled: bool | None = None
    """Serve /docs, /redoc and /openapi.json. Default: only without REQUIRE_AUTHENTICATION."""
    allow_registration: bool = True
    admin_path_prefix: str = "/admin"
    """Routes under this path require the admin role."""

    # Rate limits declared in the specs; counted in memory, or in Redis when
    # rate_limit_storage_url is redis://... (then all app instances share one budget).
    rate_limit_enabled: bool = True
    rate_limit_storage_url: str = "memory://"
    rate_limit_key_prefix: str = "bookshop"
    rate_limit_override: str | None = None
    """One limit (e.g. `5/minute`) used instead of every declared one: for tests, load tests."""
    rate_limit_storage_timeout: float = Field(default=1.0, gt=0)
    """Seconds to connect to, or wait for an answer from, the rate-limit store."""
    rate_limit_fail_open: bool = True
    """Store unreachable: rate-limited routes go unlimited (True) or answer 503 (False)."""
    rate_limit_credentials_fail_open: bool = False
    """The same for login, registration and every route that checks a password."""

    # Logging (app.core.logging): plain text, or one JSON object per line.
    log_json: bool = False
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_log_level(cls, value: Any) -> Any:
        return value.upper() if isinstance(value, str) else value

    @field_validator("cors_origins", "forwarded_allow_ips", mode="before")
    @classmethod
    def _parse_list(cls, value: Any) -> Any:
        """Accept a JSON list (`["https://a.com"]`) or a comma-separated string."""
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [item.strip() for item in text.split(",") if item.strip()]
        return value

    @field_validator("forwarded_allow_ips")
    @classmethod
    def _check_proxies(cls, value: list[str]) -> list[str]:
        for item in value:
            if item != "*":
                try:
                    ipaddress.ip_network(item, strict=False)
                except ValueError:
                    raise ValueError(
                        f"FORWARDED_ALLOW_IPS: {item!r} is not an IP address or network"
                    ) from None
        return value

    @model_validator(mode="after")
    def _no_wildcard_with_credentials(self) -> Self:
        if "*" in self.cors_origins and self.cors_allow_credentials:
            raise ValueError(
                'CORS_ORIGINS="*" cannot be combined with credentials: list the origins, '
                "or set CORS_ALLOW_CREDENTIALS=false"
            )
        return self

    @property
    def docs_open(self) -> bool:
        """Whether the API documentation is served (DOCS_ENABLED, else open unless
        REQUIRE_AUTHENTICATION)."""
        if self.docs_enabled is None:
            return not self.require_authentication
        return self.docs_enabled

    def unsafe_for_production(self) -> str | None:
        """Why these settings must not serve requests outside debug mode (None: they may)."""
        if self.debug:
            return None
        if self.secret_key == EXAMPLE_SECRET_KEY:
            return "SECRET_KEY is the example value from .env.example"
        if len(self.secret_key) < MIN_SECRET_KEY_LENGTH:
            return f"SECRET_KEY is shorter than {MIN_SECRET_KEY_LENGTH} characters"
        return None


@lru_cache
def get_settings() -> Settings:
    """Return the process-wide settings (cached; reset with get_settings.cache_clear())."""
    return Settings()
