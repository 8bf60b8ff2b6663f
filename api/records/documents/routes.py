"""Plain HTTP routes: download a document's bytes, upload one with an ordinary form.

The form serves browsers without JavaScript and practice software; it uses the same
service as the `uploadDocument` mutation. Both routes ask the same consent policy.
A page that wants a refused upload back (to show the problem next to the field) adds
`?errors_to=<its path>` to the form's action: read from the query string, it works even
when a body too large is refused unread. Its date field may be `typed_date`, written as
people write dates in France (14/03/2025), where `document_date` is ISO 8601 only.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from graphql import GraphQLError
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import BaseRoute, Route
from starlette.types import Receive, Scope, Send

from api.audit.models import RequestKind
from api.consent.sections import Action
from api.dates import parse_day
from api.graphql.common import is_number_text
from api.graphql.scalars import parse_date
from api.graphql.text_input import text_fault
from api.graphql.viewer import Viewer
from api.identity.models import Patient
from api.identity.patient_keys import RecordUnreadable
from api.identity.viewer import viewer_from_request
from api.oauth.bearer import bearer_token, invalid_token_response, viewer_for_token
from api.records.documents.access import decide_on_documents, record_access, recorded_transaction
from api.records.documents.content import (
    chunks_of,
    content_disposition,
    download_filename,
)
from api.records.documents.limits import (
    BodyTooLarge,
    announced_too_large,
    is_multipart,
    limited_receive,
)
from api.records.documents.loaders import item_facts
from api.records.documents.messages import DocumentProblems, upload_text
from api.records.documents.models import Document
from api.records.documents.sealed_files import open_sealed
from api.records.documents.services import DocumentDetails, add_document
from api.records.documents.storage import storage_for
from api.security import csrf
from api.security.redirects import same_site_path
from api.settings import Settings
from api.texts import request_language

log = logging.getLogger(__name__)

MAX_FORM_FIELD_BYTES = 16 * 1024
# The file, and a second input for a phone's camera: a form sends both parts.
MAX_FILES = 2


def _id_of(raw: str) -> int | None:
    return int(raw) if is_number_text(raw) else None


async def download(request: Request) -> Response:
    """The bytes of a document; anything the viewer may not see is simply not found."""
    settings: Settings = request.app.state.settings
    token = bearer_token(request.headers.get("authorization"))
    if token is None:
        viewer = await viewer_from_request(request, settings.secret_key)
    elif (viewer := await viewer_for_token(token)) is None:
        return invalid_token_response()  # an app's token, not valid: never the cookie
    document_id = _id_of(request.path_params["document_id"])
    if viewer is None or document_id is None:
        raise HTTPException(404)
    try:
        document = await Document.filter(id=document_id).select_related("patient").first()
    except RecordUnreadable:
        # An erased record (its key destroyed) or an altered row: nothing the policy could
        # be asked about, so not found, as for anything else out of reach.
        document = None
    if document is None:
        raise HTTPException(404)
    decision = await decide_on_documents(viewer, document.patient, Action.READ,
                                         item_facts(document))
    if not decision.allowed:
        raise HTTPException(404)  # forbidden or unknown look the same: existence is not leaked
    storage = storage_for(settings)
    if not await storage.exists(document.storage_key):
        log.error("the file of document %s is missing from the storage", document.id)
        raise HTTPException(404)
    await record_access(viewer, document.patient_id, Action.READ, decision, RequestKind.DOWNLOAD)
    name = download_filename(document.original_filename, document.title, document.content_type)
    try:
        content = await open_sealed(storage, document.patient_id, document.storage_key)
    except RecordUnreadable:
        log.error("the file of document %s does not open with its patient's key", document.id)
        raise HTTPException(410, "This document can no longer be read.") from None
    return StreamingResponse(
        content,
        media_type=document.content_type,
        headers={
            "Content-Length": str(document.size_bytes),
            "Content-Disposition": content_disposition(name),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, no-store",
            # Opened in a browser tab, a file runs no script and reaches no origin.
            "Content-Security-Policy": "sandbox",
        },
    )


def _text(code: str, language: str, status: int) -> PlainTextResponse:
    return PlainTextResponse(upload_text(code, language), status_code=status)


# What the person typed, sent back with the problem so the form shows it again.
KEPT_FIELDS = {"title": 200, "type_code": 20, "typed_date": 10}


def with_problem_codes(path: str, codes: Iterable[str],
                       kept: dict[str, str] | None = None) -> str:
    """`path` with one `upload_error` parameter per problem code (replacing older ones),
    and the fields the person typed (`kept`), so that the form is filled again."""
    parts = urlsplit(path)
    query = [(key, value) for key, value in parse_qsl(parts.query, keep_blank_values=True)
             if key != "upload_error" and key not in KEPT_FIELDS]
    query += [("upload_error", code) for code in codes]
    query += [(name, value) for name, value in (kept or {}).items() if value]
    return urlunsplit(("", "", parts.path, urlencode(query), parts.fragment))


def _kept(form: FormData | None) -> dict[str, str]:
    if form is None:
        return {}
    return {name: value for name, limit in KEPT_FIELDS.items()
            if (value := _field(form, name) or "") and len(value) <= limit}


def _refused(request: Request, codes: list[str], message: str, status: int,
             form: FormData | None = None) -> Response:
    """A problem the person can fix: back to `errors_to` with its codes and what was typed,
    or the message."""
    back = request.query_params.get("errors_to")
    if back:
        return RedirectResponse(with_problem_codes(same_site_path(back), codes, _kept(form)),
                                status_code=303)
    return PlainTextResponse(message, status_code=status)


def _refused_for(request: Request, code: str, language: str, status: int,
                 form: FormData | None = None) -> Response:
    message = upload_text(code, language)
    return _refused(request, [code], message, status, form)


def typed_date(raw: str) -> date:
    """A date typed by a person (api.dates.parse_day: 14/03/2025 or 2025-03-14); ValueError
    for anything else. The upload page's form reads its date through here too."""
    day = parse_day(raw)
    if day is None:
        raise ValueError(f"not a date: {raw[:20]!r}")
    return day


