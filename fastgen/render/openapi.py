"""What the OpenAPI document says of each route of a resource: its operation id and the error
statuses it can answer.

Operation ids are `{tag}-{operation}` (`books-list`, `books-read`, `tags-link-books`): client
generators name their methods after them (`books_list`), so each generated route states its own
rather than deriving it from the function's name, which a hand edit may change.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastgen.render.literals import py_value
from fastgen.spec.model import FieldType, Operation, ResourceSpec

ITEM_OPERATIONS = ("read", "update", "delete")


@dataclass(frozen=True)
class RouteDoc:
    operation_id: str
    errors: tuple[int, ...]  # the 4xx statuses the route can answer, ascending

    @property
    def responses(self) -> str:
        """The route's `responses=` argument."""
        return f"error_responses({', '.join(str(status) for status in self.errors)})"


@dataclass(frozen=True)
class FieldDoc:
    """A field whose spec gives a description or an example, as the generated tests check them
    in the OpenAPI schemas: the values as Python source, and the schemas holding the field."""

    name: str
    description: str | None
    example: str | None
    schemas: tuple[str, ...]  # Create, Update, Read (or Expanded, the read answer with includes)


def kebab(name: str) -> str:
    return name.replace("_", "-")


def route_docs(spec: ResourceSpec, tag: str, links: list[str]) -> dict[str, RouteDoc]:
    """Operation name (list, read, create, update, delete, link-NAME, unlink-NAME) -> its doc.

    Every route may answer 401 (a token that is present but invalid is refused even where
    anonymous callers are let in) and 422 (each takes a path or query parameter or a body). A
    403 needs an access list of roles only (the loader keeps resources out of the admin area),
    a 404 a row id, 413 a body, 429 a rate limit. A 409 comes from a unique field on create and
    update, from the link a concurrent request stored first, and on delete from rows of other
    resources still referencing the row: those can be added to the project after this router,
    so a delete always documents it."""
    unique = any(field.unique for field in spec.fields)
    docs: dict[str, RouteDoc] = {}
    for operation in Operation:
        name = operation.value
        subjects = spec.access.subjects(operation)
        errors = {401, 422}
        if not {"public", "authenticated", "owner"} & set(subjects):
            errors.add(403)
        if name in ITEM_OPERATIONS:
            errors.add(404)
        if name == "delete" or (name in ("create", "update") and unique):
            errors.add(409)
        if name in ("create", "update"):
            errors.add(413)
        if spec.limits.rate is not None or getattr(spec.limits, name) is not None:
            errors.add(429)
        docs[name] = RouteDoc(f"{tag}-{name}", tuple(sorted(errors)))
    update = docs["update"]  # links are changes of the row: its access and its rate limit
    for link in links:
        link_errors = tuple(sorted({*update.errors, 404, 409} - {413}))
        docs[f"link-{link}"] = RouteDoc(f"{tag}-link-{kebab(link)}", link_errors)
        unlink_errors = tuple(sorted({*update.errors, 404} - {409, 413}))
        docs[f"unlink-{link}"] = RouteDoc(f"{tag}-unlink-{kebab(link)}", unlink_errors)
    return docs


def field_docs(spec: ResourceSpec, read_schema: str) -> list[FieldDoc]:
    """The fields with a description or an example, and the schemas that show them: a field
    clients never read (a password, write_only) is in no read schema, with its example."""
    docs = []
    for field in spec.fields:
        if field.description is None and field.example is None:
            continue
        schemas = []
        if not field.read_only:
            schemas += [f"{spec.resource}Create", f"{spec.resource}Update"]
        if not (field.write_only or field.type is FieldType.PASSWORD):
            schemas.append(read_schema)
        docs.append(
            FieldDoc(
                name=field.name,
                description=None if field.description is None else py_value(field.description),
                example=None if field.example is None else py_value(field.example),
                schemas=tuple(schemas),
            )
        )
    return docs
