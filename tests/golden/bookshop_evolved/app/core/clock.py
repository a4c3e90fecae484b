"""Single source of the current time, so it can be patched in tests."""

from datetime import UTC
from datetime import datetime


def utcnow() -> datetime:
    """Return the current time as a timezone-aware UTC datetime."""
    return datetime.now(UTC)
