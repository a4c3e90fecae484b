"""What list and read endpoints accept beyond paging, derived from the specs."""

from __future__ import annotations

from pathlib import Path

from fastgen.render import queries
from fastgen.spec.load import load_specs
from fastgen.spec.model import ResourceSpec
from fastgen.state import ProjectState

EXAMPLES = Path(__file__).parents[2] / "examples" / "bookshop"


def bookshop() -> tuple[dict[str, ResourceSpec], ProjectState]:
    paths = [EXAMPLES / f"{name}.yaml" for name in ("author", "book", "tag", "review")]
    specs = {spec.resource: spec for spec in load_specs(paths, roles=("admin", "editor"))}
    state = ProjectState()
    for spec in specs.values():
        state = state.with_resource(spec)
    return specs, state


def test_filters_follow_the_field_types() -> None:
    specs, _ = bookshop()
    params = {
        view.param: (view.operator, view.annotation) for view in queries.filters(specs["Book"])
    }
    price = "Annotated[Decimal, Field(max_digits=10, decimal_places=2)]"
    assert params == {
        "title": ("eq", "list[FilterText]"),
        "title__contains": ("contains", "FilterText"),
        # the column's digits bound a decimal filter value (`1e-200000` is a 422)
        "price": ("eq", f"list[{price}]"),
        "price__gte": ("gte", price),
        "price__gt": ("gt", price),
        "price__lte": ("lte", price),
        "price__lt": ("lt", price),
        "genre": ("eq", "list[BookGenre]"),
        "published_on": ("eq", "list[date]"),
        "published_on__gte": ("gte", "date"),
        "published_on__gt": ("gt", "date"),
        "published_on__lte": ("lte", "date"),
        "published_on__lt": ("lt", "date"),
        "author_id": ("eq", "list[FilterInt]"),
    }
    assert queries.query_enums(specs["Book"]) == ["BookGenre"]
    assert queries.query_imports(specs["Book"]) == [
        "from datetime import date",
        "from decimal import Decimal",
    ]


def test_only_marked_fields_sort() -> None:
    specs, _ = bookshop()
    keys = [(view.param, view.kind) for view in queries.sortable(specs["Book"])]
    assert keys == [
        ("title", "text"),
        ("pages", "number"),
        ("price", "decimal"),
        ("published_on", "plain"),
    ]
    assert queries.filters(specs["Author"])[0].param == "name"


def test_expansions_of_each_kind() -> None:
    specs, state = bookshop()
    author = queries.expansions(specs["Author"], state)
    assert [(v.name, v.kind, v.target, v.column) for v in author] == [
        ("books", "has_many", "Book", "author_id")
    ]
    tag = queries.expansions(specs["Tag"], state)
    assert [(v.name, v.kind, v.column, v.link_class, v.link_target_column) for v in tag] == [
        ("books", "many_to_many", "tag_id", "TagBooksLink", "book_id")
    ]
    review = queries.expansions(specs["Review"], state)
    assert [(v.name, v.kind, v.column, v.target_owner) for v in review] == [
        ("book", "belongs_to", "book_id", True)
    ]


def test_links_and_the_imports_they_need() -> None:
    specs, state = bookshop()
    (link,) = queries.links(specs["Tag"], state)
    assert (link.table, link.class_name, link.owner_column, link.target_column) == (
        "tags_books",
        "TagBooksLink",
        "tag_id",
        "book_id",
    )
    assert link.target_table == "books"
    imports = queries.model_imports(specs["Tag"], state)
    assert "from app.models.tag import TagBooksLink" in imports
    assert "from app.models.book import ACCESS as BOOK_ACCESS" in imports
    assert "from app.models.tag import TagPage" not in imports  # an expandable list pages itself
    assert queries.factory_imports(specs["Review"], state) == [
        "from tests.factories.book import create_book"
    ]
