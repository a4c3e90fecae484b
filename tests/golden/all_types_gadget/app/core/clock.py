"""Single source of the current time, so it can be patched in tests, and the types that keep
datetimes and times of day what the OpenAPI document says they are."""

from datetime import UTC
from datetime import datetime
from datetime import time
from typing import Annotated

from pydantic import AfterValidator
from pydantic import WithJsonSchema


def utcnow() -> datetime:
    """Return the current time as a timezone-aware UTC datetime."""
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """The same instant in UTC. A naive value is taken to be UTC already: SQLite stores
    datetimes without their offset, so rows read back from it are naive. An instant outside
    the years 1 to 9999 in UTC (`9999-12-31T23:59:59-05:00`) is refused (a 422)."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise ValueError("the instant falls outside the years 1 to 9999 in UTC") from None


UtcDatetime = Annotated[datetime, AfterValidator(as_utc)]
"""A datetime stored and returned in UTC, always with its offset (RFC 3339 `date-time`)."""


def without_offset(value: time) -> time:
    """A time of day is wall-clock time: one with a UTC offset is refused, since the offset
    could not be stored."""
    if value.utcoffset() is not None:
        raise ValueError("a time of day without a UTC offset is expected, e.g. 09:30:00")
    return value


TimeOfDay = Annotated[
    time,
    AfterValidator(without_offset),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]{1,6})?)?$",
            "examples": ["09:30:00"],
        }
    ),
]
"""A wall-clock time of day, `HH:MM[:SS[.ffffff]]`. Not the `time` format of the OpenAPI
document, which requires an offset."""