def iso_date(raw: str) -> date:
    """YYYY-MM-DD, as the API's Date scalar reads it; ValueError for anything else."""
    try:
        return parse_date(raw)
    except GraphQLError as error:
        raise ValueError(error.message) from None


TEXT_FIELDS = ("patient_id", "title", "type_code", "document_date", "typed_date", "next")


def _field(form: FormData, name: str) -> str | None:
    value = form.get(name)
    return (value.strip() or None) if isinstance(value, str) else None


def _bad_text(form: FormData) -> bool:
    """A NUL or control character in a field: refused as the API refuses it, on any database."""
    return any(isinstance(value := form.get(name), str) and text_fault(value) is not None
               for name in TEXT_FIELDS)


class UploadForm:
    """POST /documents/upload (multipart/form-data): 303 to `next`, or 400 with a message."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, limited_receive(receive))
        if announced_too_large(scope):
            response: Response = _refused_for(request, "FILE_TOO_LARGE",
                                              request_language(request), 413)
        else:
            response = await self.handle(request)
        await response(scope, receive, send)

    async def handle(self, request: Request) -> Response:
        settings: Settings = request.app.state.settings
        viewer = await viewer_from_request(request, settings.secret_key)
        language = request_language(request, viewer.account.language if viewer else None)
        if viewer is None:
            return _text("NOT_SIGNED_IN", language, 401)
        if not is_multipart(request.scope):
            # No form to read a token from: only the header can vouch for the request.
            if not csrf.token_matches(request, request.headers.get(csrf.HEADER)):
                return _text("CSRF", language, 403)
            return _text("BAD_FORM", language, 400)
        try:
            form = await request.form(max_files=MAX_FILES, max_fields=16,
                                      max_part_size=MAX_FORM_FIELD_BYTES)
        except BodyTooLarge:
            return _refused_for(request, "FILE_TOO_LARGE", language, 413)
        except (MultiPartException, ClientDisconnect):
            return _refused_for(request, "BAD_FORM", language, 400)
        try:
            return await self.accept(request, form, viewer, settings, language)
        finally:
            await form.close()

    async def accept(self, request: Request, form: FormData, viewer: Viewer,
                     settings: Settings, language: str) -> Response:
        submitted = _field(form, csrf.FIELD) or request.headers.get(csrf.HEADER)
        if not csrf.token_matches(request, submitted):
            return _text("CSRF", language, 403)
        if _bad_text(form):
            return _refused_for(request, "BAD_TEXT", language, 400)
        patient_id = _id_of(_field(form, "patient_id") or "")
        patient = None if patient_id is None else await Patient.filter(id=patient_id).first()
        if patient is None:
            return _text("NOT_FOUND", language, 404)
        decision = await decide_on_documents(viewer, patient, Action.WRITE)
        if not decision.allowed:
            return _text("NOT_FOUND" if decision.not_found else "FORBIDDEN", language,
                         404 if decision.not_found else 403)
        # An input left empty still sends a part, with no name and no bytes.
        uploads = [item for item in form.getlist("file")
                   if isinstance(item, UploadFile) and (item.filename or item.size)]
        if not uploads:
            return _refused_for(request, "FILE_MISSING", language, 400, form)
        if len(uploads) > 1:
            return _refused_for(request, "ONE_FILE_ONLY", language, 400, form)
        upload = uploads[0]
        raw_date, typed = _field(form, "document_date"), _field(form, "typed_date")
        try:
            document_date = (iso_date(raw_date) if raw_date
                             else typed_date(typed) if typed else None)
        except ValueError:
            return _refused_for(request, "DATE_INVALID", language, 400, form)
        details = DocumentDetails(title=_field(form, "title"),
                                  type_code=_field(form, "type_code"),
                                  document_date=document_date)
        try:
            await add_document(
                storage_for(settings), patient_id=patient.id, author_account_id=viewer.account_id,
                content=chunks_of(upload), filename=upload.filename, details=details,
                language=language,
                transaction=recorded_transaction(viewer, patient.id, Action.WRITE, decision),
            )
        except DocumentProblems as problems:
            return _refused(request, [problem.code for problem in problems.problems],
                            problems.message(language), 400, form)
        return RedirectResponse(same_site_path(form.get("next")), status_code=303)


routes: list[BaseRoute] = [
    Route("/documents/upload", UploadForm(), methods=["POST"]),
    Route("/documents/{document_id}/content", download, methods=["GET"]),
]
