"""Naming rules shared by the loader and the renderers (class -> module, table, path)."""

from __future__ import annotations

import re

_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_IRREGULAR = {"person": "people", "child": "children", "man": "men", "woman": "women"}
_UNCHANGED = {"series", "species", "news", "data", "information", "equipment"}


def snake_case(name: str) -> str:
    """`BookAuthor` -> `book_author`, `HTTPLog` -> `http_log`."""
    return _BOUNDARY.sub("_", name).lower()


def pluralize(word: str) -> str:
    """English plural of a snake_case word; only the last segment changes."""
    head, _, last = word.rpartition("_")
    prefix = f"{head}_" if head else ""
    if last in _UNCHANGED:
        return word
    if last in _IRREGULAR:
        return prefix + _IRREGULAR[last]
    if re.search(r"[^aeiou]y$", last):
        return prefix + last[:-1] + "ies"
    if re.search(r"(s|x|z|ch|sh)$", last):
        return prefix + last + "es"
    return prefix + last + "s"


def default_table(resource: str) -> str:
    return pluralize(snake_case(resource))


def default_path(table: str) -> str:
    """`book_authors` -> `/book-authors`."""
    return "/" + table.replace("_", "-")
