"""What the generated app enforces on a field besides the options its spec states.

Email, url and password fields have lengths even when the spec gives none, text refuses NUL
(PostgreSQL cannot store it), an int is a 32-bit INTEGER column, a decimal has default digits.
The loader checks defaults, examples and test data against these rules, and the renderers
declare them: one definition for both.
"""

from __future__ import annotations

import re

from fastgen.spec.capacity import INTEGER_MAX, INTEGER_MIN, TYPE_MAX_LENGTH
from fastgen.spec.model import DEFAULT_DECIMAL_PLACES, DEFAULT_MAX_DIGITS, FieldSpec, FieldType

__all__ = ["INTEGER_MAX", "INTEGER_MIN"]  # sa.Integer() is 32-bit on PostgreSQL, ids included

EMAIL_MAX_LENGTH = TYPE_MAX_LENGTH[FieldType.EMAIL]
URL_MAX_LENGTH = TYPE_MAX_LENGTH[FieldType.URL]
URL_PATTERN = r"^https?://[^\s/$.?#][^\s\x00]*$"
# PostgreSQL text cannot hold NUL characters: text without a pattern of its own refuses them.
# A pattern or a length bound also refuses lone surrogates (UTF-8 cannot encode them): pydantic
# checks both in Rust, on valid Unicode only. Every textual field has one or the other.
NO_NUL_PATTERN = r"^[^\x00]*$"
PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = TYPE_MAX_LENGTH[FieldType.PASSWORD]
_DEFAULT_MAX_LENGTH = TYPE_MAX_LENGTH

# An address the generated app's EmailStr (pydantic with email-validator) accepts as it is: ASCII
# dot-atom local part, a domain of two or more labels whose last one ends with a letter, no
# domain email-validator reserves. Stricter on purpose: what passes here passes there.
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
EMAIL_SHAPE = re.compile(
    rf"^(?P<local>{_ATEXT}(?:\.{_ATEXT})*)@(?P<domain>(?:{_LABEL}\.)+{_LABEL})$"
)
_RESERVED_DOMAINS = ("arpa", "invalid", "local", "localhost", "onion", "test")
_LOCAL_MAX_LENGTH = 64
_ADDRESS_MAX_LENGTH = 254


def length_bounds(
    kind: FieldType, min_length: int | None, max_length: int | None
) -> tuple[int, int | None]:
    """(min, max) characters the app accepts for a field of `kind` with the given options."""
    low = PASSWORD_MIN_LENGTH if kind is FieldType.PASSWORD and min_length is None else min_length
    high = max_length if max_length is not None else _DEFAULT_MAX_LENGTH.get(kind)
    return low or 0, high


def app_pattern(kind: FieldType, pattern: str | None) -> str | None:
    """The pattern the app checks: the spec's, else the URL shape for url, no NUL for str/text."""
    if pattern is not None:
        return pattern
    if kind is FieldType.URL:
        return URL_PATTERN
    if kind in (FieldType.STR, FieldType.TEXT):
        return NO_NUL_PATTERN
    return None


def effective_max_length(field: FieldSpec) -> int | None:
    return length_bounds(field.type, field.min_length, field.max_length)[1]


def effective_min_length(field: FieldSpec) -> int | None:
    if field.type is FieldType.PASSWORD and field.min_length is None:
        return PASSWORD_MIN_LENGTH
    return field.min_length


def effective_pattern(field: FieldSpec) -> str | None:
    return app_pattern(field.type, field.pattern)


def digits_and_places(max_digits: int | None, decimal_places: int | None) -> tuple[int, int]:
    return (
        DEFAULT_MAX_DIGITS if max_digits is None else max_digits,
        DEFAULT_DECIMAL_PLACES if decimal_places is None else decimal_places,
    )


def decimal_digits(field: FieldSpec) -> tuple[int, int]:
    return digits_and_places(field.max_digits, field.decimal_places)


def email_problem(value: str) -> str | None:
    """Why the app would refuse `value` as an email address, or None."""
    match = EMAIL_SHAPE.fullmatch(value)
    if match is None:
        return "is not an email address"
    domain = match["domain"]
    if any(label[2:4] == "--" for label in domain.split(".")):
        # IDNA reserves labels like 'xn--...': email-validator refuses those it cannot decode
        return f"is not an email address (the domain '{domain}' is not valid IDNA)"
    last = domain.rsplit(".", 1)[1]
    if not last[-1].isalpha() or last.lower() in _RESERVED_DOMAINS:
        return f"is not an email address (the domain '{domain}' cannot receive mail)"
    if len(match["local"]) > _LOCAL_MAX_LENGTH or len(value) > _ADDRESS_MAX_LENGTH:
        return "is too long for an email address"
    return None


def email_as_returned(value: str) -> bool:
    """The app returns email addresses with the domain in lowercase: is `value` one already?"""
    return value.rpartition("@")[2] == value.rpartition("@")[2].lower()
