"""The OpenAPI document (/openapi.json) as client generators read it: an operation id of the form
`{tag}-{operation}` on every route, unique, and every error response in the error schema."""

import re
from typing import Any

from app.main import app

OPERATION_ID = re.compile(r"[a-z][a-z0-9]*(-[a-z0-9]+)+")
"""Lowercase words joined by `-`: a generator turns it into `books_list`."""
ERROR_SCHEMA = {"$ref": "#/components/schemas/ErrorResponse"}
METHODS = {"get", "put", "post", "patch", "delete"}


def _operations() -> dict[tuple[str, str], dict[str, Any]]:
    """(method, path) -> operation, of the document the app serves at /openapi.json."""
    paths: dict[str, dict[str, Any]] = app.openapi()["paths"]
    return {
        (method, path): operation
        for path, item in paths.items()
        for method, operation in item.items()
        if method in METHODS
    }


def test_operation_ids_are_tag_then_operation_and_unique() -> None:
    ids: list[str] = []
    for (method, path), operation in _operations().items():
        operation_id = operation["operationId"]
        assert OPERATION_ID.fullmatch(operation_id), (method, path, operation_id)
        assert operation_id.replace("-", "_").isidentifier(), operation_id
        tags = operation.get("tags", [])
        if tags:
            assert operation_id.startswith(f"{tags[0]}-"), (method, path, operation_id)
        ids.append(operation_id)
    assert sorted({i for i in ids if ids.count(i) > 1}) == []


def test_the_project_routes_keep_their_ids_and_document_their_errors() -> None:
    operations = _operations()
    expected = {
        ("get", "/health/live"): ("health-live", []),
        ("get", "/health"): ("health-check", ["503"]),
        ("get", "/health/ready"): ("health-ready", ["503"]),
        ("post", "/auth/refresh"): ("auth-refresh", ["401", "413", "422", "429"]),
        ("post", "/auth/logout"): ("auth-logout", ["413", "422", "429"]),
        ("post", "/auth/password"): (
            "auth-change-password",
            ["400", "401", "413", "422", "429"],
        ),
        ("post", "/auth/password-reset"): (
            "auth-request-password-reset",
            ["413", "422", "429"],
        ),
        ("post", "/auth/password-reset/confirm"): (
            "auth-confirm-password-reset",
            ["400", "413", "422", "429"],
        ),
        ("post", "/auth/token"): ("auth-login", ["401", "413", "422", "429"]),
        ("get", "/auth/me"): ("auth-read-me", ["401"]),
        ("post", "/auth/register"): (
            "auth-register",
            ["401", "403", "409", "413", "422", "429"],
        ),
        ("get", "/admin/users"): ("admin-list-users", ["401", "403", "422"]),
        ("post", "/admin/users"): ("admin-create-user", ["401", "403", "409", "413", "422"]),
        ("get", "/admin/users/{user_id}"): ("admin-read-user", ["401", "403", "404", "422"]),
        ("patch", "/admin/users/{user_id}"): (
            "admin-update-user",
            ["401", "403", "404", "409", "413", "422"],
        ),
        ("delete", "/admin/users/{user_id}"): (
            "admin-delete-user",
            ["401", "403", "404", "409", "422"],
        ),
    }
    for key, (operation_id, errors) in expected.items():
        operation = operations[key]
        assert operation["operationId"] == operation_id, key
        documented = sorted(s for s in operation["responses"] if s[0] in "45" and s.isdigit())
        assert documented == errors, key


def test_every_error_response_is_in_the_error_schema() -> None:
    for (method, path), operation in _operations().items():
        for status, response in operation["responses"].items():
            if status[0] in "45":
                schema = response["content"]["application/json"]["schema"]
                assert schema == ERROR_SCHEMA, (method, path, status)
