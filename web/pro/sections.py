"""The sections a professional reads in pages of their own: the documents to download and the
advance directives, read-only (the patient's pages are forms to manage them). Measurements
are the patient's pages in the workspace frame.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from web import graphql_client
from web.forms import see_other
from web.patient import directives, documents, measurements
from web.pro.frame import not_found, pro_record_form, pro_record_page, pro_record_url
from web.templating import language_of, render

PAGE_SIZE = 20


def _codes(errors: list[dict[str, Any]]) -> set[str]:
    return {str((error.get("extensions") or {}).get("code")) for error in errors}


@pro_record_page
async def documents_page(request: Request, frame: dict[str, Any]) -> Response:
    """The documents the professional may read, newest first, each to download."""
    after = request.query_params.get("after") or None
    url = pro_record_url(frame["patient_id"], "documents")
    data, errors = await graphql_client.run(request, "ProDocuments", {
        "id": frame["patient_id"], "first": PAGE_SIZE, "after": after})
    if errors and "BAD_CURSOR" in _codes(errors):
        return see_other(url)
    if errors or not data.get("patient"):
        return not_found(request)
    page = data["patient"]["documents"]
    language = language_of(request)
    info = page["pageInfo"]
    return render(request, "pro/documents.html", {
        **frame, "current_section": "documents", "total": page["totalCount"],
        "items": [documents.present(item, language) for item in page["items"]],
        "after": after, "list_url": url,
        "next_url": url + "?" + urlencode({"after": info["endCursor"]})
        if info["hasNextPage"] else None,
    })


@pro_record_page
async def directives_page(request: Request, frame: dict[str, Any]) -> Response:
    """The patient's advance directives, trusted person and organ-donation stance."""
    data, errors = await graphql_client.run(request, "DirectivesPage",
                                            {"id": frame["patient_id"]})
    if errors or not data.get("patient"):
        return not_found(request)
    found = data["patient"]["directives"]
    return render(request, "pro/directives.html", {
        **frame, "current_section": "directives", "directives": found,
        "facts": directives.describe(found, language_of(request)),
    })


BASE = "/pro/records/{patient_id:int}"

routes: list[BaseRoute] = [
    Route(BASE + "/documents", documents_page, methods=["GET"]),
    Route(BASE + "/directives", directives_page, methods=["GET"]),
    Route(BASE + "/measurements", pro_record_page(measurements.overview_page), methods=["GET"]),
    Route(BASE + "/measurements", pro_record_form(measurements.add_value), methods=["POST"]),
    Route(BASE + "/measurements/{kind}", pro_record_page(measurements.kind_view),
          methods=["GET"]),
]
