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


# -- names fastgen derives from a resource: one rule each, read by the loader (which checks them)
# and by the renderers (which write them)


def pascal_case(name: str) -> str:
    """`published_on` -> `PublishedOn` (each `_`-separated part capitalized)."""
    return "".join(part.capitalize() for part in name.split("_"))


def enum_class_name(resource: str, field: str) -> str:
    """The StrEnum class of an enum field: `Book` + `genre` -> `BookGenre`."""
    return resource + pascal_case(field)


def enum_type_name(resource: str, field: str) -> str:
    """The PostgreSQL type of an enum field's column: `bookgenre`."""
    return enum_class_name(resource, field).lower()


def link_class_name(resource: str, relation: str) -> str:
    """The association model of a many_to_many: `Book` + `tags` -> `BookTagsLink`."""
    return resource + pascal_case(relation) + "Link"


def password_column(field: str) -> str:
    """Password fields are stored hashed, in `<name>_hash`."""
    return f"{field}_hash"


def foreign_key_column(relation: str) -> str:
    """The column a belongs_to adds: `author` -> `author_id`."""
    return f"{relation}_id"


def id_parameter(resource: str) -> str:
    """The path parameter naming one row (`/books/{book_id}`); also a link table's column."""
    return f"{snake_case(resource)}_id"
