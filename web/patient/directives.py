"""The advance directives page: written wishes, trusted person, organ donation stance,
confirming they are still true, and clearing them (after a confirm step)."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from web import graphql_client
from web.forms import see_other, text
from web.patient.frame import error_status, record_form, record_page, record_url, refusal
from web.patient.moments import date_time, long_date
from web.templating import is_htmx, language_of, render

STANCES = ("NOT_STATED", "CONSENTS", "REFUSES", "LIMITED")
TRUSTED = ("name", "relation", "phone", "email")
# userError fields of saveDirectives -> the form's field names.
FORM_FIELDS = {"advanceDirectives": "advance_directives", "organDonation": "organ_donation",
               "organDonationLimits": "organ_donation_limits",
               "trustedPerson": "trusted_name",
               **{f"trustedPerson.{part}": f"trusted_{part}" for part in TRUSTED}}
NOTICES = ("saved", "confirmed", "cleared")
LIMITS = {"advance_directives": 20000, "organ_donation_limits": 2000, "trusted_name": 200,
          "trusted_relation": 100, "trusted_phone": 40, "trusted_email": 254}


def _values(directives: dict[str, Any] | None) -> dict[str, str]:
    """The form's fields, filled from what is recorded."""
    found = directives or {}
    person = found.get("trustedPerson") or {}
    values = {f"trusted_{part}": person.get(part) or "" for part in TRUSTED}
    values["advance_directives"] = found.get("advanceDirectives") or ""
    values["organ_donation"] = found.get("organDonation") or "NOT_STATED"
    values["organ_donation_limits"] = found.get("organDonationLimits") or ""
    return values


def describe(directives: dict[str, Any] | None, lang: str) -> dict[str, Any]:
    """What the page says about the recorded directives, in words."""
    if not directives:
        return {"recorded": False}
    confirmed = directives.get("lastConfirmedAt")
    by = directives.get("lastConfirmedBy") or {}
    updated = directives["provenance"]
    return {
        "recorded": True, "has_document": bool(directives.get("documentId")),
        "confirmed_on": long_date(confirmed, lang) if confirmed else None,
        "confirmed_iso": confirmed, "confirmed_by": by.get("name"),
        "updated_on": date_time(updated["updatedAt"], lang),
        "updated_by": (updated.get("updatedBy") or {}).get("name"),
    }


async def _page(request: Request, frame: dict[str, Any], *,
                values: dict[str, str] | None = None, errors: dict[str, str] | None = None,
                notice: str | None = None, confirm_clear: bool = False,
                status_code: int = 200) -> Response:
    data, problems = await graphql_client.run(request, "DirectivesPage",
                                              {"id": frame["patient_id"]})
    if problems:
        return refusal(request, problems)
    directives = data["patient"]["directives"]
    offered = data["patient"]["directivesOffered"]
    context = {
        "offered": offered, "offers_any": any(offered.values()),
        **frame, "current_section": "directives", "stances": STANCES,
        "values": values if values is not None else _values(directives),
        "facts": describe(directives, language_of(request)), "errors": errors or {},
        "notice": notice, "confirm_clear": confirm_clear, "htmx": is_htmx(request),
        "page_url": record_url(frame["patient_id"], "directives"),
        "documents_url": record_url(frame["patient_id"], "documents"),
    }
    return render(request, "patient/directives.html", context, status_code=status_code,
                  block="directives")


@record_page
async def directives_page(request: Request, frame: dict[str, Any]) -> Response:
    done = request.query_params.get("done")
    return await _page(request, frame, notice=done if done in NOTICES else None)


@record_page
async def confirm_clear_page(request: Request, frame: dict[str, Any]) -> Response:
    return await _page(request, frame, confirm_clear=True)


def _input(patient_id: str, values: dict[str, str], form: FormData) -> dict[str, Any]:
    """saveDirectives' input: every part the form showed (a part the person's age does not
    allow is not shown, so not sent); no trusted person when all its fields are empty."""
    person = {part: values[f"trusted_{part}"] or None for part in TRUSTED}
    stance = values["organ_donation"]
    given: dict[str, Any] = {"patientId": patient_id}
    if "advance_directives" in form:
        given["advanceDirectives"] = values["advance_directives"]
    if any(f"trusted_{part}" in form for part in TRUSTED):
        given["trustedPerson"] = ({**person, "name": person["name"] or ""}
                                  if any(person.values()) else None)
    if "organ_donation" in form:
        given["organDonation"] = stance if stance in STANCES else "NOT_STATED"
        given["organDonationLimits"] = values["organ_donation_limits"] or None
    return given


def _done(request: Request, frame: dict[str, Any], notice: str) -> Response | None:
    """Without htmx, back to the page with its notice; None when htmx wants the fragment."""
    if is_htmx(request):
        return None
    return see_other(f"{record_url(frame['patient_id'], 'directives')}?done={notice}")


@record_form
async def save(request: Request, frame: dict[str, Any], form: FormData) -> Response:
    values = {name: text(form, name, limit + 10) for name, limit in LIMITS.items()}
    values["organ_donation"] = text(form, "organ_donation", 20)
    data, problems = await graphql_client.run(
        request, "SaveDirectives", {"input": _input(frame["patient_id"], values, form)})
    if problems:
        return refusal(request, problems)
    errors: dict[str, str] = {}
    for problem in data["saveDirectives"]["userErrors"]:
        field = FORM_FIELDS.get(problem["field"] or "", "advance_directives")
        errors.setdefault(field, problem["message"])
    if errors:
        return await _page(request, frame, values=values, errors=errors,
                           status_code=error_status(request))
    return _done(request, frame, "saved") or await _page(request, frame, notice="saved")


@record_form
async def confirm(request: Request, frame: dict[str, Any], form: FormData) -> Response:
    data, problems = await graphql_client.run(request, "ConfirmDirectives",
                                              {"patientId": frame["patient_id"]})
    if problems:
        return refusal(request, problems)
    failed = data["confirmDirectives"]["userErrors"]
    if failed:
        return await _page(request, frame, errors={"confirm": failed[0]["message"]},
                           status_code=error_status(request))
    return _done(request, frame, "confirmed") or await _page(request, frame, notice="confirmed")


@record_form
async def clear(request: Request, frame: dict[str, Any], form: FormData) -> Response:
    _data, problems = await graphql_client.run(request, "ClearDirectives",
                                               {"patientId": frame["patient_id"]})
    if problems:
        return refusal(request, problems)
    return _done(request, frame, "cleared") or await _page(request, frame, notice="cleared")


routes = [
    Route("/records/{patient_id:int}/directives", directives_page, methods=["GET"]),
    Route("/records/{patient_id:int}/directives", save, methods=["POST"]),
    Route("/records/{patient_id:int}/directives/confirm", confirm, methods=["POST"]),
    Route("/records/{patient_id:int}/directives/clear", confirm_clear_page, methods=["GET"]),
    Route("/records/{patient_id:int}/directives/clear", clear, methods=["POST"]),
]
