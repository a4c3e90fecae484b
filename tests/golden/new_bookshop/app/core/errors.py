"""One error schema for every 4xx and 5xx response, and the handlers producing it."""

import logging
import re
from collections.abc import Mapping
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI
from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.responses import Response
from pydantic import BaseModel
from pydantic import Field
from sqlalchemy import ForeignKeyConstraint
from sqlalchemy import Table
from sqlalchemy import UniqueConstraint
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlmodel import SQLModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.core.request_id import REQUEST_ID_HEADER
from app.core.request_id import current_request_id

logger = logging.getLogger(__name__)


class ErrorDetail(BaseModel):
    """One problem, e.g. one invalid field."""

    loc: list[str | int]
    message: str
    type: str


class ErrorResponse(BaseModel):
    """Body of every error response."""

    code: str
    message: str
    details: list[ErrorDetail] = []
    request_id: str | None = Field(
        default=None,
        description="The request's id, also in its X-Request-ID header: quote it in a report.",
    )


ERROR_DESCRIPTIONS: dict[int, str] = {
    400: "Cannot be done as asked: a wrong current password, a spent or expired token",
    401: "Not authenticated: the bearer token is missing, invalid or expired",
    403: "Not allowed: the caller lacks a required role",
    404: "Not found, or hidden from the caller",
    409: "Conflict with existing data",
    413: "Request body too large",
    422: "Validation error",
    429: "Too many requests; Retry-After says when to try again",
}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route: each error status it can answer, in the error schema."""
    return {
        status: {"model": ErrorResponse, "description": ERROR_DESCRIPTIONS[status]}
        for status in statuses
    }


ERROR_RESPONSES = error_responses(401, 403, 404, 409, 422, 429)
"""Every status of ERROR_DESCRIPTIONS but 413, for a router or route that does not list its own
with `error_responses`."""

APP_ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    "4XX": {"model": ErrorResponse, "description": "Client error"},
    "5XX": {"model": ErrorResponse, "description": "Server error"},
}
"""Application-wide: the shape of any other error an operation may answer (e.g. a 500 or a 503,
a 405), and a replacement for FastAPI's default 422 schema."""

_HTTP_CODES: dict[int, str] = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    500: "internal_error",
    503: "service_unavailable",
}


class AppError(Exception):
    """Base class for errors that map to an HTTP response."""

    status_code: int = 500
    code: str = "internal_error"

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        code: str | None = None,
        details: list[ErrorDetail] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if status_code is not None:
            self.status_code = status_code
        if code is not None:
            self.code = code
        self.details = details or []
        self.headers = dict(headers) if headers else None


class NotFoundError(AppError):
    """The addressed resource does not exist (404)."""

    status_code = 404
    code = "not_found"

    def __init__(self, resource: str, id: object) -> None:
        super().__init__(f"{resource} {id} not found")
        self.resource = resource
        self.id = id


class ConflictError(AppError):
    """The request conflicts with existing data, e.g. a unique value (409)."""

    status_code = 409
    code = "conflict"

    def __init__(self, message: str, *, details: list[ErrorDetail] | None = None) -> None:
        super().__init__(message, details=details)


_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (?P<columns>[^\n]+)")


def conflict_error(exc: IntegrityError, model: type[SQLModel]) -> ConflictError:
    """The 409 for a write of a `model` row the database refused. A unique constraint (or
    unique index) of one column names its field in `details`, like a 422 does; anything else
    (several columns, a constraint the table does not declare) is not guessed at."""
    table = sa_inspect(model).local_table
    name = model.__name__
    uniques = _unique_columns(table) if isinstance(table, Table) else {}
    columns = _violated(exc, table.name if isinstance(table, Table) else "", uniques)
    if columns is not None and len(columns) == 1:
        message = f"{name} with this {columns[0]} already exists"
        detail = ErrorDetail(loc=["body", columns[0]], message=message, type="unique")
        return ConflictError(message, details=[detail])
    single = sorted(cols[0] for cols in uniques.values() if len(cols) == 1)
    listed = f" (unique: {', '.join(single)})" if single else ""
    return ConflictError(f"{name} conflicts with an existing row{listed}")


