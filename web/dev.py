"""Development helpers: the outbox where sign-in codes land when no mail server is set, and
the server's clock, which browser tests read and move forward (a fresh authenticator step
without waiting 30 seconds for it). Neither exists in production (404)."""

from __future__ import annotations

from datetime import timedelta

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from api import clock
from api.ids import is_ascii_digits
from api.mail.outbox import recent_mails
from web.forms import form_handler, text
from web.templating import render

# One move at most an hour ahead: enough for any number of authenticator steps.
MAX_MOVE_SECONDS = 3600


def _not_found(request: Request) -> Response:
    return render(request, "error.html", {"status": 404}, status_code=404)


async def outbox(request: Request) -> Response:
    if request.app.state.settings.production:
        return _not_found(request)
    return render(request, "outbox.html", {"mails": await recent_mails()})


async def server_clock(request: Request) -> Response:
    """The server's time, as the second sign-in step reads it."""
    if request.app.state.settings.production:
        return _not_found(request)
    return JSONResponse({"now": clock.wire(clock.now())})


@form_handler
async def move_clock(request: Request, form: FormData) -> Response:
    """Move the server's clock forward by `seconds` (1 to 3600)."""
    if request.app.state.settings.production:
        return _not_found(request)
    seconds = text(form, "seconds", 4)
    if not is_ascii_digits(seconds) or not 0 < int(seconds) <= MAX_MOVE_SECONDS:
        return JSONResponse({"error": "seconds: 1 to 3600"}, status_code=400)
    moved = clock.move_forward(timedelta(seconds=int(seconds)))
    return JSONResponse({"now": clock.wire(moved)})


routes = [
    Route("/dev/outbox", outbox, methods=["GET"]),
    Route("/dev/clock", server_clock, methods=["GET"]),
    Route("/dev/clock", move_clock, methods=["POST"]),
]
