"""Operation ids and documented error statuses of each generated route, from the specs."""

from __future__ import annotations

from fastgen.render.openapi import field_docs, route_docs
from fastgen.spec.load import load_spec_text
from tests.render.test_queries import bookshop


def _documented(resource: str) -> dict[str, tuple[str, tuple[int, ...]]]:
    specs, _ = bookshop()
    spec = specs[resource]
    links = [r.name for r in spec.relations if r.kind == "many_to_many"]
    docs = route_docs(spec, spec.table.replace("_", "-"), links)
    return {name: (doc.operation_id, doc.errors) for name, doc in docs.items()}


def test_roles_limits_and_unique_fields_decide_the_statuses() -> None:
    # Book: create by roles only (403), update by owner (no 403), delete by admin; isbn is
    # unique (409 on create and update); every operation is rate limited (429)
    assert _documented("Book") == {
        "list": ("books-list", (401, 422, 429)),
        "read": ("books-read", (401, 404, 422, 429)),
        "create": ("books-create", (401, 403, 409, 413, 422, 429)),
        "update": ("books-update", (401, 404, 409, 413, 422, 429)),
        "delete": ("books-delete", (401, 403, 404, 409, 422, 429)),
    }


def test_links_have_their_own_ids_and_a_409_only_when_linking() -> None:
    documented = _documented("Tag")
    assert documented["link-books"] == ("tags-link-books", (401, 403, 404, 409, 422))
    assert documented["unlink-books"] == ("tags-unlink-books", (401, 403, 404, 422))


def test_without_unique_fields_or_limits_there_is_no_409_on_writes_nor_429() -> None:
    documented = _documented("Review")
    assert documented["create"] == ("reviews-create", (401, 413, 422, 429))
    assert documented["update"] == ("reviews-update", (401, 404, 413, 422))


def test_ids_are_kebab_case_and_roles_only_access_answers_403() -> None:
    spec = load_spec_text(
        "version: 1\nresource: AuditEntry\nfields: {note: str}\n"
        "access: {list: [auditor], read: [public], create: [authenticated], "
        "update: [owner], delete: [auditor]}\n",
        "specs/audit_entry.yaml",
        roles=("auditor",),
    )
    docs = route_docs(spec, spec.table.replace("_", "-"), [])
    assert docs["list"].operation_id == "audit-entries-list"
    assert docs["list"].errors == (401, 403, 422)
    assert docs["list"].responses == "error_responses(401, 403, 422)"
    assert docs["read"].errors == (401, 404, 422)


def test_field_docs_leave_fields_clients_never_read_out_of_the_read_schema() -> None:
    spec = load_spec_text(
        "version: 1\nresource: Account\nfields:\n"
        "  name: {type: str, description: 'Shown \"name\"', example: Ada}\n"
        "  secret: {type: password, min_length: 12, example: correct horse battery}\n"
        "  ref: {type: str, optional: true, write_only: true, description: Internal}\n"
        "  score: {type: int, optional: true, read_only: true, example: 3}\n"
        "  plain: str\n",
        "specs/account.yaml",
    )
    shown = {doc.name: doc for doc in field_docs(spec, "AccountRead")}
    assert sorted(shown) == ["name", "ref", "score", "secret"]
    assert shown["name"].schemas == ("AccountCreate", "AccountUpdate", "AccountRead")
    assert (shown["name"].description, shown["name"].example) == ('"Shown \\"name\\""', '"Ada"')
    assert shown["secret"].schemas == ("AccountCreate", "AccountUpdate")
    assert shown["ref"].schemas == ("AccountCreate", "AccountUpdate")
    assert (shown["score"].schemas, shown["score"].example) == (("AccountRead",), "3")
