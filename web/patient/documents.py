"""The documents of a record: the list by category, one document, and changing them.

Uploads post to the plain form endpoint of the API (/documents/upload), which sends the
person back here: to the list on success, to the form with problem codes otherwise.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from babel.numbers import format_decimal
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.dates import long_date, parse_day
from api.records.documents.messages import TITLE_MAX, UPLOAD_PROBLEMS, upload_text
from web import graphql_client
from web.forms import see_other, text
from web.i18n import translations
from web.messages import N_
from web.patient.frame import record_form, record_page, record_url
from web.templating import is_htmx, language_of, render

Frame = dict[str, Any]
PREVIEW_SIZE = 3  # the newest documents shown per category when no category is chosen
PAGE_SIZE = 10  # documents per page of one category
PATIENT_DOCUMENT = "51855-5"
# The categories, as the operations name them (an alias each).
CATEGORIES = ("REPORT", "SUMMARY", "IMAGING", "PRESCRIPTION", "DISPENSING", "CARE_PLAN",
              "ADMINISTERED_TREATMENT", "CERTIFICATE", "PATIENT_DOCUMENT", "ADMINISTRATIVE")

# The form's inputs, by the API's names for them.
API_FIELDS = {"title": "title", "typeCode": "type_code", "documentDate": "document_date",
              "file": "file"}
# Problem code -> (form field, message): the document problems as the API words them.
PROBLEMS: dict[str, tuple[str, str]] = {
    code: (API_FIELDS[field], message) for code, (field, message) in UPLOAD_PROBLEMS.items()
    if field is not None}
NOTICES = {
    "uploaded": N_("Your document is added."),
    "updated": N_("Your changes are saved."),
    "hidden": N_("The document is now hidden from professionals."),
    "shown": N_("Professionals with access to the record can see the document again."),
    "deleted": N_("The document is deleted."),
}


def _camel(key: str) -> str:
    first, *rest = key.lower().split("_")
    return first + "".join(word.capitalize() for word in rest)


def file_size(size_bytes: int, language: str) -> str:
    """The size in words: "120 Ko", "1,5 Mo"."""
    gettext = translations(language).gettext
    if size_bytes < 1024 * 1024:
        kilobytes = max(1, round(size_bytes / 1024))
        return gettext(N_("%(size)s KB")) % {"size": kilobytes}
    megabytes = format_decimal(size_bytes / 1024 / 1024, "#,##0.#", locale=language)
    return gettext(N_("%(size)s MB")) % {"size": megabytes}


def present(document: dict[str, Any], language: str) -> dict[str, Any]:
    """A document as the API gives it, with what the templates show in words."""
    day = date.fromisoformat(document["documentDate"])
    author = (document.get("provenance") or {}).get("createdBy") or {}
    return {
        **document,
        "day": day,
        "date_text": long_date(day, language),
        "size_text": file_size(document["sizeBytes"], language),
        "is_image": document["contentType"].startswith("image/"),
        "author": author,
        "imported": (document.get("provenance") or {}).get("imported", False),
    }


def type_groups(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Document types grouped by category, for a <select> with <optgroup>s."""
    groups = []
    for category in data["documentCategories"]:
        types = [t for t in data["documentTypes"] if t["category"] == category["key"]]
        if types:
            groups.append({"label": category["label"], "types": types})
    return groups


def problems_for(codes: list[str], language: str) -> dict[str, str]:
    """Form field -> message, for the problem codes we know (others are ignored)."""
    errors: dict[str, str] = {}
    for code in codes:
        if code in PROBLEMS:
            errors.setdefault(PROBLEMS[code][0], upload_text(code, language))
    return errors


def _notice(request: Request) -> str | None:
    done = request.query_params.get("done", "")
    return translations(language_of(request)).gettext(NOTICES[done]) if done in NOTICES else None


def _list_url(patient_id: str, **params: str) -> str:
    query = urlencode({key: value for key, value in params.items() if value})
    return record_url(patient_id, "documents") + ("?" + query if query else "")


def _detail_url(patient_id: str, document_id: int | str, **params: str) -> str:
    url = f"{record_url(patient_id, 'documents')}/{document_id}"
    query = urlencode({key: value for key, value in params.items() if value})
    return url + ("?" + query if query else "")


