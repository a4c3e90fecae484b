"""Logging: one handler on the root logger writing to stderr, at LOG_LEVEL, as plain text or,
with LOG_JSON=true, one JSON object per line; every line written while a request is handled
carries the request's id (app.core.request_id), and each request gets one access line.

    2026-01-02T03:04:05.678Z INFO app.access [4bf92f3577b34da6] GET /books 200 3.1 ms
    {"time": "2026-01-02T03:04:05.678Z", "level": "INFO", "logger": "app.access",
     "message": "GET /books 200 3.1 ms", "request_id": "4bf92f3577b34da6", "method": "GET",
     "path": "/books", "status": 200, "duration_ms": 3.1}

(one line each; `request_id` is null outside a request, `exception` holds a traceback). The
access line names the method, the path, the status and the duration: never a query string, a
header or a body, which may hold passwords and tokens. uvicorn's own lines and SQLAlchemy's SQL
echo (DEBUG=true) go through the same handler, and uvicorn's access log is off (the app writes
its own, with the request id).
"""

import json
import logging
import sys
import time
from datetime import UTC
from datetime import datetime
from typing import Any
from typing import TextIO

from starlette.types import ASGIApp
from starlette.types import Message
from starlette.types import Receive
from starlette.types import Scope
from starlette.types import Send

from app.core.config import Settings
from app.core.request_id import current_request_id

HANDLER_NAME = "app"
"""The name of the handler configure_logging installs (and replaces when called again)."""
ACCESS_FIELDS = ("method", "path", "status", "duration_ms")
"""What an access line carries besides its message."""
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"

access_logger = logging.getLogger("app.access")


class RequestIdFilter(logging.Filter):
    """Set `request_id` on each record written while a request is handled (the filter lets
    every record through)."""

    def filter(self, record: logging.LogRecord) -> bool:
        request_id = current_request_id()
        if request_id is not None and not hasattr(record, "request_id"):
            record.request_id = request_id
        return True


def _timestamp(record: logging.LogRecord) -> str:
    moment = datetime.fromtimestamp(record.created, UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class TextFormatter(logging.Formatter):
    """TEXT_FORMAT, with UTC times and `-` for the request id outside a request."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT, defaults={"request_id": "-"})

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        return _timestamp(record)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id, the access fields
    of an access line, and `exception` when the record carries one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": _timestamp(record),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        for field in ACCESS_FIELDS:
            if hasattr(record, field):
                entry[field] = getattr(record, field)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str)


class StderrHandler(logging.StreamHandler[TextIO]):
    """Writes to whatever `sys.stderr` is when a record comes, not the stream it was at start
    (a test runner replaces and closes it)."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


def configure_logging(settings: Settings) -> logging.Handler:
    """Install the app's handler on the root logger (replacing the one a previous call
    installed) with the format and level of `settings`; return it."""
    root = logging.getLogger()
    for old in [handler for handler in root.handlers if handler.get_name() == HANDLER_NAME]:
        root.removeHandler(old)
    handler = StderrHandler()
    handler.set_name(HANDLER_NAME)
    handler.setLevel(settings.log_level)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter() if settings.log_json else TextFormatter())
    root.addHandler(handler)
    root.setLevel(settings.log_level)
    for name in ("uvicorn", "uvicorn.error", "sqlalchemy.engine.Engine"):
        other = logging.getLogger(name)  # their own handlers out: through this one instead
        other.handlers.clear()
        other.propagate = True
    logging.getLogger("uvicorn.access").disabled = True
    return handler


def _printable(text: str) -> str:
    """`text` with control characters escaped, so a path cannot forge a log line."""
    return text if text.isprintable() else text.encode("unicode_escape").decode("ascii")


class AccessLogMiddleware:
    """One access line per HTTP request, once it is answered: method, path, status, duration.
    A request whose exception escapes before any answer is logged as the 500 it gets."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            duration = round((time.perf_counter() - started) * 1000, 1)
            method, path = str(scope["method"]), _printable(str(scope["path"]))
            access_logger.info(
                "%s %s %d %.1f ms",
                method,
                path,
                status,
                duration,
                extra={"method": method, "path": path, "status": status, "duration_ms": duration},
            )
