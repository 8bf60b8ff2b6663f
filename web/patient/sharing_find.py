"""Finding a professional in the directory, by name, RPPS number, profession and city.

A GET form, so it works without JavaScript and a search can be bookmarked. The answers
come 10 at a time, each with what the patient can do; a professional with no Carnet
account yet can be blocked but not chosen.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from web import graphql_client
from web.i18n import translations
from web.messages import N_, PROFESSIONS
from web.patient.consent_words import Words
from web.patient.frame import record_page, record_url, refusal
from web.templating import language_of, render

RESULTS_PER_PAGE = 10
CRITERIA = ("search", "rpps", "profession", "city")
# What the API says about the criteria -> (the form field, what the person reads).
SEARCH_ERRORS = {
    "SEARCH_TOO_SHORT": ("search", N_("Type at least 2 letters of the name.")),
    "BAD_RPPS": ("rpps", N_("Type the RPPS number's digits: 2 at least, 11 at most.")),
    "NO_CRITERIA": ("form", N_("Fill in at least one field: a name, an RPPS number, a "
                               "profession or a city.")),
    "BAD_CURSOR": ("form", N_("This page of results is no longer valid: search again.")),
}


def _search_query(request: Request) -> dict[str, str]:
    params = request.query_params
    profession = params.get("profession", "")
    return {"search": params.get("search", "").strip()[:80],
            "rpps": params.get("rpps", "").strip()[:20],
            "profession": profession if profession in PROFESSIONS else "",
            "city": params.get("city", "").strip()[:80]}


def _find_url(patient_id: str, query: dict[str, str], after: str | None = None) -> str:
    given = {name: value for name, value in query.items() if value}
    if after:
        given["after"] = after
    return f"{record_url(patient_id, 'sharing')}/find?{urlencode(given)}"


@record_page
async def find(request: Request, frame: dict[str, Any]) -> Response:
    """The form; with the results once it was sent."""
    query = _search_query(request)
    context: dict[str, Any] = {**frame, "current_section": "sharing", "query": query,
                               "words": Words(language_of(request)), "results": None,
                               "errors": {}}
    if not any(name in request.query_params for name in CRITERIA):
        return render(request, "patient/sharing/find.html", context)
    after = request.query_params.get("after") or None
    data, problems = await graphql_client.run(request, "FindProfessionals", {
        "id": frame["patient_id"], "search": query["search"], "rpps": query["rpps"] or None,
        "profession": query["profession"].upper() or None, "city": query["city"] or None,
        "first": RESULTS_PER_PAGE, "after": after,
    })
    known = [SEARCH_ERRORS[code] for code in
             ((p.get("extensions") or {}).get("code") for p in problems) if code in SEARCH_ERRORS]
    if known:
        gettext = translations(language_of(request)).gettext
        context["errors"] = {field: gettext(message) for field, message in known}
        return render(request, "patient/sharing/find.html", context, status_code=400)
    if problems:
        return refusal(request, problems)
    page = data["professionals"]
    context.update(
        results=page,
        doctor_id=(data["treatingDoctor"] or {}).get("professional", {}).get("id"),
        blocked_ids={b["professional"]["id"] for b in data["blockedProfessionals"] or []},
        next_url=_find_url(frame["patient_id"], query, page["pageInfo"]["endCursor"])
        if page["pageInfo"]["hasNextPage"] else None,
        first_url=_find_url(frame["patient_id"], query) if after else None,
    )
    return render(request, "patient/sharing/find.html", context)


routes = [Route("/records/{patient_id:int}/sharing/find", find, methods=["GET"])]
