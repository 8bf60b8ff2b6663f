"""Builds the ASGI application: /graphql, /healthz, OAuth, security headers, body limits,
answers during a database outage, database lifespan.

The web pages are added by `web.app`, which composes this app with its routes
(api/ never imports web/).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route
from tortoise import connections

from api.db import close_database, open_database
from api.exchange.fhir.routes import routes as fhir_routes
from api.messaging.routes import routes as messaging_routes
from api.oauth.routes import oauth_routes
from api.oauth.server import CarnetAuthorizationServer
from api.outage import (
    OUTAGE_EXCEPTION_TYPES,
    UNAVAILABLE,
    is_database_outage,
    outage_message,
    retry_after_headers,
)
from api.records.documents.limits import MAX_BODY_BYTES as UPLOAD_BODY_BYTES
from api.records.documents.routes import routes as document_routes
from api.root.schema import shared_schema
from api.root.view import GraphQLEndpoint
from api.security.headers import SecurityHeadersMiddleware
from api.security.limits import BodyLimitMiddleware, route_limits
from api.settings import Settings
from api.texts import request_language


async def healthz(request: Request) -> JSONResponse:
    try:
        await connections.get("default").execute_query("SELECT 1")
    except Exception:  # any database failure means "not healthy"
        return JSONResponse({"status": "unavailable", "database": "down"}, status_code=503,
                            headers=retry_after_headers())
    return JSONResponse({"status": "ok", "database": "up"})


async def database_outage(request: Request, exc: Exception) -> JSONResponse:
    """503 and Retry-After while the database cannot be reached; other errors go on to
    the server-error handler."""
    if not is_database_outage(exc):
        raise exc
    body = {"errors": [{"message": outage_message(request_language(request)),
                        "extensions": {"code": UNAVAILABLE}}]}
    return JSONResponse(body, status_code=503, headers=retry_after_headers())


def build_app(
    settings: Settings,
    *,
    routes: Sequence[BaseRoute] = (),
    manage_database: bool = True,
    exception_handlers: dict[int | type[Exception], object] | None = None,
) -> Starlette:
    schema = shared_schema(production=settings.production)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if manage_database:
            await open_database(settings)
        try:
            yield
        finally:
            if manage_database:
                await close_database()

    graphql = GraphQLEndpoint(schema, settings)
    oauth_server = CarnetAuthorizationServer(production=settings.production)
    handlers: dict[int | type[Exception], object] = {
        kind: database_outage for kind in OUTAGE_EXCEPTION_TYPES}
    handlers.update(exception_handlers or {})
    app = Starlette(
        routes=[
            Route("/graphql", graphql, methods=["GET", "POST"]),
            Route("/healthz", healthz),
            *document_routes,
            *fhir_routes,
            *messaging_routes,
            *oauth_routes(oauth_server),
            *routes,
        ],
        middleware=[Middleware(SecurityHeadersMiddleware, production=settings.production),
                    Middleware(BodyLimitMiddleware,
                               limits=route_limits(upload_bytes=UPLOAD_BODY_BYTES))],
        lifespan=lifespan,
        exception_handlers=handlers,  # type: ignore[arg-type]
    )
    app.state.settings = settings
    app.state.schema = schema
    app.state.oauth_server = oauth_server  # the consent pages (web/apps) answer through it
    return app
