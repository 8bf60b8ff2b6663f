"""The frame of every record page of the workspace: whose record, what the professional may
do in it, and the sections they may read (the others are not linked).

Pages live under /pro/records/{patient_id}/...; a record out of the professional's reach
(never shared, blocked, or no such record) is the same 404 page. A section the policy does
not open to them answers the refusal page, which says why in words that reveal nothing the
patient did not choose to show (an access that ended on a date, or "not shared").
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
from web.i18n import gettext
from web.messages import N_
from web.patient import entry_display
from web.pro.emergency import emergency_allowed
from web.templating import language_of, render

RecordEndpoint = Callable[[Request, dict[str, Any]], Awaitable[Response]]
RecordFormHandler = Callable[[Request, dict[str, Any], FormData], Awaitable[Response]]

# The record's sections a professional may be given, in the order of the navigation:
# (path segment, label msgid, the GraphQL Section). The overview is always there.
SECTIONS = (
    ("history", N_("Medical history"), "HISTORY"),
    ("allergies", N_("Allergies"), "ALLERGIES"),
    ("treatments", N_("Treatments"), "TREATMENTS"),
    ("vaccinations", N_("Vaccinations"), "VACCINATIONS"),
    ("measurements", N_("Measurements"), "MEASUREMENTS"),
    ("documents", N_("Documents"), "DOCUMENTS"),
    ("directives", N_("Advance directives"), "DIRECTIVES"),
)
SECTION_OF = {segment: section for segment, _, section in SECTIONS}
LABEL_OF = {segment: label for segment, label, _ in SECTIONS}
_NOT_FOUND_CODES = frozenset({"NOT_FOUND", "BAD_ID"})


def pro_record_url(patient_id: str | int, section: str = "") -> str:
    return f"/pro/records/{patient_id}/{section}" if section else f"/pro/records/{patient_id}"


def workspace_context(me: dict[str, Any], area: str) -> dict[str, Any]:
    """What the workspace navigation needs on every page."""
    return {"pro_area": area, "me": me, "may_open_emergency": emergency_allowed(me)}


def not_found(request: Request) -> Response:
    return render(request, "error.html", {"status": 404}, status_code=404)


async def load_frame(request: Request, patient_id: str) -> dict[str, Any] | None:
    """The frame's data, or None when the record is out of the professional's reach."""
    if id_or_none(patient_id) is None:
        return None
    data, errors = await graphql_client.run(request, "ProRecordFrame", {"id": patient_id})
    shared = data.get("sharedRecord")
    if not shared:
        codes = {(e.get("extensions") or {}).get("code") for e in errors}
        if codes & _NOT_FOUND_CODES:
            return None
        raise graphql_client.OperationError(errors)
    by_section = {access["section"]: access for access in shared["sections"]}
    readable = {s for s, access in by_section.items() if access["read"]}
    writable = {segment for segment, section in SECTION_OF.items()
                if by_section[section]["write"]}
    patient = dict(shared["patient"])
    lang = language_of(request)
    patient["nameShared"] = patient.get("displayName") is not None
    if not patient["nameShared"]:  # the identity section is not shared with them
        patient["displayName"] = gettext(lang, N_("Record no. %(id)s")) % {"id": patient["id"]}
    return {
        **workspace_context(data["me"], "patients"),
        "patient": patient,
        "patient_id": patient["id"],
        "access": shared,
        "by_section": by_section,
        "records": [],
        "own_patient_id": None,
        "sections": [("", N_("Overview"))] + [(segment, label) for segment, label, section
                                             in SECTIONS if section in readable],
        "readable": {segment for segment, section in SECTION_OF.items() if section in readable},
        "writable": writable,
        "may_remove": False,  # a professional adds and corrects; removing is the patient's
        "record_url": pro_record_url,
        "layout": "pro/layout.html",
        **entry_display.helpers(lang, None),
    }


def refusal_page(request: Request, frame: dict[str, Any], segment: str) -> Response:
    """403: this section is not open to the professional; why, and what the patient can do."""
    access = frame["by_section"][SECTION_OF[segment]]
    return render(request, "pro/refused.html", {
        **frame, "current_section": segment, "refused_label": LABEL_OF[segment],
        "ended_at": access.get("endedAt"), "read_only": access["read"]}, status_code=403)


def pro_record_page(endpoint: RecordEndpoint) -> Callable[[Request], Awaitable[Response]]:
    """A workspace page of one record: a professional, the record in reach, the frame loaded,
    and the section of the path readable (its writes check writing on their own)."""

    @signed_in(Role.PROFESSIONAL)
    @wraps(endpoint)
    async def page(request: Request) -> Response:
        frame = await load_frame(request, str(request.path_params["patient_id"]))
        if frame is None:
            return not_found(request)
        segment = _segment_of(request, frame["patient_id"])
        if segment and segment not in frame["readable"]:
            return refusal_page(request, frame, segment)
        return await endpoint(request, frame)

    return page


def pro_record_form(handler: RecordFormHandler) -> Callable[[Request], Awaitable[Response]]:
    """A POST about one record: CSRF first, then the frame; a section the professional may
    not change answers the refusal page before anything is sent to the API."""

    async def with_form(request: Request, form: FormData) -> Response:
        async def with_frame(request: Request, frame: dict[str, Any]) -> Response:
            segment = _segment_of(request, frame["patient_id"])
            if segment and segment not in frame["writable"]:
                return refusal_page(request, frame, segment)
            return await handler(request, frame, form)

        return await pro_record_page(with_frame)(request)

    return form_handler(with_form)


def _segment_of(request: Request, patient_id: str) -> str:
    """The section a path is about ('' for the overview and the record-wide pages)."""
    rest = request.url.path.removeprefix(pro_record_url(patient_id)).strip("/")
    segment = rest.split("/", 1)[0]
    return segment if segment in SECTION_OF else ""
