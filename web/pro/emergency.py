"""Emergency (break-glass) access from the workspace, for emergency professions only.

The patient is named by INS and birth date, never by a record id: no route here takes
one. Every refusal (nobody with these traits, the patient opposed, too many searches)
is the same page with the same words and the same status, so the page tells a stranger
nothing about the record. The opening shows the 4-hour window and the time left, and
links to the record's pages. The professional's accesses still open are listed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.consent.policy import EMERGENCY_PROFESSIONS
from api.dates import parse_day
from api.identity.models import Role
from api.sharing.emergency import MIN_REASON_LENGTH
from web import graphql_client
from web.forms import form_handler, see_other, text
from web.guards import signed_in
from web.i18n import translations
from web.messages import N_
from web.templating import language_of, render

HOME_ZONE = ZoneInfo("Europe/Paris")
REASON_MAX = 1000
FIELD_PROBLEMS: dict[str, tuple[str, str]] = {
    "INS_REQUIRED": ("ins", N_("Type the patient's INS: 15 characters.")),
    "BAD_INS": ("ins", N_("This INS is not valid: check its 15 characters (the last 2 are "
                          "the key).")),
    "BIRTH_DATE_INVALID": ("birth_date", N_("Enter the birth date such as 14/03/1980.")),
    "REASON_TOO_SHORT": ("reason", N_("Give the reason in at least 15 characters.")),
}
# One answer to every refusal: the same words whatever the cause.
REFUSALS = frozenset({"NOT_FOUND", "TOO_MANY_LOOKUPS"})
REFUSED = N_("No emergency access can be opened for this INS and birth date. Check them on "
             "the patient's card or identity document. This message does not say whether the "
             "person is in Carnet: a record that is not there, a patient who opposed emergency "
             "access and too many searches all give it.")


def emergency_allowed(me: dict[str, Any] | None) -> bool:
    """Whether the viewer's profession may break the glass (the navigation offers it)."""
    profession = ((me or {}).get("professional") or {}).get("profession")
    return profession in {p.value for p in EMERGENCY_PROFESSIONS}


def time_left(seconds: int, language: str) -> str:
    """« 3 h 59 min » / "3 h 59 min"."""
    hours, minutes = divmod(max(0, seconds) // 60, 60)
    gettext = translations(language).gettext
    if hours:
        return gettext(N_("%(hours)d h %(minutes)02d min")) % {"hours": hours,
                                                              "minutes": minutes}
    return gettext(N_("%(minutes)d min")) % {"minutes": minutes}


def _clock(iso: str) -> str:
    return datetime.fromisoformat(iso).astimezone(HOME_ZONE).strftime("%H:%M")


def _accesses(items: list[dict[str, Any]], language: str) -> list[dict[str, Any]]:
    return [{**item, "left": time_left(item["secondsLeft"], language),
             "from": _clock(item["openedAt"]), "until": _clock(item["expiresAt"])}
            for item in items]


async def _page(request: Request, *, values: dict[str, str] | None = None,
                errors: dict[str, str] | None = None, refused: bool = False,
                status_code: int = 200) -> Response:
    language = language_of(request)
    data = await graphql_client.query(request, "ProEmergencyPage")
    if not emergency_allowed(data["me"]):
        return render(request, "pro/emergency_refused.html", {
            "pro_area": "emergency", "may_open_emergency": False,
            "profession": (data["me"].get("professional") or {}).get("profession")},
            status_code=403)
    accesses = _accesses(data["myEmergencyAccesses"], language)
    opened_id = request.query_params.get("opened")
    opened = next((a for a in accesses if a["id"] == opened_id), None)
    return render(request, "pro/emergency.html", {
        "pro_area": "emergency", "may_open_emergency": True,
        "values": values or {"ins": "", "birth_date": "", "reason": ""},
        "errors": errors or {}, "refused": translations(language).gettext(REFUSED)
        if refused else None, "accesses": accesses, "opened": opened,
        "min_reason": MIN_REASON_LENGTH, "reason_max": REASON_MAX,
    }, status_code=status_code)


@signed_in(Role.PROFESSIONAL)
async def emergency_page(request: Request) -> Response:
    return await _page(request)


def _field_errors(codes: list[str], language: str) -> dict[str, str]:
    gettext = translations(language).gettext
    found: dict[str, str] = {}
    for code in codes:
        if code in FIELD_PROBLEMS:
            name, message = FIELD_PROBLEMS[code]
            found.setdefault(name, gettext(message))
    return found


@signed_in(Role.PROFESSIONAL)
@form_handler
async def open_access(request: Request, form: FormData) -> Response:
    language = language_of(request)
    values = {"ins": "".join(text(form, "ins", 40).split()).upper(),
              "birth_date": text(form, "birth_date", 20),
              "reason": text(form, "reason", REASON_MAX)}
    codes = [] if values["ins"] else ["INS_REQUIRED"]
    born = parse_day(values["birth_date"])
    if born is None:
        codes.append("BIRTH_DATE_INVALID")
    if len(values["reason"]) < MIN_REASON_LENGTH:
        codes.append("REASON_TOO_SHORT")
    if codes or born is None:
        return await _page(request, values=values, errors=_field_errors(codes, language),
                           status_code=400)
    data, errors = await graphql_client.run(request, "ProOpenEmergency", {
        "ins": values["ins"], "birthDate": born.isoformat(), "reason": values["reason"]})
    error_codes = [str((e.get("extensions") or {}).get("code")) for e in errors]
    if any(code in REFUSALS for code in error_codes):
        return await _page(request, values=values, refused=True, status_code=400)
    if errors:
        known = [code for code in error_codes if code in FIELD_PROBLEMS]
        if not known:
            raise graphql_client.OperationError(errors)
        return await _page(request, values=values, errors=_field_errors(known, language),
                           status_code=400)
    payload = data["openEmergencyAccess"]
    if payload["userErrors"]:
        return await _page(request, values=values, status_code=400, errors=_field_errors(
            [e["code"] for e in payload["userErrors"]], language))
    return see_other(f"/pro/emergency?opened={payload['emergencyAccess']['id']}")


routes = [
    Route("/pro/emergency", emergency_page, methods=["GET"]),
    Route("/pro/emergency", open_access, methods=["POST"]),
]
