"""Account email addresses in one canonical form, so that one mailbox is one account.

The form is stored, checked for uniqueness and looked up at login:

- Unicode NFKC first: fullwidth and other compatibility forms become the plain characters
  (`ａｄａ＠example.com` is `ada@example.com`).
- Then the address is validated (email-validator: the domain in its IDNA-normalised form) and
  lower-cased as a whole, local part included: mail providers do not tell `Ada` from `ada`,
  and two accounts that differ only in case would be look-alikes.
- Look-alikes in other scripts are refused. A label (the local part, each part of the domain)
  may not mix scripts, except Latin with the East Asian ones (the "highly restrictive" level
  of Unicode TS #39): `аda` with a Cyrillic `а` is refused. A label in another script whose
  letters all look like Latin ones (Cyrillic `рау`, Greek `ορα`) is refused too: it would
  pass for a Latin address.

Sending mail: `send_email` is the one place the app hands a message over. By default it only
logs it (a development setup sees password reset tokens in its log); replace its body with
your mail provider's client, or override the `get_email_sender` dependency
(`app.dependency_overrides[get_email_sender] = ...`).
"""

import logging
import unicodedata
from collections.abc import Awaitable
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated
from typing import Any

from email_validator import EmailNotValidError
from email_validator import validate_email
from pydantic import AfterValidator
from pydantic import BeforeValidator
from pydantic import EmailStr

logger = logging.getLogger(__name__)

EAST_ASIAN_SCRIPTS = frozenset({"LATIN", "CJK", "HIRAGANA", "KATAKANA", "HANGUL", "BOPOMOFO"})
"""Scripts one label may mix (Japanese, Chinese and Korean names, with Latin)."""

LATIN_LOOKALIKES = frozenset(
    "аеорсухѕіјԁһԛԝӏүѵ"  # Cyrillic
    "αονικρυγχϲϳ"  # Greek
    "օսհո"  # Armenian
)
"""Lower-case letters of other scripts that look like Latin letters (from the confusables of
Unicode TS #39)."""


def _script(char: str) -> str:
    """The script of a letter, as the first word of its Unicode name (`CYRILLIC`, `CJK`)."""
    return unicodedata.name(char, "UNKNOWN").split(" ", 1)[0]


def lookalike_problem(label: str) -> str | None:
    """Why `label` could pass for another address (None: it cannot)."""
    letters = [char for char in label if char.isalpha()]
    scripts = {_script(char) for char in letters}
    if len(scripts) > 1 and not scripts <= EAST_ASIAN_SCRIPTS:
        return f"{label!r} mixes letters of several scripts ({', '.join(sorted(scripts))})"
    if not label.isascii() and letters and all(char in LATIN_LOOKALIKES for char in letters):
        return f"{label!r} is written in letters that look like Latin ones"
    return None


def _compatibility_form(value: Any) -> Any:
    return unicodedata.normalize("NFKC", value).strip() if isinstance(value, str) else value


def _canonical(address: str) -> str:
    address = address.lower()
    local, _, domain = address.rpartition("@")
    for label in [local, *domain.split(".")]:
        problem = lookalike_problem(label)
        if problem is not None:
            raise ValueError(problem)
    return address


AccountEmail = Annotated[EmailStr, BeforeValidator(_compatibility_form), AfterValidator(_canonical)]
"""An account's email address, validated and in canonical form."""


def login_email(username: str) -> str:
    """The canonical form of what someone typed as their email at login (no errors: an
    address that is not valid finds no account)."""
    text = _compatibility_form(username)
    try:
        text = validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError:
        pass
    return str(text).lower()


@dataclass(frozen=True)
class Email:
    """One plain-text message to one address."""

    to: str
    subject: str
    body: str


async def send_email(message: Email) -> None:
    """Hand `message` to the mail system. Out of the box it is only logged: replace this with
    your provider's client before people rely on the mail (password reset)."""
    logger.warning(
        "no mail is sent, logged instead: to=%s subject=%r\n%s",
        message.to,
        message.subject,
        message.body,
    )


EmailSender = Callable[[Email], Awaitable[None]]


def get_email_sender() -> EmailSender:
    """The function that sends the app's mail (FastAPI dependency): `send_email`."""
    return send_email