def _error_codes(errors: list[dict[str, Any]]) -> set[str]:
    return {str((error.get("extensions") or {}).get("code")) for error in errors}


# --- the list ------------------------------------------------------------------------


@record_page
async def documents_page(request: Request, frame: Frame) -> Response:
    language = language_of(request)
    patient_id = frame["patient_id"]
    chosen = request.query_params.get("category", "").upper()
    after = request.query_params.get("after") or None
    if chosen and chosen not in CATEGORIES:
        return see_other(_list_url(patient_id))
    if chosen:
        data, errors = await graphql_client.run(request, "DocumentsInCategory", {
            "id": patient_id, "category": chosen, "first": PAGE_SIZE, "after": after})
    else:
        data, errors = await graphql_client.run(
            request, "DocumentsByCategory", {"id": patient_id, "first": PREVIEW_SIZE})
    if errors and "BAD_CURSOR" in _error_codes(errors):
        return see_other(_list_url(patient_id, category=chosen.lower()))
    if errors or not data.get("patient"):
        return render(request, "error.html", {"status": 404}, status_code=404)
    record = data["patient"]
    counts, shelves = [], []
    for category in data["documentCategories"]:
        key = category["key"]
        shelf = record.get(_camel(key)) or {}
        count = shelf.get("totalCount", 0)
        if count:
            counts.append({"key": key, "slug": key.lower(), "label": category["label"],
                           "count": count})
        if key == chosen:
            shelf = record["documents"]
        if shelf.get("items") and (not chosen or key == chosen):
            shelves.append({
                "key": key, "slug": key.lower(), "label": category["label"],
                "count": shelf["totalCount"], "page_info": shelf["pageInfo"],
                "items": [present(item, language) for item in shelf["items"]],
            })
    slug = chosen.lower() if chosen else ""
    context = {
        **frame, "current_section": "documents",
        "counts": counts, "total": sum(item["count"] for item in counts),
        "shelves": shelves, "chosen": slug, "after": after,
        "chosen_label": next((c["label"] for c in data["documentCategories"]
                              if c["key"] == chosen), ""),
        "list_url": lambda **params: _list_url(patient_id, **params),
        "detail_url": lambda document_id: _detail_url(patient_id, document_id),
        "type_groups": type_groups(data),
        # After a refused upload, what the person typed comes back in the query string.
        "selected_type": request.query_params.get("type_code", "")[:20] or PATIENT_DOCUMENT,
        "typed_title": request.query_params.get("title", "")[:TITLE_MAX],
        "typed_date": request.query_params.get("typed_date", "")[:10],
        "upload_errors": problems_for(request.query_params.getlist("upload_error"), language),
        "notice": _notice(request),
        "next_url": _list_url(patient_id, done="uploaded"),
        "errors_to": _list_url(patient_id, category=slug) + "#add",
    }
    return render(request, "patient/documents/list.html", context, block="documents")


# --- one document --------------------------------------------------------------------


async def _detail(request: Request, frame: Frame, document_id: int, *,
                  errors: dict[str, str] | None = None, values: dict[str, str] | None = None,
                  notice: str | None = None, status_code: int = 200) -> Response:
    language = language_of(request)
    data, problems = await graphql_client.run(request, "DocumentDetail", {"id": str(document_id)})
    if problems or not data.get("document"):
        return _refusal(request, problems)
    if data["document"]["patientId"] != frame["patient_id"]:
        return _not_found(request)
    document = present(data["document"], language)
    patient_id = frame["patient_id"]
    gettext = translations(language).gettext
    context = {
        **frame, "current_section": "documents", "document": document,
        "type_groups": type_groups(data),
        "values": values or {"title": document["title"], "type_code": document["typeCode"],
                             "document_date": document["day"].strftime("%d/%m/%Y")},
        "errors": errors or {},
        "notice": gettext(NOTICES[notice]) if notice in NOTICES else _notice(request),
        "confirm_delete": request.query_params.get("confirm") == "delete",
        "show_pdf": request.query_params.get("preview") == "pdf",
        "list_url": _list_url(patient_id),
        "detail_url": _detail_url(patient_id, document["id"]),
    }
    return render(request, "patient/documents/detail.html", context, status_code=status_code,
                  block="document")


