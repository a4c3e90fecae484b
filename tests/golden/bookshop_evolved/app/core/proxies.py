"""The client address of a request, which rate limits count by.

A request's address is its peer, unless the peer is a proxy listed in FORWARDED_ALLOW_IPS:
then it is the address that proxy reports in `X-Forwarded-For` (and `X-Forwarded-Proto` gives
the scheme). With the list empty, the default, nobody is believed, whatever the server does:
uvicorn itself trusts `X-Forwarded-For` from 127.0.0.1 unless started with
`--no-proxy-headers` (or its own `--forwarded-allow-ips`), and replaces the peer with an
address from the header before the app sees the request. Such an address, one the request
claims for itself, is not believed here: the request counts as from UNVERIFIED_CLIENT, one
address shared by every such request, so rotating the header gains nothing.
"""

import ipaddress
import logging
from collections.abc import Iterable
from collections.abc import Sequence

from starlette.types import ASGIApp
from starlette.types import Receive
from starlette.types import Scope
from starlette.types import Send

UNVERIFIED_CLIENT = "unverified"
"""The address of every request whose peer address was taken from its own X-Forwarded-For."""

logger = logging.getLogger(__name__)


def _host(value: str) -> str:
    """`1.2.3.4`, `1.2.3.4:5678`, `::1` or `[::1]:5678` -> the address without the port."""
    value = value.strip()
    if value.startswith("[") and "]" in value:
        return value[1 : value.index("]")]
    if value.count(":") == 1:
        return value.split(":", 1)[0]
    return value


def forwarded_for(headers: Iterable[tuple[bytes, bytes]]) -> list[str]:
    """The addresses in every `X-Forwarded-For` header, client first, each proxy after."""
    values = [value.decode("latin-1") for name, value in headers if name == b"x-forwarded-for"]
    return [_host(item) for item in ",".join(values).split(",") if item.strip()]


class TrustedProxies:
    """FORWARDED_ALLOW_IPS: addresses and networks, or `*` for any peer."""

    def __init__(self, entries: Sequence[str]) -> None:
        self.anyone = "*" in entries
        self.networks = [
            ipaddress.ip_network(item, strict=False) for item in entries if item != "*"
        ]

    @property
    def configured(self) -> bool:
        return self.anyone or bool(self.networks)

    def __contains__(self, host: object) -> bool:
        if self.anyone:
            return True
        try:
            address = ipaddress.ip_address(str(host))
        except ValueError:
            return False
        return any(address in network for network in self.networks)

    def client(self, forwarded: Sequence[str]) -> str:
        """The address a chain of trusted proxies reports: the last one that is not itself a
        trusted proxy (each proxy appends the address it saw), or the first if all are."""
        for host in reversed(forwarded):
            if host not in self:
                return host
        return forwarded[0]


class ClientAddressMiddleware:
    """Set the request's client address (and scheme) as described in the module docstring."""

    def __init__(self, app: ASGIApp, trusted: Sequence[str]) -> None:
        self.app = app
        self.trusted = TrustedProxies(trusted)
        self._warned = False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            self.resolve(scope)
        await self.app(scope, receive, send)

    def resolve(self, scope: Scope) -> None:
        client = scope.get("client")
        forwarded = forwarded_for(scope.get("headers", []))
        if client is None or not forwarded:
            return
        peer = client[0]
        if peer in self.trusted:
            scope["client"] = (self.trusted.client(forwarded), 0)
            for name, value in scope["headers"]:
                proto = value.decode("latin-1").strip()
                if name == b"x-forwarded-proto" and proto in ("http", "https", "ws", "wss"):
                    is_ws = scope["type"] == "websocket"
                    scope["scheme"] = proto.replace("http", "ws") if is_ws else proto
        elif peer in forwarded and (
            not self.trusted.configured or peer != self.trusted.client(forwarded)
        ):
            if not self._warned:
                self._warned = True
                logger.warning(
                    "The server took the client address from X-Forwarded-For, which "
                    "FORWARDED_ALLOW_IPS does not allow: such requests count as one client. "
                    "Run uvicorn with --no-proxy-headers and list the proxies in "
                    "FORWARDED_ALLOW_IPS."
                )
            scope["client"] = (UNVERIFIED_CLIENT, 0)
