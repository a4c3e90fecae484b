"""Liveness and database check."""

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from app.core.db import SessionDep
from app.core.errors import AppError
from app.core.errors import ErrorResponse

router = APIRouter(tags=["health"])


class HealthRead(BaseModel):
    """Health status."""

    status: Literal["ok"] = "ok"


@router.get(
    "/health",
    response_model=HealthRead,
    responses={503: {"model": ErrorResponse, "description": "Database unavailable"}},
)
async def health(session: SessionDep) -> HealthRead:
    """Return `{"status": "ok"}` when the app can run `SELECT 1` on its database."""
    try:
        await session.scalar(text("SELECT 1"))
    except (SQLAlchemyError, OSError) as exc:
        raise AppError(
            "Database unavailable",
            status_code=503,
            code="service_unavailable",
        ) from exc
    return HealthRead()
