"""The access history: every time someone other than the patient read or changed the
record, newest first, 10 at a time, filtered by professional or by basis (a GET form).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api.ids import id_or_none
from web import graphql_client
from web.forms import see_other
from web.patient.consent_words import BASES, Words, person
from web.patient.frame import record_page, record_url, refusal
from web.templating import language_of, render

EVENTS_PER_PAGE = 10


def _filters(request: Request) -> dict[str, str]:
    params = request.query_params
    professional = params.get("professional", "")
    basis = params.get("basis", "")
    return {"professional": professional if id_or_none(professional) else "",
            "basis": basis if basis in BASES else ""}


def _page_url(patient_id: str, filters: dict[str, str], after: str | None = None) -> str:
    given = {name: value for name, value in filters.items() if value}
    if after:
        given["after"] = after
    base = record_url(patient_id, "access-history")
    return f"{base}?{urlencode(given)}" if given else base


def _professionals(data: dict[str, Any], events: list[dict[str, Any]],
                   words: Words) -> list[tuple[str, str]]:
    """(id, « Marc PETIT, infirmier ou infirmière ») for everyone the patient dealt with."""
    found: dict[str, str] = {}
    people = [g["professional"] for g in (data.get("grants") or {}).get("items", [])]
    if data.get("treatingDoctor"):
        people.append(data["treatingDoctor"]["professional"])
    people += [a["professional"] for a in (data.get("emergencyAccesses") or {}).get("items", [])]
    for pro in people:
        found.setdefault(pro["id"], f"{person(pro)}, {words.profession(pro['profession']).lower()}")
    for event in events:
        if event["professionalId"]:
            found.setdefault(event["professionalId"], event["viewerName"])
    return sorted(found.items(), key=lambda item: item[1])


@record_page
async def access_history(request: Request, frame: dict[str, Any]) -> Response:
    filters = _filters(request)
    after = request.query_params.get("after") or None
    data, problems = await graphql_client.run(request, "RecordAccessHistory", {
        "id": frame["patient_id"], "first": EVENTS_PER_PAGE, "after": after,
        "professionalId": filters["professional"] or None, "basis": filters["basis"] or None,
    })
    if any((p.get("extensions") or {}).get("code") == "BAD_CURSOR" for p in problems):
        return see_other(_page_url(frame["patient_id"], filters))  # a cursor we did not give
    if problems:
        return refusal(request, problems)
    words = Words(language_of(request))
    history = data["accessHistory"]
    context = {
        **frame, "current_section": "access-history", "words": words, "history": history,
        "filters": filters, "filtered": any(filters.values()),
        "professionals": _professionals(data, history["items"], words),
        "bases": list(BASES),
        "next_url": _page_url(frame["patient_id"], filters, history["pageInfo"]["endCursor"])
        if history["pageInfo"]["hasNextPage"] else None,
        "newest_url": _page_url(frame["patient_id"], filters) if after else None,
    }
    return render(request, "patient/access_history.html", context)


routes = [
    Route("/records/{patient_id:int}/access-history", access_history, methods=["GET"]),
]
