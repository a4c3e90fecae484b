from __future__ import annotations

import pytest

from fastgen.spec.names import default_path, default_table, pluralize, snake_case


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Book", "book"),
        ("BookAuthor", "book_author"),
        ("HTTPLog", "http_log"),
        ("OAuth2Client", "o_auth2_client"),
        ("Item3D", "item3_d"),
        ("A", "a"),
    ],
)
def test_snake_case(name: str, expected: str) -> None:
    assert snake_case(name) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("book", "books"),
        ("category", "categories"),
        ("day", "days"),
        ("box", "boxes"),
        ("address", "addresses"),
        ("match", "matches"),
        ("wish", "wishes"),
        ("quiz", "quizes"),
        ("person", "people"),
        ("sales_person", "sales_people"),
        ("child", "children"),
        ("series", "series"),
        ("book_data", "book_data"),
        ("order_item", "order_items"),
    ],
)
def test_pluralize(word: str, expected: str) -> None:
    assert pluralize(word) == expected


@pytest.mark.parametrize(
    ("resource", "table", "path"),
    [
        ("Book", "books", "/books"),
        ("BookAuthor", "book_authors", "/book-authors"),
        ("Person", "people", "/people"),
        ("Category", "categories", "/categories"),
    ],
)
def test_default_table_and_path(resource: str, table: str, path: str) -> None:
    assert default_table(resource) == table
    assert default_path(default_table(resource)) == path
