"""Request ids: one per request, in its response, its error body and each of its log lines.

A client (or the proxy in front of the app) may send its own `X-Request-ID`: it is kept when it
is sane, 1 to 128 letters, digits and `-_.:` (a UUID, a trace id), so one id follows a request
through several services. Anything else (too long, other characters, several headers) is
replaced, like a missing one, by a new id (uuid4 hex), so what is echoed and logged is never
what a client chose to inject.

The id is returned in the `X-Request-ID` header of every response, in the `request_id` field of
every error body (app.core.errors), and in every log line written while the request is handled
(app.core.logging). When an exception escapes to a 500, the id stays set: the 500 the server
error handler sends carries it, and so does the traceback the server logs.
"""

import re
import uuid
from contextvars import ContextVar

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp
from starlette.types import Message
from starlette.types import Receive
from starlette.types import Scope
from starlette.types import Send

REQUEST_ID_HEADER = "X-Request-ID"
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
"""The ids a client may choose; any other value is replaced."""

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)


def current_request_id() -> str | None:
    """The id of the request being handled; None outside a request."""
    return _request_id.get()


def request_id_of(scope: Scope) -> str:
    """The request's own X-Request-ID when it sends exactly one and it is sane, else a new id."""
    sent: list[bytes] = [value for name, value in scope["headers"] if name == b"x-request-id"]
    if len(sent) == 1:
        value = sent[0].decode("latin-1")
        if SANE_REQUEST_ID.fullmatch(value):
            return value
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Give each HTTP request its id and put it in the response's `X-Request-ID` header
    (replacing any the app set). Add it outermost, so every answer carries it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_of(scope)
        token = _request_id.set(request_id)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        await self.app(scope, receive, send_with_id)
        # Not reset when an exception escapes: see the module docstring. Each request runs in
        # a task of its own, so the id never outlives the request.
        _request_id.reset(token)