def _unique_columns(table: Table) -> dict[str, tuple[str, ...]]:
    """Name -> columns of each unique constraint and unique index of `table`: the names the
    naming convention gives, as the migrations create them."""
    found: dict[str, tuple[str, ...]] = {}
    for constraint in table.constraints:
        if isinstance(constraint, UniqueConstraint) and isinstance(constraint.name, str):
            found[constraint.name] = tuple(column.name for column in constraint.columns)
    for index in table.indexes:
        if index.unique and isinstance(index.name, str):
            found[index.name] = tuple(column.name for column in index.columns)
    return found


def _violated(
    exc: IntegrityError, table_name: str, uniques: Mapping[str, tuple[str, ...]]
) -> tuple[str, ...] | None:
    """The columns of the unique constraint `exc` reports, when it is one of `uniques`.
    PostgreSQL (asyncpg) names the constraint; SQLite lists `table.column, ...`."""
    constraint = getattr(exc.orig.__cause__ if exc.orig else None, "constraint_name", None)
    if isinstance(constraint, str):
        return uniques.get(constraint)
    match = _SQLITE_UNIQUE.search(str(exc.orig))
    if match is None:
        return None
    parts = [part.strip().partition(".") for part in match["columns"].split(",")]
    columns = tuple(column for owner, _, column in parts if owner == table_name)
    if len(columns) != len(parts) or columns not in set(uniques.values()):
        return None
    return columns


class MissingParentError(AppError):
    """A foreign key names a row that does not exist, or one the caller may not read: the same
    422 either way, pointing at the field."""

    status_code = 422
    code = "validation_error"

    def __init__(self, resource: str, column: str, row_id: object) -> None:
        message = f"{resource} {row_id} does not exist"
        detail = ErrorDetail(loc=["body", column], message=message, type="foreign_key")
        super().__init__(message, details=[detail])


FOREIGN_KEY_VIOLATION = "23503"
"""PostgreSQL's SQLSTATE for a foreign key naming a missing row."""
_SQLITE_FOREIGN_KEY = "FOREIGN KEY constraint failed"


def is_foreign_key_violation(exc: IntegrityError) -> bool:
    """Whether the database refused a write because a foreign key names a missing row."""
    cause = exc.orig.__cause__ if exc.orig else None
    if getattr(cause, "sqlstate", None) == FOREIGN_KEY_VIOLATION:
        return True
    return _SQLITE_FOREIGN_KEY in str(exc.orig)


def foreign_key_column(exc: IntegrityError, model: type[SQLModel]) -> str | None:
    """The column of `model`'s table whose foreign key `exc` reports, by the constraint's name
    (PostgreSQL names it; SQLite does not, and then this is None)."""
    constraint = getattr(exc.orig.__cause__ if exc.orig else None, "constraint_name", None)
    table = sa_inspect(model).local_table
    if not isinstance(constraint, str) or not isinstance(table, Table):
        return None
    for foreign_key in table.constraints:
        if isinstance(foreign_key, ForeignKeyConstraint) and foreign_key.name == constraint:
            columns = [column.name for column in foreign_key.columns]
            return columns[0] if len(columns) == 1 else None
    return None


class UnauthorizedError(AppError):
    """No valid credentials (401); the client should authenticate with a bearer token."""

    status_code = 401
    code = "unauthorized"

    def __init__(self, message: str = "Not authenticated") -> None:
        super().__init__(message, headers={"WWW-Authenticate": "Bearer"})


class ForbiddenError(AppError):
    """Authenticated, but not allowed to do this (403)."""

    status_code = 403
    code = "forbidden"

    def __init__(self, message: str = "Not allowed") -> None:
        super().__init__(message)


RETRY_AFTER_SECONDS = 5
"""`Retry-After` of a 503: a dependency is down, try again shortly."""


class ServiceUnavailableError(AppError):
    """A service the app depends on (database, rate-limit store) is down or too slow (503);
    `Retry-After` says when to try again. The cause is logged, never sent to the client."""

    status_code = 503
    code = "service_unavailable"

    def __init__(self, message: str, *, details: list[ErrorDetail] | None = None) -> None:
        super().__init__(
            message, details=details, headers={"Retry-After": str(RETRY_AFTER_SECONDS)}
        )


class DatabaseUnavailableError(ServiceUnavailableError):
    """The database refused, dropped or did not answer within its timeouts (503)."""

    def __init__(self) -> None:
        super().__init__("Database unavailable")


