"""The history, allergies, treatments and vaccinations pages: list, add, change, remove.

Every write is a plain form POST that htmx also sends inline. Without JavaScript it answers
with a redirect back to the list (a notice in its status region), or the page again with
status 400 and the problems next to the fields. With htmx it answers with the fragment to
swap, announcements included (a 400 fragment too: base.html tells htmx to swap those).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from web import graphql_client
from web.forms import see_other
from web.i18n import gettext
from web.patient import entry_display, entry_forms, terminology
from web.patient.entry_forms import SECTIONS, EntrySection
from web.patient.frame import record_form, record_page
from web.templating import is_htmx, language_of, render

PAGE_SIZE = 10
DONE = ("added", "updated", "removed")

Frame = dict[str, Any]
SectionEndpoint = Callable[[Request, Frame, EntrySection], Awaitable[Response]]
SectionFormEndpoint = Callable[[Request, Frame, FormData, EntrySection], Awaitable[Response]]


def _not_found(request: Request) -> Response:
    return render(request, "error.html", {"status": 404}, status_code=404)


def _context(request: Request, frame: Frame, section: EntrySection,
             **values: Any) -> dict[str, Any]:
    lang = language_of(request)
    own_name = next((record["displayName"] for record in frame["records"]
                     if record["id"] == frame["own_patient_id"]), None)
    return {
        **frame, "current_section": section.segment, "section": section,
        "section_url": frame["record_url"](frame["patient_id"], section.segment),
        "terminology_base": frame["record_url"](frame["patient_id"], "terminology"),
        **entry_display.helpers(lang, own_name), "forms": entry_forms,
        "uncoded": terminology.UNCODED, "inline": is_htmx(request),
        # A professional's frame says which sections they may change; a patient changes all.
        "may_write": section.segment in frame.get("writable", (section.segment,)),
        "may_remove": frame.get("may_remove", True),
        "p": "a", "values": {}, "errors": {}, "candidates": [], "notice": None, **values,
    }


async def _section_page(request: Request, frame: Frame, section: EntrySection,
                        after: str | None) -> dict[str, Any] | None:
    """One page of the section, or None for a cursor the API refused."""
    data, errors = await graphql_client.run(
        request, f"{section.type_name}Section",
        {"id": frame["patient_id"], "first": PAGE_SIZE, "after": after})
    page: dict[str, Any] | None = (data.get("patient") or {}).get(section.list_field)
    if page is None and not after:
        raise graphql_client.OperationError(errors)
    return page


def _listing(page: dict[str, Any]) -> dict[str, Any]:
    info = page["pageInfo"]
    return {"entries": page["items"],
            "next_cursor": info["endCursor"] if info["hasNextPage"] else None}


async def _entry(request: Request, frame: Frame, section: EntrySection,
                 entry_id: int) -> dict[str, Any] | None:
    """The entry, or None when it is out of reach, gone, or in another record than the
    page's (a parent reaches both their own and their child's)."""
    data, _ = await graphql_client.run(request, f"{section.type_name}ById", {"id": str(entry_id)})
    entry: dict[str, Any] | None = data.get(section.entry_field)
    if entry is None or entry["patientId"] != frame["patient_id"]:
        return None
    return entry


async def _mutate(request: Request, operation: str, variables: dict[str, Any],
                  field: str) -> dict[str, Any] | None:
    """The payload, or None when the entry is out of reach (or gone)."""
    data, errors = await graphql_client.run(request, operation, variables)
    payload: dict[str, Any] | None = data.get(field)
    reachable = all(error.get("extensions", {}).get("code") not in ("NOT_FOUND", "CONSENT_REQUIRED")
                    for error in errors)
    if payload is None and reachable:
        raise graphql_client.OperationError(errors)
    return payload


async def _parse(request: Request, section: EntrySection,
                 form: FormData) -> tuple[dict[str, Any], dict[str, Any]]:
    """(GraphQL input, what to show again: values, errors and candidates) of a posted form."""
    lang = language_of(request)

    def translate(message: str) -> str:
        return gettext(lang, message)

    data, values, errors = entry_forms.parse_fields(section, form, translate)
    candidates: list[dict[str, Any]] = []
    term = section.term
    if term is not None:
        found = await terminology.resolve(request, term, form)
        kept = found.code or (terminology.UNCODED if term.free_text and not found.error else "")
        values.update({term.name: found.words, term.name + "For": found.words,
                       term.name + "Code": kept})
        if found.error:
            errors[term.name] = translate(found.error)
            candidates = found.candidates
        else:
            data.update(terminology.coded_input(term, found))
    return data, {"values": values, "errors": section.in_form_order(errors),
                  "candidates": candidates}


async def list_page(request: Request, frame: Frame, section: EntrySection) -> Response:
    after = request.query_params.get("after") or None
    url = frame["record_url"](frame["patient_id"], section.segment)
    page = await _section_page(request, frame, section, after)
    if page is None:  # a stale or made-up cursor: start again from the newest
        return see_other(url)
    done = request.query_params.get("done", "")
    context = _context(request, frame, section, after=after, **_listing(page),
                       notice=section.words[done] if done in DONE else None)
    if after and is_htmx(request):
        return render(request, "patient/entries/_more.html", context)
    return render(request, f"patient/entries/{section.segment}.html", context)


async def add(request: Request, frame: Frame, form: FormData, section: EntrySection) -> Response:
    data, shown = await _parse(request, section, form)
    url = frame["record_url"](frame["patient_id"], section.segment)
    if not shown["errors"]:
        variables = {"input": {"patientId": frame["patient_id"], **data}}
        payload = await _mutate(request, f"Add{section.type_name}", variables,
                                f"add{section.type_name}")
        if payload is None:
            return _not_found(request)
        shown["errors"] = section.in_form_order(
            entry_forms.field_errors(section, payload["userErrors"]))
        if not shown["errors"]:
            if not is_htmx(request):
                return see_other(f"{url}?done=added#entries-status")
            return render(request, "patient/entries/_added.html", _context(
                request, frame, section, entry=payload[section.entry_field],
                notice=section.words["added"]))
    context = _context(request, frame, section, **shown)
    if is_htmx(request):
        return render(request, "patient/entries/_form.html", context, status_code=400)
    page = await _section_page(request, frame, section, None)
    context.update(_listing(page or {"items": [], "pageInfo": {"hasNextPage": False}}))
    return render(request, f"patient/entries/{section.segment}.html", context, status_code=400)


async def show(request: Request, frame: Frame, section: EntrySection) -> Response:
    """One entry: what htmx puts back when an inline form is cancelled."""
    entry_id = request.path_params["entry_id"]
    if not is_htmx(request):
        url = frame["record_url"](frame["patient_id"], section.segment)
        return see_other(f"{url}#entry-{entry_id}")
    entry = await _entry(request, frame, section, entry_id)
    if entry is None:
        return _not_found(request)
    return render(request, "patient/entries/_shown.html",
                  _context(request, frame, section, entry=entry, focus="edit"))


async def edit_page(request: Request, frame: Frame, section: EntrySection) -> Response:
    entry = await _entry(request, frame, section, request.path_params["entry_id"])
    if entry is None:
        return _not_found(request)
    context = _context(request, frame, section, entry=entry, p=f"e{entry['id']}",
                       values=entry_forms.form_values(section, entry))
    if is_htmx(request):
        return render(request, "patient/entries/_editing.html", context)
    return render(request, "patient/entries/edit.html", context)


async def update(request: Request, frame: Frame, form: FormData,
                 section: EntrySection) -> Response:
    entry_id = request.path_params["entry_id"]
    entry = await _entry(request, frame, section, entry_id)
    if entry is None:
        return _not_found(request)
    data, shown = await _parse(request, section, form)
    if not shown["errors"]:
        payload = await _mutate(request, f"Update{section.type_name}",
                                {"input": {"id": str(entry_id), **data}},
                                f"update{section.type_name}")
        if payload is None:
            return _not_found(request)
        shown["errors"] = section.in_form_order(
            entry_forms.field_errors(section, payload["userErrors"]))
        if not shown["errors"]:
            if not is_htmx(request):
                url = frame["record_url"](frame["patient_id"], section.segment)
                return see_other(f"{url}?done=updated#entries-status")
            return render(request, "patient/entries/_shown.html", _context(
                request, frame, section, entry=payload[section.entry_field], focus="edit",
                notice=section.words["updated"]))
    context = _context(request, frame, section, entry=entry, p=f"e{entry_id}", **shown)
    if is_htmx(request):
        return render(request, "patient/entries/_editing.html", context, status_code=400)
    return render(request, "patient/entries/edit.html", context, status_code=400)


async def remove_page(request: Request, frame: Frame, section: EntrySection) -> Response:
    entry = await _entry(request, frame, section, request.path_params["entry_id"])
    if entry is None:
        return _not_found(request)
    context = _context(request, frame, section, entry=entry)
    if is_htmx(request):
        return render(request, "patient/entries/_removing.html", context)
    return render(request, "patient/entries/remove.html", context)


async def remove(request: Request, frame: Frame, form: FormData,
                 section: EntrySection) -> Response:
    entry_id = str(request.path_params["entry_id"])
    if await _entry(request, frame, section, request.path_params["entry_id"]) is None:
        return _not_found(request)
    payload = await _mutate(request, f"Remove{section.type_name}", {"id": entry_id},
                            f"remove{section.type_name}")
    if payload is None or not payload["removedId"]:
        return _not_found(request)
    if not is_htmx(request):
        return see_other(f"{frame['record_url'](frame['patient_id'], section.segment)}"
                         "?done=removed#entries-status")
    return render(request, "patient/entries/_removed.html", _context(
        request, frame, section, entry_id=entry_id, notice=section.words["removed"]))


PageWrapper = Callable[[Callable[[Request, Frame], Awaitable[Response]]],
                       Callable[[Request], Awaitable[Response]]]
FormWrapper = Callable[[Callable[[Request, Frame, FormData], Awaitable[Response]]],
                       Callable[[Request], Awaitable[Response]]]


def section_routes(section: EntrySection, base: str = "/records/{patient_id:int}",
                   page_wrapper: PageWrapper = record_page,
                   form_wrapper: FormWrapper = record_form, removable: bool = True) -> list[Route]:
    """The routes of one section under ``base``, each wrapped to load the record's frame."""
    def page(handler: SectionEndpoint) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request, frame: Frame) -> Response:
            return await handler(request, frame, section)

        endpoint.__name__ = f"{handler.__name__}_{section.segment}"
        return page_wrapper(endpoint)

    def post(handler: SectionFormEndpoint) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request, frame: Frame, form: FormData) -> Response:
            return await handler(request, frame, form, section)

        endpoint.__name__ = f"{handler.__name__}_{section.segment}"
        return form_wrapper(endpoint)

    base = f"{base}/{section.segment}"
    entry = base + "/{entry_id:int}"
    routes = [
        Route(base, page(list_page), methods=["GET"]),
        Route(base, post(add), methods=["POST"]),
        Route(entry, page(show), methods=["GET"]),
        Route(entry + "/edit", page(edit_page), methods=["GET"]),
        Route(entry + "/edit", post(update), methods=["POST"]),
    ]
    if removable:
        routes += [Route(entry + "/remove", page(remove_page), methods=["GET"]),
                   Route(entry + "/remove", post(remove), methods=["POST"])]
    return routes


routes = [
    Route("/records/{patient_id:int}/terminology", terminology.suggest, methods=["GET"]),
    Route("/records/{patient_id:int}/terminology/pick", terminology.pick, methods=["GET"]),
    *(route for section in SECTIONS.values() for route in section_routes(section)),
]
