"""Depositing a document from the workspace, without reading the record.

Step 1 names the patient by INS and birth date (``findPatient``: its handle is carried by
the step 2 form), or the page comes preselected from a record the professional follows
(``?patient=ID``). Step 2 sends the file with its title, type, date, and whether to hold
it back until the professional has seen the patient. Then a confirmation says only that
it was deposited. Below, the professional's own deposits: title, date, held back or not,
with a button to release a held-back one. Plain forms; no JavaScript needed.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime
from typing import Any

from babel.dates import format_date
from starlette.datastructures import FormData, UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api import texts
from api.dates import parse_day
from api.graphql.common import is_number_text
from api.identity.models import Role
from api.records.documents.messages import UPLOAD_PARAMS
from web import graphql_client
from web.forms import form_handler, see_other, text
from web.guards import signed_in
from web.i18n import translations
from web.messages import N_
from web.patient.documents import PROBLEMS as DOCUMENT_PROBLEMS
from web.patient.documents import type_groups
from web.pro.emergency import emergency_allowed
from web.templating import language_of, render

PRESCRIPTION = "57833-6"
# Problem code -> (form field, message), beyond the document problems the patient's
# pages already word.
PROBLEMS: dict[str, tuple[str, str]] = {
    **DOCUMENT_PROBLEMS,
    "INS_REQUIRED": ("ins", N_("Type the patient's INS: 15 characters.")),
    "BAD_INS": ("ins", N_("This INS is not valid: check its 15 characters (the last 2 are "
                          "the key).")),
    "BIRTH_DATE_INVALID": ("birth_date", N_("Enter the birth date such as 14/03/1980.")),
    "NOT_FOUND": ("ins", N_("No patient has this INS and birth date in Carnet. Check them "
                            "on the patient's card or identity document.")),
    "TOO_MANY_LOOKUPS": ("ins", N_("Too many searches found nobody: wait a while (at most "
                                   "an hour) before searching again.")),
    "HANDLE_EXPIRED": ("ins", N_("More than an hour went by since you identified the "
                                 "patient: identify them again.")),
    "IDEMPOTENCY_KEY_REUSED": ("file", N_("This form was already sent and the document "
                                          "deposited. To deposit another one, start again.")),
}
NOTICES = {
    "deposited": N_("The document is deposited. The patient is told."),
    "held_back": N_("The document is deposited and held back: the patient does not see it "
                    "yet. Release it below once you have seen them."),
    "released": N_("The document is released: the patient sees it now and is told."),
}


def _codes(errors: list[dict[str, Any]]) -> list[str]:
    return [str((error.get("extensions") or {}).get("code")) for error in errors]


def _messages(codes: list[str], language: str) -> dict[str, str]:
    found: dict[str, str] = {}
    for code in codes:
        if code in PROBLEMS:
            name, message = PROBLEMS[code]
            found.setdefault(name, texts.text(language, message, **UPLOAD_PARAMS))
    return found


def _deposits(page: dict[str, Any], language: str) -> list[dict[str, Any]]:
    return [{**item, "date_text": format_date(date.fromisoformat(item["documentDate"]),
                                              "long", locale=language),
             "until_text": format_date(datetime.fromisoformat(item["heldBackUntil"]).date(),
                                       "long", locale=language)
             if item["heldBackUntil"] else ""}
            for item in page["items"]]


async def _page(request: Request, *, step: int, values: dict[str, str],
                errors: dict[str, str] | None = None, patient: dict[str, Any] | None = None,
                status_code: int = 200) -> Response:
    language = language_of(request)
    data = await graphql_client.query(request, "ProDepositPage")
    done = request.query_params.get("done", "")
    notice = translations(language).gettext(NOTICES[done]) if done in NOTICES else None
    context = {
        "pro_area": "deposit", "may_open_emergency": emergency_allowed(data["me"]),
        "step": step, "values": values, "errors": errors or {}, "patient": patient,
        "type_groups": type_groups(data), "notice": notice,
        "deposits": _deposits(data["myDeposits"], language),
        "deposit_count": data["myDeposits"]["totalCount"],
    }
    return render(request, "pro/deposit.html", context, status_code=status_code)


def _step_two_values(**given: str) -> dict[str, str]:
    return {"title": "", "type_code": PRESCRIPTION, "document_date": "", "hold_back": "",
            "key": secrets.token_urlsafe(16), **given}


async def _followed(request: Request, raw_id: str) -> dict[str, Any] | None:
    """The record preselected by ``?patient=ID``: only one the viewer has a relation to."""
    if not is_number_text(raw_id):
        return None
    data, errors = await graphql_client.run(request, "ProDepositRecord", {"id": raw_id})
    record = data.get("patient")
    if record is None or any(code != "CONSENT_REQUIRED" for code in _codes(errors)):
        return None
    return {"id": record["id"], "name": record.get("displayName") or ""}


@signed_in(Role.PROFESSIONAL)
async def deposit_page(request: Request) -> Response:
    raw_id = request.query_params.get("patient")
    if raw_id is None:
        return await _page(request, step=1, values={"ins": "", "birth_date": ""})
    patient = await _followed(request, raw_id)
    if patient is None:
        return render(request, "error.html", {"status": 404}, status_code=404)
    return await _page(request, step=2, values=_step_two_values(patient_id=patient["id"]),
                       patient=patient)


@signed_in(Role.PROFESSIONAL)
@form_handler
async def identify(request: Request, form: FormData) -> Response:
    """Step 1: find the patient by INS and birth date; step 2 carries the handle."""
    values = {"ins": "".join(text(form, "ins", 40).split()).upper(),
              "birth_date": text(form, "birth_date", 20)}
    codes = [] if values["ins"] else ["INS_REQUIRED"]
    born = parse_day(values["birth_date"])
    if born is None:
        codes.append("BIRTH_DATE_INVALID")
    if codes or born is None:
        return await _page(request, step=1, values=values,
                           errors=_messages(codes, language_of(request)), status_code=400)
    data, errors = await graphql_client.run(request, "ProDepositFind", {
        "ins": values["ins"], "birthDate": born.isoformat()})
    found = data.get("findPatient")
    if found is None:
        known = [code for code in _codes(errors) if code in PROBLEMS]
        if not known:
            raise graphql_client.OperationError(errors)
        return await _page(request, step=1, values=values,
                           errors=_messages(known, language_of(request)), status_code=400)
    return await _page(request, step=2, values=_step_two_values(
        handle=found["handle"], ins=values["ins"], birth_date=values["birth_date"]))


def _step_two_input(form: FormData) -> dict[str, str]:
    names = ("handle", "patient_id", "ins", "birth_date", "title", "type_code",
             "document_date", "hold_back", "key")
    return {name: text(form, name, 250) for name in names}


async def _patient_again(request: Request, values: dict[str, str]) -> dict[str, Any] | None:
    if values["patient_id"]:
        return await _followed(request, values["patient_id"])
    return None


@signed_in(Role.PROFESSIONAL)
@form_handler
async def send(request: Request, form: FormData) -> Response:
    """Step 2: the file and what it is. Problems keep what was typed, except the file."""
    language = language_of(request)
    values = _step_two_input(form)
    upload = form.get("file")
    codes: list[str] = []
    if not isinstance(upload, UploadFile) or not upload.filename:
        codes.append("FILE_MISSING")
    day = parse_day(values["document_date"]) if values["document_date"] else None
    if values["document_date"] and day is None:
        codes.append("DATE_INVALID")
    if not values["handle"] and not values["patient_id"]:
        return see_other("/pro/deposit")
    patient = await _patient_again(request, values)
    if values["patient_id"] and patient is None:
        return render(request, "error.html", {"status": 404}, status_code=404)
    if not codes:
        reference = ({"patientHandle": values["handle"]} if values["handle"]
                     else {"patientId": values["patient_id"]})
        data, errors = await graphql_client.run(request, "ProDeposit", {"input": {
            **reference, "file": upload, "title": values["title"] or None,
            "typeCode": values["type_code"] or None,
            "documentDate": day.isoformat() if day else None,
            "holdBack": values["hold_back"] == "1"}, "key": values["key"] or None})
        if "NOT_FOUND" in _codes(errors) and values["handle"]:
            codes.append("HANDLE_EXPIRED")  # the handle lasts an hour
        elif errors:
            known = [code for code in _codes(errors) if code in PROBLEMS]
            if not known:
                raise graphql_client.OperationError(errors)
            codes += known
        else:
            payload = data["depositDocument"]
            if payload["deposited"]:
                done = "held_back" if payload["heldBackUntil"] else "deposited"
                return see_other(f"/pro/deposit/done?{done}=1")
            codes += [error["code"] for error in payload["userErrors"]]
    errors_by_field = _messages(codes, language)
    if "HANDLE_EXPIRED" in codes:
        return await _page(request, step=1, values={"ins": values["ins"],
                                                    "birth_date": values["birth_date"]},
                           errors=errors_by_field, status_code=400)
    return await _page(request, step=2, values=values, errors=errors_by_field,
                       patient=patient, status_code=400)


@signed_in(Role.PROFESSIONAL)
async def done(request: Request) -> Response:
    """The confirmation: deposited, and the patient told (now, or once released)."""
    held_back = "held_back" in request.query_params
    data = await graphql_client.query(request, "ProWorkspaceMe")
    return render(request, "pro/deposit_done.html", {
        "pro_area": "deposit", "may_open_emergency": emergency_allowed(data["me"]),
        "held_back": held_back})


@signed_in(Role.PROFESSIONAL)
@form_handler
async def release(request: Request, form: FormData) -> Response:
    """Release one of my held-back deposits; anything else is simply not found."""
    data, errors = await graphql_client.run(
        request, "ProReleaseDeposit", {"id": str(request.path_params["document_id"])})
    if errors or not data.get("releaseHeldBackDocument"):
        return render(request, "error.html", {"status": 404}, status_code=404)
    return see_other("/pro/deposit?done=released#my-deposits")


routes = [
    Route("/pro/deposit", deposit_page, methods=["GET"]),
    Route("/pro/deposit/identify", identify, methods=["POST"]),
    Route("/pro/deposit/send", send, methods=["POST"]),
    Route("/pro/deposit/done", done, methods=["GET"]),
    Route("/pro/deposits/{document_id:int}/release", release, methods=["POST"]),
]
