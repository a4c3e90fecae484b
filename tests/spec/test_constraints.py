"""The email shape fastgen checks examples, defaults and test data against is one the generated
app's EmailStr (pydantic with email-validator) accepts, and returns unchanged when the domain
is lowercase."""

from __future__ import annotations

import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import EmailStr, TypeAdapter, ValidationError

from fastgen.spec.constraints import email_as_returned, email_problem

EMAIL = TypeAdapter(EmailStr)

local = st.text(string.ascii_letters + string.digits + ".+-_'!#", min_size=1, max_size=12)
label = st.text(string.ascii_letters + string.digits + "-", min_size=1, max_size=10)
domain = st.lists(label, min_size=1, max_size=3).map(".".join) | st.sampled_from(
    ["example.com", "localhost", "corp.test", "mail.example.org", "x.y", "1.2.3.4", "a..b"]
)
addresses = st.builds(lambda a, b: f"{a}@{b}", local, domain) | st.text(max_size=20)


@settings(max_examples=400, deadline=None, database=None)
@given(address=addresses)
def test_what_fastgen_accepts_the_app_accepts(address: str) -> None:
    if email_problem(address) is not None:
        return
    returned = EMAIL.validate_python(address)
    if email_as_returned(address):
        assert returned == address


@pytest.mark.parametrize(
    ("address", "problem"),
    [
        ("user1@example.com", None),
        ("first.last+tag@corp.example.com", None),
        ("not-an-email", "is not an email address"),
        ("0@0.00--A", "is not an email address (the domain '0.00--A' is not valid IDNA)"),
        ("someone@localhost", "is not an email address"),
        (
            "someone@mail.test",
            "is not an email address (the domain 'mail.test' cannot receive mail)",
        ),
        ("someone@host.a0", "is not an email address (the domain 'host.a0' cannot receive mail)"),
    ],
)
def test_email_problems_the_app_shares(address: str, problem: str | None) -> None:
    assert email_problem(address) == problem
    if problem is not None:
        with pytest.raises(ValidationError):
            EMAIL.validate_python(address)


def test_a_local_part_over_64_characters_is_refused_though_the_app_takes_it() -> None:
    """RFC 5321's limit: the app's validator lets it pass, fastgen keeps to it."""
    assert email_problem("a" * 65 + "@example.com") == "is too long for an email address"
