"""Sharing with a professional found in the directory: choose what they may see.

The grant form offers only the sections the professional's profession may ever read (the
profession matrix, asked through `professionRights`), lists the others as never visible,
and says in plain words what each choice shows.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api import clock
from api.dates import one_year_after
from web import graphql_client
from web.forms import see_other, text
from web.i18n import translations
from web.messages import N_
from web.patient.consent_forms import chosen_id, field_errors
from web.patient.consent_words import SECTIONS, ZONE, Words, person
from web.patient.frame import error_status, record_form, record_page, refusal
from web.patient.sharing import sharing_url
from web.templating import is_htmx, language_of, render

ALL_CATEGORIES = 10
# userError fields of grantAccess -> the form's field names.
GRANT_FIELDS = {"sections": "sections", "expiresAt": "expires", "professionalId": "professional"}
BAD_DATE = N_("Enter the end date as day, month and year.")


def latest_end() -> date:
    """The last day an access may run to: one year from today, Paris time."""
    return one_year_after(clock.today())


def _summary(rights: dict[str, Any], words: Words) -> dict[str, Any]:
    """What the profession may ever see, in words: per section, and never."""
    categories = [c["label"].lower() for c in rights["documentCategories"]]
    also = [t["label"].lower() for t in rights["alsoReadDocumentTypes"]]
    return {
        "readable": [s for s in SECTIONS if s in rights["readableSections"]],
        "writable": rights["writableSections"],
        "never": words.sections(rights["neverReadableSections"])
        if rights["neverReadableSections"] else "",
        "document_kinds": "" if len(categories) >= ALL_CATEGORIES else
        words.listing(categories + also),
        "never_documents": words.listing(
            [t["label"].lower() for t in rights["neverReadDocumentTypes"]]),
    }


async def _grant_form(request: Request, frame: dict[str, Any], professional_id: str, *,
                      values: dict[str, Any] | None = None, errors: dict[str, str] | None = None,
                      status_code: int = 200) -> Response:
    data, problems = await graphql_client.run(request, "GrantForm", {
        "id": frame["patient_id"], "professionalId": professional_id})
    if problems:
        return refusal(request, problems)
    professional = data["professional"]
    rights = (await graphql_client.query(request, "ProfessionRights", {
        "profession": professional["profession"].upper()}))["professionRights"]
    words = Words(language_of(request))
    current = next((g for g in data["grants"]["items"] if g["status"] == "ACTIVE"
                    and g["professional"]["id"] == professional["id"]), None)
    if values is None:
        values = {"sections": current["sections"] if current else [],
                  "access": "write" if current and current["write"] else "read",
                  "expires": latest_end().isoformat()}
    context = {
        **frame, "current_section": "sharing", "words": words, "professional": professional,
        "who": person(professional), "rights": rights, "summary": _summary(rights, words),
        "current": current, "values": values, "errors": errors or {},
        "blocked": any(b["professional"]["id"] == professional["id"]
                       for b in data["blockedProfessionals"] or []),
        "today": clock.today().isoformat(),
        "latest": latest_end().isoformat(),
    }
    return render(request, "patient/sharing/grant.html", context, status_code=status_code,
                  block="grantform")


@record_page
async def grant_page(request: Request, frame: dict[str, Any]) -> Response:
    return await _grant_form(request, frame, str(request.path_params["professional_id"]))


def _expiry(raw: str) -> tuple[str | None, bool]:
    """The end of the chosen day (Paris time) as the API wants it; (None, True) when the
    date is not readable. The last day allowed means the API's default: a year from now."""
    if not raw:
        return None, False
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        return None, True
    if day == latest_end():
        return None, False
    return clock.wire(datetime.combine(day, time(23, 59, 59), ZONE)), False


@record_form
async def grant(request: Request, frame: dict[str, Any], form: FormData) -> Response:
    professional_id = chosen_id(form, "professional")
    if professional_id is None:
        return render(request, "error.html", {"status": 404}, status_code=404)
    expires = text(form, "expires", 10)
    values: dict[str, Any] = {
        "sections": [s for s in form.getlist("sections") if s in SECTIONS],
        "access": "write" if form.get("access") == "write" else "read", "expires": expires}
    expires_at, unreadable = _expiry(expires)
    if unreadable:
        message = translations(language_of(request)).gettext(BAD_DATE)
        return await _grant_form(request, frame, professional_id, values=values,
                                 errors={"expires": message}, status_code=error_status(request))
    data, problems = await graphql_client.run(request, "GrantAccess", {
        "patientId": frame["patient_id"], "professionalId": professional_id,
        "sections": values["sections"], "write": values["access"] == "write",
        "expiresAt": expires_at})
    if problems:
        return refusal(request, problems)
    user_errors = data["grantAccess"]["userErrors"]
    if user_errors:
        errors = field_errors(user_errors, GRANT_FIELDS, "professional")
        return await _grant_form(request, frame, professional_id, values=values, errors=errors,
                                 status_code=error_status(request))
    done = sharing_url(frame["patient_id"], "granted")
    if is_htmx(request):
        response = Response(status_code=200)
        response.headers["HX-Redirect"] = done
        return response
    return see_other(done)


routes = [
    Route("/records/{patient_id:int}/sharing/grant/{professional_id:int}", grant_page,
          methods=["GET"]),
    Route("/records/{patient_id:int}/sharing/grant", grant, methods=["POST"]),
]
