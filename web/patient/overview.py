"""The overview of a record: what is in it and who can see it, as a small dashboard.

One tile per section with its count and its latest item, the newest documents, the
latest accesses by others, the unread notifications about this record and who may see
it now. Everything comes from one in-process operation (RecordOverview), whose SQL
statements do not grow with the record.
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
# The sections counted on the overview, in the order of the navigation: API name -> what
# its latest item is called on its tile.
COUNTED = {
    "HISTORY": N_("Latest history item:"),
    "ALLERGIES": N_("Latest allergy:"),
    "TREATMENTS": N_("Latest treatment:"),
    "VACCINATIONS": N_("Latest vaccination:"),
    "MEASUREMENTS": N_("Latest measurement:"),
    "DOCUMENTS": N_("Latest document:"),
}
NBSP = "\u00a0"
NOTICES = {"read": N_("Done: the notifications are marked as read.")}
NOTHING_TO_MARK = N_("There is no notification to mark as read.")


def _latest(name: str, item: dict[str, Any]) -> str:
    """The newest item of a section in a few words: what it is, not every detail."""
    if name == "HISTORY":
        return str(item["label"])
    if name == "ALLERGIES":
        return str(item["substance"])
    if name == "TREATMENTS":
        return str(item["medication"])
    if name == "VACCINATIONS":
        return str((item.get("vaccine") or {}).get("label") or "")
    if name == "MEASUREMENTS":
        # "Pouls 72 battements/min": the value keeps its unit on the same line.
        return f"{item['label']} {str(item['displayValue']).replace(' ', NBSP, 1)}"
    return str(item["title"])


def _tiles(patient: dict[str, Any], patient_id: str) -> list[dict[str, Any]]:
    """One tile per section: its name, how many entries, the latest one, its page."""
    tiles = []
    for name, latest_label in COUNTED.items():
        page = patient.get(name.lower())
        items = page["items"] if page else []
        segment = SECTIONS[name][0]
        tiles.append({"name": name, "segment": segment, "url": record_url(patient_id, segment),
                      "count": page["totalCount"] if page else None,
                      "latest_label": latest_label,
                      "latest": _latest(name, items[0]) if items else None})
    return tiles


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
        "tiles": _tiles(patient, frame["patient_id"]),
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
