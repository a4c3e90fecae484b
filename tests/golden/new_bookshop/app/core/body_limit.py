"""A bound on request bodies (MAX_BODY_BYTES): 413 in the error schema for anything larger.

A declared `Content-Length` over the bound is refused before any of the body is read; a body
without one (chunked) is counted as it arrives and refused as soon as it passes the bound, so
no route ever holds more than MAX_BODY_BYTES of a request in memory.
"""

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp
from starlette.types import Message
from starlette.types import Receive
from starlette.types import Scope
from starlette.types import Send

from app.core.errors import error_response


class BodyTooLargeError(HTTPException):
    """Raised while a body is read (FastAPI passes HTTPExceptions through body parsing)."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, f"Request body larger than {max_bytes} bytes")


def _content_length(scope: Scope) -> int | None:
    for name, value in scope["headers"]:
        if name == b"content-length" and value.isdigit():
            return int(value)
    return None


class BodySizeLimitMiddleware:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        too_large = BodyTooLargeError(self.max_bytes)
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._refuse(too_large, scope, receive, send)
            return
        received = 0
        started = False

        async def counted_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise too_large
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted_receive, tracked_send)
        except BodyTooLargeError:
            if started:
                raise
            await self._refuse(too_large, scope, receive, send)

    @staticmethod
    async def _refuse(error: BodyTooLargeError, scope: Scope, receive: Receive, send: Send) -> None:
        response = error_response(413, "payload_too_large", error.detail)
        await response(scope, receive, send)
