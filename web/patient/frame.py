"""The frame of every record page: whose record it is, and the records the viewer manages.

Record pages live under /records/{patient_id}/..., so a parent switches between their
own record and a child's with a plain link (no JavaScript, bookmarkable).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import wraps
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from api.identity.models import Role
from api.ids import id_or_none
from web import graphql_client
from web.forms import form_handler
from web.guards import signed_in
from web.templating import render

RecordEndpoint = Callable[[Request, dict[str, Any]], Awaitable[Response]]
RecordFormHandler = Callable[[Request, dict[str, Any], FormData], Awaitable[Response]]

# The sections of a record, in the order of the navigation: (path segment, label msgid).
SECTIONS = (
    ("", "Overview"),
    ("history", "Medical history"),
    ("allergies", "Allergies"),
    ("treatments", "Treatments"),
    ("vaccinations", "Vaccinations"),
    ("measurements", "Measurements"),
    ("documents", "Documents"),
    ("messages", "Messages"),
    ("directives", "Advance directives"),
    ("sharing", "Sharing"),
    ("access-history", "Access history"),
    ("summary", "Summary to print"),
)


def record_url(patient_id: str | int, section: str = "") -> str:
    return f"/records/{patient_id}/{section}" if section else f"/records/{patient_id}"


async def load_frame(request: Request, patient_id: str) -> dict[str, Any] | None:
    """The frame's data, or None when this record is out of the viewer's reach."""
    if id_or_none(patient_id) is None:
        return None
    data, errors = await graphql_client.run(request, "RecordFrame", {"id": patient_id})
    if errors or not data.get("patient"):
        return None
    me = data["me"]
    records = ([me["patient"]] if me.get("patient") else []) + list(me.get("managedRecords") or [])
    return {
        "patient": data["patient"],
        "patient_id": data["patient"]["id"],
        "records": records,
        "own_patient_id": me["patient"]["id"] if me.get("patient") else None,
        "sections": SECTIONS,
        "unread_messages": data.get("unreadMessageCount") or 0,
        "record_url": record_url,
    }


def record_page(endpoint: RecordEndpoint) -> Callable[[Request], Awaitable[Response]]:
    """A page of one record: signed in as a patient, the record in reach, the frame loaded."""

    @signed_in(Role.PATIENT)
    @wraps(endpoint)
    async def page(request: Request) -> Response:
        frame = await load_frame(request, str(request.path_params["patient_id"]))
        if frame is None:
            return render(request, "error.html", {"status": 404}, status_code=404)
        return await endpoint(request, frame)

    return page


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
    if "BAD_USER_INPUT" in codes:  # a value the form let through and the API refused
        return render(request, "error.html", {"status": 400, "bad_text": True}, status_code=400)
    raise graphql_client.OperationError(errors)


def error_status(request: Request) -> int:
    """400, with or without htmx: base.html has htmx swap a 400 answer (its errors) in place."""
    return 400


async def home_record(request: Request) -> tuple[str | None, dict[str, Any]]:
    """The record a patient's home shows: their own, or the first they manage (None when
    there is none), with the `PatientHome` answer about the viewer."""
    me = (await graphql_client.query(request, "PatientHome"))["me"]
    first = me.get("patient") or next(iter(me.get("managedRecords") or []), None)
    return (first["id"] if first else None), me
