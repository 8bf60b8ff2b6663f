"""Importing a FHIR file into a record: the form, and the report of what was added and left out.

A plain multipart form (no JavaScript needed); the file goes to the same service as
`carnet fhir import`, as the signed-in viewer, and the policy decides who may import (the
patient, a parent): anyone else gets the page "not found", as for a record out of reach.
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData, UploadFile
from starlette.formparsers import MultiPartException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from api.exchange.fhir.importing import (
    SECTIONS,
    ImportReport,
    import_bundle,
    may_import,
    reason_words,
)
from api.exchange.fhir.reading import MAX_BUNDLE_BYTES, REFUSALS, BundleRefused
from api.graphql.context import Context
from api.identity.models import Patient
from api.records.documents.limits import BodyTooLarge, announced_too_large, limited_receive
from api.records.documents.storage import storage_for
from api.security import csrf
from api.texts import text
from web.guards import signed_in
from web.messages import N_
from web.patient.frame import load_frame, record_url
from web.templating import language_of, render

PATH = "/records/{patient_id:int}/fhir-import"
MAX_BODY = MAX_BUNDLE_BYTES + 64 * 1024
# The sections as the record's navigation names them.
SECTION_LABELS = {"history": N_("Medical history"), "allergies": N_("Allergies"),
                  "treatments": N_("Treatments"), "vaccinations": N_("Vaccinations"),
                  "measurements": N_("Measurements"), "documents": N_("Documents"),
                  "directives": N_("Advance directives")}
PROBLEMS = {
    "missing": N_("Choose the FHIR file to import."),
    "bad_form": N_("The sending was interrupted. Try again."),
}


def import_url(patient_id: str | int) -> str:
    return record_url(patient_id, "fhir-import")


def _report(report: ImportReport, language: str) -> dict[str, Any]:
    def listed(items: list[Any]) -> list[dict[str, str]]:
        return [{"location": item.location, "label": item.label,
                 "reason": reason_words(item.reason, language)} for item in items]

    def grouped(items: list[Any]) -> list[dict[str, Any]]:
        """One line per reason (« already in the record: 58 »), its items listed below it:
        a second import of a whole record must not read as a page of 58 lines."""
        groups: dict[str, list[dict[str, str]]] = {}
        for item in listed(items):
            groups.setdefault(item["reason"], []).append(item)
        return [{"reason": reason, "count": len(found), "items": found}
                for reason, found in groups.items()]

    return {"total": report.total_added,
            "added": [{"key": section.value, "label": SECTION_LABELS[section.value],
                       "count": report.added[section]}
                      for section in SECTIONS if report.added[section]],
            "left_out": grouped(report.left_out), "not_imported": grouped(report.not_imported),
            "left_out_count": len(report.left_out),
            "not_imported_count": len(report.not_imported)}


async def _page(request: Request, frame: dict[str, Any], *, error: str | None = None,
                location: str | None = None, report: ImportReport | None = None,
                status_code: int = 200) -> Response:
    language = language_of(request)
    return render(request, "patient/fhir_import.html", {
        **frame, "current_section": "documents", "error": error, "location": location,
        "report": _report(report, language) if report is not None else None,
        "action": import_url(frame["patient_id"]),
        "documents_url": record_url(frame["patient_id"], "documents"),
        "limit_mb": MAX_BUNDLE_BYTES // 2**20,
    }, status_code=status_code)


async def _allowed(request: Request) -> tuple[dict[str, Any], Patient, Context] | None:
    """The record's frame, the patient and the viewer's context, when the viewer may import."""
    frame = await load_frame(request, str(request.path_params["patient_id"]))
    if frame is None:
        return None
    patient = await Patient.get_or_none(id=int(frame["patient_id"]))
    settings = request.app.state.settings
    context = Context(settings=settings, viewer=request.state.viewer,
                      language=language_of(request))
    if patient is None or not await may_import(context, patient):
        return None
    return frame, patient, context


def _not_found(request: Request) -> Response:
    return render(request, "error.html", {"status": 404}, status_code=404)


@signed_in()
async def import_form(request: Request) -> Response:
    allowed = await _allowed(request)
    if allowed is None:
        return _not_found(request)
    return await _page(request, allowed[0])


@signed_in()
async def import_file(request: Request) -> Response:
    """The form's CSRF token is checked before anything about the record is looked up, so a
    forged post learns nothing (403 whatever the record); then the policy decides."""
    language = language_of(request)
    too_large = text(language, REFUSALS["too_large"], limit=MAX_BUNDLE_BYTES // 2**20)
    if announced_too_large(request.scope, MAX_BODY):
        return await _problem_page(request, too_large, 413)
    try:
        form = await request.form(max_files=1, max_fields=4)
    except BodyTooLarge:
        return await _problem_page(request, too_large, 413)
    except (MultiPartException, ClientDisconnect):
        return await _problem_page(request, text(language, PROBLEMS["bad_form"]), 400)
    try:
        submitted = form.get(csrf.FIELD)
        if not csrf.token_matches(request, submitted if isinstance(submitted, str) else None):
            return PlainTextResponse(
                "The form expired or did not come from Carnet. Go back, reload the page and "
                "try again. / Le formulaire a expiré : revenez en arrière, rechargez la page.",
                status_code=403)
        allowed = await _allowed(request)
        if allowed is None:
            return _not_found(request)
        return await _accept(request, form, *allowed)
    finally:
        await form.close()


async def _problem_page(request: Request, error: str, status_code: int) -> Response:
    allowed = await _allowed(request)
    if allowed is None:
        return _not_found(request)
    return await _page(request, allowed[0], error=error, status_code=status_code)


async def _accept(request: Request, form: FormData, frame: dict[str, Any], patient: Patient,
                  context: Context) -> Response:
    language = language_of(request)
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not (upload.filename or upload.size):
        return await _page(request, frame, error=text(language, PROBLEMS["missing"]),
                           status_code=400)
    data = await upload.read(MAX_BUNDLE_BYTES + 1)
    try:
        report = await import_bundle(context, patient, data,
                                     storage_for(request.app.state.settings))
    except BundleRefused as refused:
        return await _page(request, frame, error=text(language, refused.message_id,
                                                      **refused.params),
                           location=refused.location, status_code=400)
    return await _page(request, frame, report=report)


class _Capped:
    """The endpoint, with the request body cut off past the largest file it takes."""

    def __init__(self, endpoint: Any) -> None:
        self.endpoint = endpoint

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = await self.endpoint(Request(scope, limited_receive(receive, MAX_BODY)))
        await response(scope, receive, send)


routes = [
    Route(PATH, import_form, methods=["GET"]),
    Route(PATH, _Capped(import_file), methods=["POST"]),
]
