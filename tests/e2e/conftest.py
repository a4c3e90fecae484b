"""Services for end-to-end tests. Without PostgreSQL a test is skipped locally, but fails when
FASTGEN_REQUIRE_SERVICES=1 (as in CI): a missing service never passes silently there."""

from __future__ import annotations

import os
import socket

import pytest

POSTGRES_HOST = ("127.0.0.1", 5432)
POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def _reachable(address: tuple[str, int]) -> bool:
    try:
        with socket.create_connection(address, timeout=2):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    if not _reachable(POSTGRES_HOST):
        message = "PostgreSQL is not reachable at 127.0.0.1:5432"
        if os.environ.get("FASTGEN_REQUIRE_SERVICES") == "1":
            pytest.fail(message + " (FASTGEN_REQUIRE_SERVICES=1)")
        pytest.skip(message)
    return POSTGRES_ADMIN_URL
