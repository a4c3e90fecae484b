"""ASGI entry point: `uvicorn app.main:app --no-proxy-headers` (the app reads X-Forwarded-For
itself, from the proxies in FORWARDED_ALLOW_IPS only: see app.core.proxies)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from app.core.body_limit import BodySizeLimitMiddleware
from app.core.config import Settings
from app.core.config import get_settings
from app.core.db import engine
from app.core.errors import APP_ERROR_RESPONSES
from app.core.errors import register_exception_handlers
from app.core.logging import AccessLogMiddleware
from app.core.logging import configure_logging
from app.core.openapi import operation_id
from app.core.proxies import ClientAddressMiddleware
from app.core.request_id import REQUEST_ID_HEADER
from app.core.request_id import RequestIdMiddleware
from app.core.security import route_policy
from app.routers import admin_users
from app.routers import auth
from app.routers import health


@asynccontextmanager
async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
    """Release pooled database connections on shutdown."""
    yield
    await engine.dispose()


def create_app(settings: Settings) -> FastAPI:
    """The application. Refuses unsafe settings (the example secret key) outside debug mode.
    Serves the API documentation only when `settings.docs_open`."""
    problem = settings.unsafe_for_production()
    if problem is not None:
        raise RuntimeError(
            f"{problem}: refusing to start. Set SECRET_KEY in .env (e.g. the output of "
            '`python -c "import secrets; print(secrets.token_urlsafe(32))"`), '
            "or DEBUG=true for local development."
        )
    configure_logging(settings)
    docs = settings.docs_open
    application = FastAPI(
        title=settings.app_name,
        version="0.1.0",
        lifespan=lifespan,
        responses=APP_ERROR_RESPONSES,
        generate_unique_id_function=operation_id,
        dependencies=[Depends(route_policy)],
        openapi_url="/openapi.json" if docs else None,
        docs_url="/docs" if docs else None,
        redoc_url="/redoc" if docs else None,
    )
    register_exception_handlers(application)
    application.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes)
    application.add_middleware(ClientAddressMiddleware, trusted=settings.forwarded_allow_ips)
    if settings.cors_origins:  # outside the body limit: a 413 carries CORS headers too
        application.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_credentials=settings.cors_allow_credentials,
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=[REQUEST_ID_HEADER],
        )
    # Outermost: every answer (a CORS preflight, a 413 too) carries X-Request-ID, and every
    # request gets its access line with its id.
    application.add_middleware(AccessLogMiddleware)
    application.add_middleware(RequestIdMiddleware)
    return application


app = create_app(get_settings())

app.include_router(health.router)
app.include_router(auth.router)
app.include_router(admin_users.router)
