"""Pages that need a signed-in viewer (of a given role)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response

from api.identity.models import AccountStatus, Professional, Role
from api.identity.viewer import viewer_from_request
from web.forms import see_other
from web.templating import render

Endpoint = Callable[[Request], Awaitable[Response]]
# What a signed-in person whose account is closed may open (web/account.py).
CLOSED_ACCOUNT_PATHS = frozenset({"/account/closed", "/account/reopen"})


def signed_in(role: Role | None = None) -> Callable[[Endpoint], Endpoint]:
    def decorate(endpoint: Endpoint) -> Endpoint:
        @wraps(endpoint)
        async def guarded(request: Request) -> Response:
            viewer = await viewer_from_request(request, request.app.state.settings.secret_key)
            if viewer is None:
                target = request.url.path
                if request.url.query:
                    target += "?" + request.url.query
                return see_other(f"/signin?next={quote(target)}")
            request.state.viewer = viewer
            if (viewer.account.status is AccountStatus.CLOSED
                    and request.url.path not in CLOSED_ACCOUNT_PATHS):
                # A closed account sees only the page that offers to reopen it.
                return see_other("/account/closed")
            if role is not None and viewer.account.role is not role:
                return render(request, "error.html", {"status": 403}, status_code=403)
            if viewer.account.role is Role.PROFESSIONAL:
                # What the workspace navigation offers depends on the profession.
                professions = await Professional.filter(
                    account_id=viewer.account_id).limit(1).values_list("profession", flat=True)
                request.state.profession = professions[0] if professions else None
            return await endpoint(request)

        return guarded

    return decorate
