"""API schemas from database rows, a page at a time: one validation (pydantic's, from the rows'
attributes) for all the rows, not one per row."""

from collections.abc import Iterable
from functools import cache
from typing import Any
from typing import TypeVar
from typing import cast

from pydantic import BaseModel
from pydantic import TypeAdapter

Schema = TypeVar("Schema", bound=BaseModel)


@cache
def _adapter(schema: type[BaseModel]) -> TypeAdapter[list[Any]]:
    return TypeAdapter(cast(Any, list.__class_getitem__(schema)))  # list[schema]


def read_rows(schema: type[Schema], rows: Iterable[object]) -> list[Schema]:
    """`rows` (table rows, or any objects with the schema's fields as attributes) as `schema`
    instances. A field the rows have no attribute for keeps its default and stays unset."""
    items: list[Schema] = _adapter(schema).validate_python(rows, from_attributes=True)
    return items
