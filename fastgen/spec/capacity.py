"""What the columns fastgen creates can hold, on SQLite and PostgreSQL alike, and what the
generated app can handle: the loader refuses options beyond these, so a spec it accepts never
gives a project that fails at import, at migration or on the first row."""

from __future__ import annotations

from fastgen.spec.model import FieldType

INTEGER_MIN = -(2**31)
INTEGER_MAX = 2**31 - 1
"""An `int` field is an INTEGER column, 32-bit on PostgreSQL (ids included)."""

MAX_LENGTH = 10_485_760
"""The longest VARCHAR(n) PostgreSQL has; also the cap of text fields' lengths (the generated
tests send a value one longer than max_length)."""

MAX_NUMERIC_PRECISION = 1000
"""NUMERIC(p, s) on PostgreSQL: p and s at most 1000."""

MAX_COUNT = INTEGER_MAX
"""Page sizes and the numbers in rate limits: an SQL LIMIT and the rate-limit storage hold them."""

TEXT_MAX_LENGTH = 100_000
"""`text` without max_length: a value of this many characters (4 UTF-8 bytes each at worst) still
fits a 1 MiB request body, and a page of rows stays a sane size to serve. The generated project
has it as TEXT_MAX_LENGTH in app/core/types.py (the LongText type)."""

TYPE_MAX_LENGTH: dict[FieldType, int] = {
    FieldType.EMAIL: 320,
    FieldType.URL: 2083,
    FieldType.PASSWORD: 128,  # bounds the cost of hashing what a client sends
    FieldType.TEXT: TEXT_MAX_LENGTH,
}
"""The max_length a field of these types has when its spec gives none."""
