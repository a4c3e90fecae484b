"""The rate limiter on a real Redis, when TEST_REDIS_URL names one (as in CI): two app
instances counting in one store spend one budget."""

import os
import uuid

import pytest
from limits import parse

from app.core.config import get_settings
from app.core.errors import RateLimitedError
from app.core.rate_limit import RateLimiter

REDIS_URL = os.environ.get("TEST_REDIS_URL", "")


@pytest.mark.skipif(
    not REDIS_URL, reason="needs Redis (run with TEST_REDIS_URL=redis://127.0.0.1:6379/0)"
)
async def test_two_limiters_on_one_redis_share_one_budget() -> None:
    prefix = f"{get_settings().rate_limit_key_prefix}-test-{uuid.uuid4().hex}"
    first, second = RateLimiter(REDIS_URL, prefix), RateLimiter(REDIS_URL, prefix)
    budget = (parse("2/minute"), "tests:shared", "user:1")
    try:
        assert await first.available()
        await first.acquire([budget], fail_open=False)
        await second.acquire([budget], fail_open=False)
        with pytest.raises(RateLimitedError):
            await first.acquire([budget], fail_open=False)
        with pytest.raises(RateLimitedError):
            await second.acquire([budget], fail_open=False)
    finally:
        await first.reset()