def _refusal(request: Request, problems: list[dict[str, Any]]) -> Response:
    """Out of reach is "not found" (its existence is not told); a refused section is 403."""
    status = 403 if "CONSENT_REQUIRED" in _error_codes(problems) else 404
    return render(request, "error.html", {"status": status}, status_code=status)


def _not_found(request: Request) -> Response:
    return _refusal(request, [])


async def _elsewhere(request: Request, frame: Frame, document_id: int) -> Response | None:
    """The refusal when the document is out of reach or in another record than the page's
    (a parent reaches both their own and their child's); None when it is this record's."""
    data, problems = await graphql_client.run(request, "DocumentRecord", {"id": str(document_id)})
    if problems or not data.get("document"):
        return _refusal(request, problems)
    if data["document"]["patientId"] != frame["patient_id"]:
        return _not_found(request)
    return None


@record_page
async def document_page(request: Request, frame: Frame) -> Response:
    return await _detail(request, frame, request.path_params["document_id"])


async def _changed(request: Request, frame: Frame, document_id: int, done: str) -> Response:
    """After a change: the refreshed fragment for htmx, else back to the page (303)."""
    if is_htmx(request):
        return await _detail(request, frame, document_id, notice=done)
    return see_other(_detail_url(frame["patient_id"], document_id, done=done))


def _user_errors(user_errors: list[dict[str, Any]], language: str) -> dict[str, str]:
    errors = problems_for([error["code"] for error in user_errors], language)
    for error in user_errors:
        if error["code"] not in PROBLEMS:
            errors.setdefault(API_FIELDS.get(error.get("field") or "", "title"), error["message"])
    return errors


@record_form
async def edit_document(request: Request, frame: Frame, form: FormData) -> Response:
    """Rename, retype or re-date a document."""
    document_id = request.path_params["document_id"]
    if refused := await _elsewhere(request, frame, document_id):
        return refused
    language = language_of(request)
    values = {"title": text(form, "title", TITLE_MAX + 1), "type_code": text(form, "type_code", 20),
              "document_date": text(form, "document_date", 20)}
    day = parse_day(values["document_date"])
    if day is None:
        errors = problems_for(["DATE_INVALID"], language)
    else:
        data, problems = await graphql_client.run(request, "UpdateDocument", {"input": {
            "id": str(document_id), "title": values["title"],
            "typeCode": values["type_code"] or None, "documentDate": day.isoformat()}})
        if problems:
            return _refusal(request, problems)
        user_errors = data["updateDocument"]["userErrors"]
        if not user_errors:
            return await _changed(request, frame, document_id, "updated")
        errors = _user_errors(user_errors, language)
    # htmx swaps only successful answers: the fragment with its errors comes as a 200.
    return await _detail(request, frame, document_id, errors=errors, values=values,
                         status_code=200 if is_htmx(request) else 400)


@record_form
async def set_visibility(request: Request, frame: Frame, form: FormData) -> Response:
    """Hide a document from professionals, or show it to them again."""
    document_id = request.path_params["document_id"]
    if refused := await _elsewhere(request, frame, document_id):
        return refused
    hide = text(form, "hidden", 1) == "1"
    _, problems = await graphql_client.run(
        request, "HideDocument" if hide else "ShowDocument", {"id": str(document_id)})
    if problems:
        return _refusal(request, problems)
    return await _changed(request, frame, document_id, "hidden" if hide else "shown")


@record_form
async def delete_document(request: Request, frame: Frame, form: FormData) -> Response:
    """Remove a document for good (the page asked to confirm first)."""
    document_id = request.path_params["document_id"]
    if refused := await _elsewhere(request, frame, document_id):
        return refused
    _, problems = await graphql_client.run(request, "RemoveDocument", {"id": str(document_id)})
    if problems:
        return _refusal(request, problems)
    return see_other(_list_url(frame["patient_id"], done="deleted"))


_ONE = "/records/{patient_id:int}/documents/{document_id:int}"
routes = [
    Route("/records/{patient_id:int}/documents", documents_page, methods=["GET"]),
    Route(_ONE, document_page, methods=["GET"]),
    Route(_ONE + "/edit", edit_document, methods=["POST"]),
    Route(_ONE + "/visibility", set_visibility, methods=["POST"]),
    Route(_ONE + "/delete", delete_document, methods=["POST"]),
]
