"""Health: `/health/live` (the process answers) and `/health/ready` (each dependency answers;
`/health` is the same check).

Point a liveness probe at `/health/live`: it touches nothing, so an outage elsewhere never gets
the process restarted. Point a readiness probe or a load balancer at `/health/ready`: 200 when
the database answers `SELECT 1` and the rate-limit store answers (when limits are on), 503
(error schema, one detail per dependency down, `Retry-After`) when one does not. Each check is
bounded by the timeouts in the settings. None of them needs a token or spends a rate limit.
"""

from typing import Any
from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.core.db import SessionDep
from app.core.errors import AppError
from app.core.errors import ErrorDetail
from app.core.errors import ErrorResponse
from app.core.errors import ServiceUnavailableError
from app.core.rate_limit import RateLimiterDep
from app.core.security import SettingsDep

router = APIRouter(tags=["health"])

UNAVAILABLE: dict[int | str, dict[str, Any]] = {
    503: {"model": ErrorResponse, "description": "A dependency is unavailable"},
}


class LiveRead(BaseModel):
    status: Literal["ok"] = "ok"


class HealthChecks(BaseModel):
    """The state of each dependency."""

    database: Literal["ok"] = "ok"
    rate_limit_store: Literal["ok", "disabled"] = "ok"


class HealthRead(BaseModel):
    """Every dependency answers."""

    status: Literal["ok"] = "ok"
    checks: HealthChecks = HealthChecks()


@router.get("/health/live", response_model=LiveRead, operation_id="health-live")
async def live() -> LiveRead:
    """`{"status": "ok"}` while the process serves requests."""
    return LiveRead()


@router.get(
    "/health/ready", response_model=HealthRead, operation_id="health-ready", responses=UNAVAILABLE
)
async def ready(session: SessionDep, settings: SettingsDep, limiter: RateLimiterDep) -> HealthRead:
    """`{"status": "ok", "checks": {...}}` when the app can run `SELECT 1` on its database and
    reach its rate-limit store; 503 naming each one that fails."""
    down: list[str] = []
    try:
        await session.scalar(text("SELECT 1"))
    except (AppError, SQLAlchemyError, OSError):
        down.append("database")
    store: Literal["ok", "disabled"] = "disabled"
    if settings.rate_limit_enabled:
        store = "ok"
        if not await limiter.available():
            down.append("rate_limit_store")
    if down:
        raise ServiceUnavailableError(
            f"Unavailable: {', '.join(down)}",
            details=[
                ErrorDetail(loc=["checks", name], message="unavailable", type="unavailable")
                for name in down
            ],
        )
    return HealthRead(checks=HealthChecks(rate_limit_store=store))


@router.get(
    "/health", response_model=HealthRead, operation_id="health-check", responses=UNAVAILABLE
)
async def health(session: SessionDep, settings: SettingsDep, limiter: RateLimiterDep) -> HealthRead:
    """The same check as `/health/ready`."""
    return await ready(session, settings, limiter)
