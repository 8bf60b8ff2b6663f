"""The whole site: the API app plus the pages and their static files."""

from __future__ import annotations

import logging
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES, GZipMiddleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from api.app import build_app
from api.outage import OUTAGE_EXCEPTION_TYPES, is_database_outage, retry_after_headers
from api.settings import Settings
from web import account, apps, auth, dev, home, notifications, paper, patient, pro
from web.graphql_client import RecordUnreadable, validate_operations
from web.templating import render

STATIC_DIR = Path(__file__).parent / "static"
# Documents are PDF, JPEG or PNG, compressed already: gzip would spend CPU on up to 20 MB
# for nothing and drop the Content-Length of the download.
ALREADY_COMPRESSED = ("application/pdf", "image/jpeg", "image/png")
log = logging.getLogger(__name__)


async def http_error(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    return render(request, "error.html", {"status": status}, status_code=status)


async def server_error(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error on %s", request.url.path, exc_info=exc)
    return render(request, "error.html", {"status": 500}, status_code=500)


async def client_gone(request: Request, exc: Exception) -> Response:
    """The client hung up before its request was read whole: nothing to answer, no fault."""
    log.info("client disconnected during %s %s", request.method, request.url.path)
    return Response(status_code=400)


async def database_outage(request: Request, exc: Exception) -> Response:
    """A short "try again in a moment" page while the database cannot be reached."""
    if not is_database_outage(exc):
        raise exc
    log.warning("database unavailable on %s: %s", request.url.path, exc)
    response = render(request, "error.html", {"status": 503}, status_code=503)
    response.headers.update(retry_after_headers())
    return response


async def record_unreadable(request: Request, exc: Exception) -> Response:
    """A record whose key was destroyed (erased) or whose data was altered: nothing shown."""
    log.warning("unreadable record on %s: %s", request.url.path, exc)
    return render(request, "error.html", {"status": 410}, status_code=410)


def create_app(settings: Settings | None = None, *, manage_database: bool = True) -> Starlette:
    settings = settings or Settings.from_env()
    app = build_app(
        settings,
        routes=[
            *home.routes, *auth.routes, *account.routes, *dev.routes, *patient.routes,
            *apps.routes, *pro.routes, *paper.routes, *notifications.routes,
            Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
        ],
        manage_database=manage_database,
        exception_handlers={HTTPException: http_error, Exception: server_error,
                            ClientDisconnect: client_gone,
                            RecordUnreadable: record_unreadable,
                            **{kind: database_outage for kind in OUTAGE_EXCEPTION_TYPES}},
    )
    problems = validate_operations(app.state.schema, cache_dir=settings.var_dir / "cache")
    if problems:
        raise RuntimeError("web/operations do not match the schema: " + "; ".join(problems))
    app.add_middleware(GZipMiddleware, minimum_size=500,
                       exclude_content_types=(*DEFAULT_EXCLUDED_CONTENT_TYPES,
                                              *ALREADY_COMPRESSED))
    return app
