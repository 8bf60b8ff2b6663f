"""Plumbing shared by the overview and sharing forms: CSRF then the record's frame, the
refusals of the API as error pages, and userErrors as messages next to form fields.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from web import graphql_client
from web.forms import form_handler
from web.patient.frame import record_page
from web.templating import render

RecordFormHandler = Callable[[Request, dict[str, Any], FormData], Awaitable[Response]]


def record_form(handler: RecordFormHandler) -> Callable[[Request], Awaitable[Response]]:
    """A POST about one record: the CSRF token is checked first, then the record's frame
    (a record out of reach is a 404 before anything runs)."""

    async def with_form(request: Request, form: FormData) -> Response:
        async def with_frame(request: Request, frame: dict[str, Any]) -> Response:
            return await handler(request, frame, form)

        return await record_page(with_frame)(request)

    return form_handler(with_form)


def refusal(request: Request, errors: list[dict[str, Any]]) -> Response:
    """The error page for an operation the API refused; unexpected errors are raised."""
    codes = {(error.get("extensions") or {}).get("code") for error in errors}
    if "NOT_FOUND" in codes or "BAD_ID" in codes:
        return render(request, "error.html", {"status": 404}, status_code=404)
    if "CONSENT_REQUIRED" in codes:
        return render(request, "error.html", {"status": 403}, status_code=403)
    raise graphql_client.OperationError(errors)


def error_status(request: Request) -> int:
    """400, with or without htmx: base.html has htmx swap a 400 answer (its errors) in place."""
    return 400


def field_errors(user_errors: list[dict[str, Any]], fields: dict[str, str],
                 fallback: str) -> dict[str, str]:
    """userErrors keyed by the form's field names (`fields` maps the API's names)."""
    found: dict[str, str] = {}
    for error in user_errors:
        name = fields.get(error.get("field") or "", fallback)
        found.setdefault(name, error["message"])
    return found


def chosen_id(form: FormData, name: str) -> str | None:
    """A posted id, or None when it is missing or not a number."""
    value = form.get(name)
    return value.strip() if isinstance(value, str) and value.strip().isdigit() else None
