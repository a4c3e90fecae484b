"""Bench-only instrumentation shared by both apps under load: an ASGI middleware counting the
SQL statements an engine runs (SQLAlchemy `before_cursor_execute`) and its pool's
pre-ping round trips, with the text of the first statements, served and reset at
`GET /__bench__/sql`.

Both apps install it only when `BENCH_COUNT_SQL=1`; the timed load runs go without it.
"""

from __future__ import annotations

import json
import os
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

PATH = "/__bench__/sql"
SWITCH = "BENCH_COUNT_SQL"
_LOG_SIZE = 100


def enabled() -> bool:
    return os.environ.get(SWITCH) == "1"


class SqlCounter:
    """Pure ASGI middleware: `app.add_middleware(SqlCounter, engine=engine)`."""

    def __init__(self, app: Any, engine: AsyncEngine) -> None:
        self.app = app
        self.counts = {"requests": 0, "statements": 0, "pings": 0}
        self.log: list[str] = []
        sync_engine = engine.sync_engine
        event.listen(sync_engine, "before_cursor_execute", self._statement)
        dialect = sync_engine.dialect
        ping = dialect.do_ping

        def counted_ping(dbapi_connection: Any) -> bool:
            self.counts["pings"] += 1
            return ping(dbapi_connection)

        dialect.do_ping = counted_ping  # type: ignore[method-assign]

    def _statement(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        self.counts["statements"] += 1
        if len(self.log) < _LOG_SIZE:
            self.log.append(statement)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"] == PATH:
            body = json.dumps({**self.counts, "log": self.log}).encode()
            self.counts.update(requests=0, statements=0, pings=0)
            self.log = []
            headers = [(b"content-type", b"application/json")]
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        self.counts["requests"] += 1
        await self.app(scope, receive, send)
