"""Development helpers: the outbox where sign-in codes land when no mail server is set."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.mail.outbox import recent_mails
from web.templating import render


async def outbox(request: Request) -> Response:
    if request.app.state.settings.production:
        return render(request, "error.html", {"status": 404}, status_code=404)
    return render(request, "outbox.html", {"mails": await recent_mails()})


routes = [Route("/dev/outbox", outbox, methods=["GET"])]
