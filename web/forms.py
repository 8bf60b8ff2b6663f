"""Form handling shared by every page: CSRF check, size limits, redirects."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from api.graphql.text_input import text_fault
from api.security import csrf
from web.templating import render

Handler = Callable[[Request, FormData], Awaitable[Response]]

MAX_FIELDS = 200
# Form fields written on several lines (textareas): tab and line breaks are kept there.
MULTILINE_FIELDS = frozenset({"note", "advance_directives", "organ_donation_limits", "reason",
                              "body"})


def has_bad_text(form: FormData) -> bool:
    """A NUL, control character or lone surrogate in a field: the API would refuse it."""
    return any(isinstance(value, str)
               and text_fault(value, multiline=name in MULTILINE_FIELDS) is not None
               for name, value in form.multi_items())


def form_handler(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """Wrap a POST handler: parse the form and refuse it without the right CSRF token."""

    @wraps(handler)
    async def endpoint(request: Request) -> Response:
        form = await request.form(max_fields=MAX_FIELDS, max_files=5)
        submitted = request.headers.get(csrf.HEADER) or form.get(csrf.FIELD)
        if not csrf.token_matches(request, submitted if isinstance(submitted, str) else None):
            return PlainTextResponse(
                "The form expired or did not come from Carnet. Go back, reload the page and "
                "try again. / Le formulaire a expiré : revenez en arrière, rechargez la page.",
                status_code=403,
            )
        if has_bad_text(form):
            return render(request, "error.html", {"status": 400, "bad_text": True},
                          status_code=400)
        return await handler(request, form)

    endpoint.csrf_protected = True  # type: ignore[attr-defined]
    return endpoint


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def text(form: FormData, name: str, limit: int = 500) -> str:
    value: Any = form.get(name, "")
    return value.strip()[:limit] if isinstance(value, str) else ""
