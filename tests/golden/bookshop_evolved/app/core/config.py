"""Application settings, read from the environment and an optional `.env` file."""

import json
from functools import lru_cache
from typing import Annotated
from typing import Any

from pydantic import field_validator
from pydantic_settings import BaseSettings
from pydantic_settings import NoDecode
from pydantic_settings import SettingsConfigDict


class Settings(BaseSettings):
    """Settings; every field can be overridden by its upper-case environment variable."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    app_name: str = "Bookshop"
    database_url: str = "sqlite+aiosqlite:///./bookshop.db"
    debug: bool = False
    cors_origins: Annotated[list[str], NoDecode] = []

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _parse_origins(cls, value: Any) -> Any:
        """Accept a JSON list (`["https://a.com"]`) or a comma-separated string."""
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [item.strip() for item in text.split(",") if item.strip()]
        return value


@lru_cache
def get_settings() -> Settings:
    """Return the process-wide settings (cached; reset with get_settings.cache_clear())."""
    return Settings()
