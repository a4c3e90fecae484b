"""Rate limits over the `limits` library, as FastAPI dependencies.

Counters live in memory (one budget per process) or, when RATE_LIMIT_STORAGE_URL is
`redis://...`, in Redis, so every instance of the app spends one shared budget. A caller is
counted by user id when the request carries a valid token, by client address otherwise.
"""

import math
import time
from collections.abc import Awaitable
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends
from fastapi import Request
from limits import RateLimitItem
from limits import parse
from limits.aio.storage import MemoryStorage
from limits.aio.storage import RedisStorage
from limits.aio.storage import Storage
from limits.aio.strategies import MovingWindowRateLimiter

from app.core.config import Settings
from app.core.errors import RateLimitedError
from app.core.security import OptionalUser
from app.core.security import SettingsDep


class RateLimiter:
    """A moving-window limiter over one storage."""

    def __init__(self, storage_url: str, key_prefix: str) -> None:
        self.storage: Storage
        if storage_url.startswith(("redis://", "rediss://")):
            self.storage = RedisStorage(
                f"async+{storage_url}", implementation="redispy", key_prefix=key_prefix
            )
        elif storage_url.startswith("memory://"):
            self.storage = MemoryStorage()
        else:
            raise ValueError(
                f"RATE_LIMIT_STORAGE_URL {storage_url!r}: use memory:// or redis://host:port/db"
            )
        self.strategy = MovingWindowRateLimiter(self.storage)

    async def acquire(self, checks: list[tuple[RateLimitItem, str]], caller: str) -> None:
        """Spend one request of every budget, or raise RateLimitedError. An exhausted budget
        is found before any is spent; only concurrent requests racing for the last request of
        one budget can spend another's and still be refused."""
        for item, scope in checks:
            if not await self.strategy.test(item, scope, caller):
                stats = await self.strategy.get_window_stats(item, scope, caller)
                raise RateLimitedError(max(1, math.ceil(stats.reset_time - time.time())))
        for item, scope in checks:
            if not await self.strategy.hit(item, scope, caller):
                stats = await self.strategy.get_window_stats(item, scope, caller)
                raise RateLimitedError(max(1, math.ceil(stats.reset_time - time.time())))

    async def reset(self) -> None:
        await self.storage.reset()


_limiters: dict[tuple[str, str], RateLimiter] = {}


def get_rate_limiter(settings: SettingsDep) -> RateLimiter:
    """The process-wide limiter for the configured storage (FastAPI dependency)."""
    key = (settings.rate_limit_storage_url, settings.rate_limit_key_prefix)
    if key not in _limiters:
        _limiters[key] = RateLimiter(*key)
    return _limiters[key]


RateLimiterDep = Annotated[RateLimiter, Depends(get_rate_limiter)]


def _caller(request: Request, user_id: int | None) -> str:
    if user_id is not None:
        return f"user:{user_id}"
    return f"ip:{request.client.host if request.client else 'unknown'}"


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
        checks = _effective(parsed, settings)
        await limiter.acquire(checks, _caller(request, None if user is None else user.id))

    return dependency


def _effective(
    checks: list[tuple[RateLimitItem, str]], settings: Settings
) -> list[tuple[RateLimitItem, str]]:
    if settings.rate_limit_override is None:
        return checks
    override = parse(settings.rate_limit_override)
    return [(override, name) for _, name in checks]
