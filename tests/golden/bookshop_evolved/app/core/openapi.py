"""Operation ids of the OpenAPI document: `{tag}-{operation}`, e.g. `books-list`, `books-read`,
`tags-link-books`, `auth-login`.

Client generators name their methods after them (`books_list`), so they are part of the API:
every generated route states its own (`operation_id="books-list"`), which stays the same when the
route's function is renamed. A route that states none gets `operation_id` below: its first tag,
then its function's name with `-` for `_` (`auth-change-password`); give it an explicit one once
clients depend on it.
"""

from fastapi.routing import APIRoute


def operation_id(route: APIRoute) -> str:
    """`{tag}-{function name}` for a route without an explicit `operation_id`."""
    name = route.name.replace("_", "-")
    if not route.tags:
        return name
    return f"{str(route.tags[0]).replace('_', '-')}-{name}"
