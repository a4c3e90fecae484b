"""Counts in words: `1 error`, `10 errors`, `2 files`. One helper for every message that
counts things, so that none says `1 errors` or `file(s)`."""

from __future__ import annotations


def counted(number: int, noun: str, plural: str | None = None) -> str:
    """`number` and `noun`, in the plural unless `number` is 1: `counted(3, "file")` is
    `3 files`. `plural` is for nouns that do not just take an s (`counted(2, "child",
    "children")`)."""
    if number == 1:
        return f"{number} {noun}"
    return f"{number} {plural if plural is not None else noun + 's'}"
