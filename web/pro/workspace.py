"""The professional's workspace: "My patients", opening a record by INS and birth date, and
each record's overview. The sections themselves reuse the patient's pages (web/pro/records).

The lookup answers a miss the same way whatever the reason (no such INS, a patient who did
not share their record, a patient who blocked the professional): the page is identical.
"""

from __future__ import annotations

from datetime import date
from functools import partial
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.dates import parse_day
from api.identity.models import Role
from web import graphql_client
from web.forms import form_handler, see_other, text
from web.guards import signed_in
from web.i18n import gettext
from web.messages import N_
from web.patient import entry_display
from web.patient.moments import date_time
from web.pro.frame import SECTIONS, pro_record_page, pro_record_url, workspace_context
from web.templating import language_of, render

PAGE_SIZE = 20
NOT_SHARED = "/pro/not-shared"
BAD_INS = N_("An INS has 15 characters: the 13 of the social security number, then the "
             "2-digit key.")
INVALID_INS = N_("This INS is not valid: check the 15 characters (13 digits, 2A or 2B for "
                 "Corsica, then the 2-digit key).")
BAD_BIRTH_DATE = N_("Enter the birth date, such as 14/07/1980.")
TOO_MANY = N_("Too many searches found no one. Wait %(minutes)d minutes, then try again.")
_SECTION_NAMES = {section: segment for segment, _, section in SECTIONS}


def _with_segments(item: dict[str, Any]) -> dict[str, Any]:
    """A list row with its sections as path segments, in the record's order."""
    readable = set(item["readableSections"])
    return {**item,
            "readable": [seg for seg, _, section in SECTIONS if section in readable],
            "writable": [seg for seg, _, section in SECTIONS
                         if section in set(item["writableSections"])]}


async def _patients_page(request: Request, values: dict[str, str] | None = None,
                         errors: dict[str, str] | None = None, status_code: int = 200,
                         ) -> Response:
    after = request.query_params.get("after") or None
    data, problems = await graphql_client.run(request, "ProPatients",
                                              {"first": PAGE_SIZE, "after": after})
    page = data.get("myPatients")
    if page is None:
        if after:  # a stale or made-up cursor: start again from the top
            return see_other("/pro")
        raise graphql_client.OperationError(problems)
    # A name the patient did not share comes back null (CONSENT_REQUIRED): the row says so.
    lang = language_of(request)
    return render(request, "pro/patients.html", {
        **workspace_context(data["me"], "patients"),
        "items": [_with_segments(item) for item in page["items"]],
        "total": page["totalCount"], "after": after,
        "next_cursor": page["pageInfo"]["endCursor"] if page["pageInfo"]["hasNextPage"] else None,
        "values": values or {}, "errors": errors or {}, "record_url": pro_record_url,
        "labels": {seg: label for seg, label, _ in SECTIONS},
        **entry_display.helpers(lang, None),
    }, status_code=status_code)


@signed_in(Role.PROFESSIONAL)
async def my_patients(request: Request) -> Response:
    """/pro: the patients who shared their record with me, the one I opened last first."""
    return await _patients_page(request)


def _lookup_errors(errors: list[dict[str, Any]], lang: str) -> dict[str, str] | None:
    """The form's problems for a refused lookup; None when it simply found no one."""
    for error in errors:
        extensions = error.get("extensions") or {}
        code = extensions.get("code")
        if code == "BAD_INS":
            return {"ins": gettext(lang, INVALID_INS)}
        if code == "TOO_MANY_LOOKUPS":
            seconds = int(extensions.get("retryAfterSeconds") or 3600)
            return {"ins": gettext(lang, TOO_MANY) % {"minutes": max(1, -(-seconds // 60))}}
    if all((e.get("extensions") or {}).get("code") == "NOT_FOUND" for e in errors):
        return None
    raise graphql_client.OperationError(errors)


@form_handler
async def open_patient(request: Request, form: FormData) -> Response:
    """POST /pro/find: open a record by INS and birth date (never by a guessed id)."""

    @signed_in(Role.PROFESSIONAL)
    async def as_professional(request: Request) -> Response:
        return await _look_up(request, form)

    return await as_professional(request)


async def _look_up(request: Request, form: FormData) -> Response:
    lang = language_of(request)
    ins = "".join(text(form, "ins", 40).split()).upper()
    typed_date = text(form, "birthDate", 20)
    born = parse_day(typed_date)
    values = {"ins": text(form, "ins", 40), "birthDate": typed_date}
    errors: dict[str, str] = {}
    if len(ins) != 15:
        errors["ins"] = gettext(lang, BAD_INS)
    if born is None or born > date.today():
        errors["birthDate"] = gettext(lang, BAD_BIRTH_DATE)
    if errors or born is None:
        return await _patients_page(request, values, errors, status_code=400)
    data, problems = await graphql_client.run(
        request, "ProFindPatient", {"ins": ins, "birthDate": born.isoformat()})
    found = (data.get("findPatient") or {}).get("patient")
    if found:
        return see_other(pro_record_url(found["id"]))
    lookup_errors = _lookup_errors(problems, lang) if problems else None
    if lookup_errors:
        return await _patients_page(request, values, lookup_errors, status_code=400)
    # Found no one, or someone who shared nothing with me: the very same answer.
    return see_other(NOT_SHARED)


@signed_in(Role.PROFESSIONAL)
async def not_shared(request: Request) -> Response:
    """Where every lookup that opens nothing lands: the same page whatever the reason."""
    me = await graphql_client.query(request, "ProfessionalHome")
    return render(request, "pro/not_shared.html", workspace_context(me["me"], "patients"))


@pro_record_page
async def record_overview(request: Request, frame: dict[str, Any]) -> Response:
    """/pro/records/{id}: what I may do in this record, its sections, write, deposit."""
    flags = {segment: segment in frame["readable"]
             for segment in ("history", "allergies", "treatments", "vaccinations",
                             "measurements", "documents")}
    data, errors = await graphql_client.run(request, "ProRecordOverview",
                                            {"id": frame["patient_id"], **flags})
    if errors:
        raise graphql_client.OperationError(errors)
    counts = {segment: (data["patient"].get(segment) or {}).get("totalCount")
              for segment, shown in flags.items() if shown}
    lang = language_of(request)
    return render(request, "pro/record.html", {**frame, "current_section": "",
                                                "day_and_time": partial(date_time, lang=lang),
                                                "counts": counts, "labels": dict(
                                                    (seg, label) for seg, label, _ in SECTIONS)})


routes = [
    Route("/pro", my_patients, methods=["GET"]),
    Route("/pro/find", open_patient, methods=["POST"]),
    Route(NOT_SHARED, not_shared, methods=["GET"]),
    Route("/pro/records/{patient_id:int}", record_overview, methods=["GET"]),
]
