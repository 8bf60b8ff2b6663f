"""The overview of a record: what is in it and who can see it.

The sections at a glance, the newest documents, the latest accesses by others, the
unread notifications about this record and who may see it now.
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.ids import id_or_none
from web import graphql_client
from web.forms import see_other
from web.i18n import translations
from web.messages import N_
from web.patient.consent_words import SECTIONS, Words
from web.patient.frame import error_status, record_form, record_page, record_url, refusal
from web.templating import is_htmx, language_of, render

NOTIFICATIONS_SHOWN = 5
# The sections counted on the overview, in the order of the navigation.
COUNTED = ("HISTORY", "ALLERGIES", "TREATMENTS", "VACCINATIONS", "MEASUREMENTS", "DOCUMENTS")
NOTICES = {"read": N_("Done: the notifications are marked as read.")}
NOTHING_TO_MARK = N_("There is no notification to mark as read.")


def _contents(patient: dict[str, Any], patient_id: str) -> list[dict[str, Any]]:
    """One line per section: its name, how many entries, the link to its page."""
    lines = []
    for name in COUNTED:
        page = patient.get(name.lower())
        lines.append({"name": name, "url": record_url(patient_id, SECTIONS[name][0]),
                      "count": page["totalCount"] if page else None})
    return lines


async def _overview(request: Request, frame: dict[str, Any], *, notice: str | None = None,
                    errors: list[str] | None = None, status_code: int = 200) -> Response:
    data, problems = await graphql_client.run(request, "RecordOverview",
                                              {"id": frame["patient_id"]})
    refused = [p for p in problems if (p.get("extensions") or {}).get("code") != "CONSENT_REQUIRED"]
    if refused or not data:
        return refusal(request, problems)
    patient = data["patient"] or {}
    unread = [n for n in (data["notifications"] or {}).get("items", [])
              if n["patientId"] == frame["patient_id"]][:NOTIFICATIONS_SHOWN]
    grants = (data["grants"] or {}).get("items", [])
    context = {
        **frame, "current_section": "", "words": Words(language_of(request)),
        "contents": _contents(patient, frame["patient_id"]),
        "directives": patient.get("directives"),
        "documents": patient.get("documents"), "accesses": data["accessHistory"],
        "unread": unread, "doctor": data["treatingDoctor"],
        "active_grants": sum(1 for g in grants if g["status"] == "ACTIVE"),
        "opposed": data["emergencyAccessOpposed"],
        "notice": NOTICES.get(notice or ""), "errors": errors or [],
        "fragment": is_htmx(request),
    }
    return render(request, "patient/overview.html", context, status_code=status_code,
                  block="notifications")


@record_page
async def overview(request: Request, frame: dict[str, Any]) -> Response:
    return await _overview(request, frame, notice=request.query_params.get("done"))


@record_form
async def mark_read(request: Request, frame: dict[str, Any], form: FormData) -> Response:
    """Mark the notifications shown on the overview as read (the ids the form carried)."""
    ids = [i for i in form.getlist("ids") if id_or_none(i) is not None][:100]
    if not ids:
        message = translations(language_of(request)).gettext(NOTHING_TO_MARK)
        return await _overview(request, frame, errors=[message],
                               status_code=error_status(request))
    data, problems = await graphql_client.run(request, "MarkRecordNotificationsRead",
                                              {"ids": ids})
    if problems:
        return refusal(request, problems)
    user_errors = data["markNotificationsRead"]["userErrors"]
    if user_errors:
        return await _overview(request, frame, errors=[e["message"] for e in user_errors],
                               status_code=error_status(request))
    if is_htmx(request):
        return await _overview(request, frame, notice="read")
    return see_other(f"{record_url(frame['patient_id'])}?done=read#notifications-h")


routes = [
    Route("/records/{patient_id:int}", overview, methods=["GET"]),
    Route("/records/{patient_id:int}/notifications/read", mark_read, methods=["POST"]),
]
