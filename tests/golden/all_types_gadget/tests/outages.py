"""Dependencies that are down, for tests that prove the app answers 503 instead of 500 or
hanging: an address where nothing listens, and a server that accepts connections and never
answers."""

import asyncio
import socket
from collections.abc import AsyncIterator
from collections.abc import Callable
from contextlib import asynccontextmanager

from app.core.rate_limit import RateLimiter

UseDatabase = Callable[[str], None]
"""`use_database(url)`: the app's sessions go to `url` from now on in this test."""
UseRateLimitStore = Callable[[str], RateLimiter]
"""`use_rate_limit_store(url)`: the app counts its rate limits in `url` from now on."""


def refused_address() -> str:
    """`127.0.0.1:<port>` where nothing listens: connecting is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{probe.getsockname()[1]}"


class _Silent(asyncio.Protocol):
    def __init__(self, transports: list[asyncio.BaseTransport]) -> None:
        self.transports = transports

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transports.append(transport)


@asynccontextmanager
async def silent_server() -> AsyncIterator[str]:
    """`127.0.0.1:<port>` of a server that accepts connections and never says a word."""
    transports: list[asyncio.BaseTransport] = []
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: _Silent(transports), "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"127.0.0.1:{port}"
    finally:
        server.close()
        for transport in transports:
            transport.close()
        await server.wait_closed()
