"""Rate limits over the `limits` library, as FastAPI dependencies.

Counters live in memory (one budget per process) or, when RATE_LIMIT_STORAGE_URL is
`redis://...`, in Redis, so every instance of the app spends one shared budget.

- `rate_limit(...)`, the limits declared in specs: a caller is counted by user id when the
  request carries a valid token, by client address otherwise.
- `credential_limit(...)`, every route that checks a password (login, registration): counted
  by client address and by the account it names, whatever token comes with the request, so
  neither rotating tokens nor rotating accounts buys more guesses.

When the store cannot be reached (RATE_LIMIT_STORAGE_TIMEOUT bounds the wait), the route is
let through unlimited (RATE_LIMIT_FAIL_OPEN, default for declared limits) or refused with 503
(RATE_LIMIT_CREDENTIALS_FAIL_OPEN=false, default for credentials); either way it is logged.
"""

import logging
import math
import time
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends
from fastapi import Request
from limits import RateLimitItem
from limits import parse
from limits.aio.storage import MemoryStorage
from limits.aio.storage import RedisStorage
from limits.aio.storage import Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError

from app.core.config import Settings
from app.core.errors import RateLimitedError
from app.core.errors import ServiceUnavailableError
from app.core.security import OptionalUser
from app.core.security import SettingsDep

logger = logging.getLogger(__name__)

Check = tuple[RateLimitItem, str, str]
"""One budget to spend: its limit, its name (e.g. `books:create`) and whose it is
(`user:7`, `ip:203.0.113.9`, `account:ada@example.com`)."""


class RateLimiter:
    """A moving-window limiter over one storage."""

    def __init__(self, storage_url: str, key_prefix: str, *, timeout: float = 1.0) -> None:
        self.storage: Storage
        if storage_url.startswith(("redis://", "rediss://")):
            self.storage = RedisStorage(
                f"async+{storage_url}",
                implementation="redispy",
                key_prefix=key_prefix,
                wrap_exceptions=True,
                socket_connect_timeout=timeout,
                socket_timeout=timeout,
            )
        elif storage_url.startswith("memory://"):
            self.storage = MemoryStorage()
        else:
            raise ValueError(
                f"RATE_LIMIT_STORAGE_URL {storage_url!r}: use memory:// or redis://host:port/db"
            )
        self.strategy = MovingWindowRateLimiter(self.storage)

    async def acquire(self, checks: Sequence[Check], *, fail_open: bool) -> None:
        """Spend one request of every budget, or raise RateLimitedError. An exhausted budget
        is found before any is spent; only concurrent requests racing for the last request of
        one budget can spend another's and still be refused. Store unreachable: return
        (`fail_open`) or raise ServiceUnavailableError."""
        try:
            for item, name, caller in checks:
                if not await self.strategy.test(item, name, caller):
                    await self._refuse(item, name, caller)
            for item, name, caller in checks:
                if not await self.strategy.hit(item, name, caller):
                    await self._refuse(item, name, caller)
        except (StorageError, OSError) as exc:
            if not fail_open:
                raise ServiceUnavailableError("Rate limiting is unavailable") from exc
            logger.warning("rate-limit store unreachable, request not limited: %s", exc)

    async def _refuse(self, item: RateLimitItem, name: str, caller: str) -> None:
        stats = await self.strategy.get_window_stats(item, name, caller)
        raise RateLimitedError(max(1, math.ceil(stats.reset_time - time.time())))

    async def available(self) -> bool:
        """Whether the store answers (PING for Redis)."""
        try:
            return await self.storage.check()
        except (StorageError, OSError):
            return False

    async def reset(self) -> None:
        await self.storage.reset()


_limiters: dict[tuple[str, str, float], RateLimiter] = {}


def get_rate_limiter(settings: SettingsDep) -> RateLimiter:
    """The process-wide limiter for the configured storage (FastAPI dependency)."""
    key = (
        settings.rate_limit_storage_url,
        settings.rate_limit_key_prefix,
        settings.rate_limit_storage_timeout,
    )
    if key not in _limiters:
        _limiters[key] = RateLimiter(key[0], key[1], timeout=key[2])
    return _limiters[key]


RateLimiterDep = Annotated[RateLimiter, Depends(get_rate_limiter)]


def client_address(request: Request) -> str:
    """`ip:<address>` of the request (see app.core.proxies for which address that is)."""
    return f"ip:{request.client.host if request.client else 'unknown'}"


def _effective(item: RateLimitItem, settings: Settings) -> RateLimitItem:
    if settings.rate_limit_override is None:
        return item
    return parse(settings.rate_limit_override)


def rate_limit(
    scope: str, operation: str, *, shared: str | None = None, own: str | None = None
) -> Callable[..., Awaitable[None]]:
    """Dependency spending one request of `shared` (a budget every operation of `scope`
    spends) and of `own` (this operation's budget), e.g. `shared="120/minute"`."""
    budgets = ((shared, scope), (own, f"{scope}:{operation}"))
    parsed = [(parse(limit), name) for limit, name in budgets if limit is not None]

    async def dependency(
        request: Request, user: OptionalUser, settings: SettingsDep, limiter: RateLimiterDep
    ) -> None:
        if not settings.rate_limit_enabled or not parsed:
            return
        caller = client_address(request) if user is None else f"user:{user.id}"
        checks = [(_effective(item, settings), name, caller) for item, name in parsed]
        await limiter.acquire(checks, fail_open=settings.rate_limit_fail_open)

    return dependency


@dataclass(frozen=True)
class CredentialBudget:
    """What a credential route spends once it knows the account a request names."""

    limiter: RateLimiter
    item: RateLimitItem
    name: str
    enabled: bool
    fail_open: bool

    async def spend(self, account: str) -> None:
        """Spend one request of the budget of `account` (the normalised email)."""
        if self.enabled:
            check = (self.item, f"{self.name}:account", f"account:{account}")
            await self.limiter.acquire([check], fail_open=self.fail_open)


def credential_limit(
    scope: str, operation: str, limit: str
) -> Callable[..., Awaitable[CredentialBudget]]:
    """Dependency for a route that checks a password: spends one request of the client
    address's budget at once and returns the budget of the account, which the route spends
    with `await budget.spend(email)` as soon as it has read the email from the body."""
    item = parse(limit)
    name = f"{scope}:{operation}"

    async def dependency(
        request: Request, settings: SettingsDep, limiter: RateLimiterDep
    ) -> CredentialBudget:
        budget = CredentialBudget(
            limiter=limiter,
            item=_effective(item, settings),
            name=name,
            enabled=settings.rate_limit_enabled,
            fail_open=settings.rate_limit_credentials_fail_open,
        )
        if budget.enabled:
            check = (budget.item, name, client_address(request))
            await limiter.acquire([check], fail_open=budget.fail_open)
        return budget

    return dependency
