"""Field types that only let in what can be stored and served back: a value that passes them
never makes a row that a list or read cannot return.

- `JsonObject` (the `json` field type): at most JSON_MAX_DEPTH levels of nesting and
  JSON_MAX_BYTES once serialised, no lone surrogate in a key or string, no NaN or Infinity.
- `LongText` (a `text` field without `max_length` or `pattern` of its own): at most
  TEXT_MAX_LENGTH characters, no NUL.
- Other text: `str` and `text` fields refuse NUL characters through their pattern (PostgreSQL
  cannot store a NUL); every textual field refuses lone surrogates (UTF-8 cannot encode them)
  through its pattern or length bound, which pydantic checks on valid Unicode only."""

import json
import math
from typing import Annotated
from typing import Any

from pydantic import AfterValidator
from pydantic import Field

JSON_MAX_DEPTH = 32
"""Levels of nested objects and arrays a `json` value may have (`{"a": [1]}` has 2)."""
JSON_MAX_BYTES = 65_536
"""Size of a `json` value serialised as UTF-8 JSON, at most: 64 KiB."""
TEXT_MAX_LENGTH = 100_000
"""Characters a `text` field without its own `max_length` holds, at most: at 4 UTF-8 bytes each
such a value still fits a 1 MiB request body, and a page of rows stays a sane size to serve."""


def _storable_text(text: str, where: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError(f"{where} contains a lone surrogate, which cannot be stored") from None


def storable_json(value: dict[str, Any]) -> dict[str, Any]:
    """`value` if it can be stored and returned as JSON; a ValueError (a 422) otherwise. Walks
    the value without recursion, so no nesting depth can exhaust the stack."""
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending:
        node, depth = pending.pop()
        if isinstance(node, dict | list):
            if depth > JSON_MAX_DEPTH:
                raise ValueError(f"JSON nested deeper than {JSON_MAX_DEPTH} levels")
            items = node.items() if isinstance(node, dict) else enumerate(node)
            for key, item in items:
                if isinstance(key, str):
                    _storable_text(key, "a JSON key")
                pending.append((item, depth + 1))
        elif isinstance(node, str):
            _storable_text(node, "a JSON string")
        elif isinstance(node, float) and not math.isfinite(node):
            raise ValueError("JSON numbers must be finite (no NaN or Infinity)")
    size = len(json.dumps(value, ensure_ascii=False).encode("utf-8"))
    if size > JSON_MAX_BYTES:
        raise ValueError(f"JSON larger than {JSON_MAX_BYTES} bytes ({size})")
    return value


JsonObject = Annotated[
    dict[str, Any],
    AfterValidator(storable_json),
    Field(
        description=f"A JSON object: at most {JSON_MAX_DEPTH} levels deep and "
        f"{JSON_MAX_BYTES} bytes serialised."
    ),
]
"""A JSON object that can always be stored and served back (see the module's docstring)."""

LongText = Annotated[str, Field(max_length=TEXT_MAX_LENGTH, pattern=r"^[^\x00]*$")]
"""Text of a `text` field without bounds of its own (see TEXT_MAX_LENGTH); no NUL characters,
which PostgreSQL cannot store."""