class RateLimitedError(AppError):
    """Too many requests (429); `Retry-After` says how many seconds to wait."""

    status_code = 429
    code = "rate_limited"

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"Rate limit exceeded; retry in {retry_after} s",
            headers={"Retry-After": str(retry_after)},
        )
        self.retry_after = retry_after


def error_response(
    status_code: int,
    code: str,
    message: str,
    details: list[ErrorDetail] | None = None,
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """Build a JSON response in the ErrorResponse shape, with the request's id (also as a
    header: a 500 is sent from outside the middleware that sets it on other responses)."""
    request_id = current_request_id()
    body = ErrorResponse(code=code, message=message, details=details or [], request_id=request_id)
    all_headers = dict(headers or {})
    if request_id is not None:
        all_headers[REQUEST_ID_HEADER] = request_id
    return JSONResponse(
        status_code=status_code,
        content=body.model_dump(mode="json"),
        headers=all_headers or None,
    )


def _status_phrase(status_code: int) -> str:
    try:
        return HTTPStatus(status_code).phrase
    except ValueError:
        return "Error"


async def app_error_handler(request: Request, exc: Exception) -> Response:
    """AppError and subclasses; those of 5xx are logged with their cause."""
    assert isinstance(exc, AppError)
    if exc.status_code >= 500:
        cause = "" if exc.__cause__ is None else f" ({exc.__cause__!r})"
        logger.warning("%s %s: %s%s", request.method, request.url.path, exc.message, cause)
    return error_response(exc.status_code, exc.code, exc.message, exc.details, exc.headers)


async def timeout_handler(request: Request, exc: Exception) -> Response:
    """A dependency did not answer in time (503): no pooled database connection became free
    within DATABASE_CONNECT_TIMEOUT, or a pooled connection stopped answering (its check
    before use ran into DATABASE_STATEMENT_TIMEOUT)."""
    unavailable = ServiceUnavailableError("Service unavailable: a dependency did not answer")
    unavailable.__cause__ = exc
    return await app_error_handler(request, unavailable)


async def http_exception_handler(_request: Request, exc: Exception) -> Response:
    """Starlette/FastAPI HTTPException: unknown routes, 405, explicit raises."""
    assert isinstance(exc, StarletteHTTPException)
    headers = getattr(exc, "headers", None)
    if exc.status_code in {204, 304}:
        return Response(status_code=exc.status_code, headers=headers)
    if isinstance(exc.detail, str) and exc.detail:
        message = exc.detail
    else:
        message = _status_phrase(exc.status_code)
    details: list[ErrorDetail] = []
    if exc.detail is not None and not isinstance(exc.detail, str):
        details.append(
            ErrorDetail(loc=[], message=str(jsonable_encoder(exc.detail)), type="detail")
        )
    code = _HTTP_CODES.get(exc.status_code)
    if code is None:
        code = "server_error" if exc.status_code >= 500 else "http_error"
    return error_response(exc.status_code, code, message, details, headers)


def _loc(parts: Any) -> list[str | int]:
    return [part if isinstance(part, int) else str(part) for part in parts or ()]


async def validation_exception_handler(_request: Request, exc: Exception) -> Response:
    """Request validation (422); only loc, msg and type of each error are exposed."""
    assert isinstance(exc, RequestValidationError)
    details = [
        ErrorDetail(
            loc=_loc(error.get("loc")),
            message=str(error.get("msg", "")),
            type=str(error.get("type", "value_error")),
        )
        for error in exc.errors()
    ]
    return error_response(422, "validation_error", "Request validation failed", details)


async def unhandled_exception_handler(_request: Request, _exc: Exception) -> Response:
    """Anything else (500). Nothing about the exception reaches the client; the
    server still logs the traceback (Starlette re-raises after responding)."""
    return error_response(500, "internal_error", "Internal server error")


def register_exception_handlers(app: FastAPI) -> None:
    """Install the handlers so every error response uses ErrorResponse."""
    app.add_exception_handler(AppError, app_error_handler)
    app.add_exception_handler(PoolTimeoutError, timeout_handler)
    app.add_exception_handler(TimeoutError, timeout_handler)
    app.add_exception_handler(StarletteHTTPException, http_exception_handler)
    app.add_exception_handler(RequestValidationError, validation_exception_handler)
    app.add_exception_handler(Exception, unhandled_exception_handler)
