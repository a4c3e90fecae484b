"""The real services some tests use. Without one, a test is skipped locally but fails when
FASTGEN_REQUIRE_SERVICES=1 (as in CI): a missing service never passes silently there."""

from __future__ import annotations

import os
import socket
from typing import NoReturn

import pytest

POSTGRES_HOST = ("127.0.0.1", 5432)
POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS_URL = "redis://127.0.0.1:6379/0"


def reachable(address: tuple[str, int]) -> bool:
    try:
        with socket.create_connection(address, timeout=2):
            return True
    except OSError:
        return False


def missing(message: str) -> NoReturn:
    """Fail under FASTGEN_REQUIRE_SERVICES=1, skip otherwise."""
    if os.environ.get("FASTGEN_REQUIRE_SERVICES") == "1":
        pytest.fail(message + " (FASTGEN_REQUIRE_SERVICES=1)")
    pytest.skip(message)
