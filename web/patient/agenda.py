"""The agenda of a record: the vaccination calendar and the compulsory child check-ups, what
is late, what to do now, what is done and what comes next; and the same as an iCalendar file
to add to a phone's calendar. Both run the `RecordAgenda` operation as the viewer."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api import clock
from api.dates import DatePrecision, PartialDate
from web import graphql_client
from web.i18n import translations
from web.messages import N_
from web.patient.frame import record_page, refusal
from web.patient.moments import long_date
from web.templating import language_of, render

# The groups of the page, in order: (status, heading msgid).
GROUPS = (("OVERDUE", N_("Overdue")), ("DUE", N_("To do now")), ("DONE", N_("Done")),
          ("UPCOMING", N_("Coming up")))
IN_CALENDAR_FILE = ("OVERDUE", "DUE", "UPCOMING")


async def _agenda(request: Request, patient_id: str
                  ) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    data, problems = await graphql_client.run(request, "RecordAgenda", {"id": patient_id})
    agenda = (data.get("patient") or {}).get("agenda")
    return agenda, problems


def _when(item: dict[str, Any], lang: str) -> str:
    """When, in words: « fait le 18 novembre 2026 », « à partir du 15 octobre 2027 »..."""
    _ = translations(lang).gettext
    start = long_date(item["dueFrom"], lang)
    end = long_date(item["dueBy"], lang) if item["dueBy"] else None
    if item["status"] == "DONE":
        given = item["vaccination"]
        day = PartialDate.of(date.fromisoformat(given["date"]),
                             DatePrecision(given["datePrecision"].lower())).written(lang)
        vaccine = (given.get("vaccine") or {}).get("label")
        return (_("done: %(date)s, %(vaccine)s") % {"date": day, "vaccine": vaccine}
                if vaccine else _("done: %(date)s") % {"date": day})
    if item["kind"] == "CHECKUP":
        return _("to do with your doctor, between %(start)s and %(end)s") % {
            "start": start, "end": end}
    if item["status"] == "OVERDUE":
        return _("recommended from %(start)s, late since %(end)s") % {"start": start,
                                                                        "end": end}
    if end:
        return _("from %(start)s, before %(end)s") % {"start": start, "end": end}
    return _("from %(start)s") % {"start": start}


@record_page
async def agenda_page(request: Request, frame: dict[str, Any]) -> Response:
    agenda, problems = await _agenda(request, frame["patient_id"])
    if agenda is None:
        return refusal(request, problems)
    lang = language_of(request)
    groups = [(status, heading, [{**item, "when": _when(item, lang)}
                                 for item in agenda["items"] if item["status"] == status])
              for status, heading in GROUPS]
    return render(request, "patient/agenda.html", {
        **frame, "current_section": "vaccinations", "groups": groups,
        "as_of": long_date(agenda["asOf"], lang)})


@record_page
async def agenda_file(request: Request, frame: dict[str, Any]) -> Response:
    """The items to do or to come as all-day events; the same item keeps its UID."""
    # icalendar loads with the first file asked for, not at the server's start (about a
    # tenth of a second).
    from icalendar import Calendar, Event

    agenda, problems = await _agenda(request, frame["patient_id"])
    if agenda is None:
        return refusal(request, problems)
    lang = language_of(request)
    _ = translations(lang).gettext
    calendar = Calendar()
    calendar.add("prodid", "-//Carnet//Agenda//" + lang.upper())
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", _("Vaccinations and check-ups of %(name)s")
                 % {"name": frame["patient"]["displayName"]})
    stamp = clock.now()
    for item in agenda["items"]:
        if item["status"] not in IN_CALENDAR_FILE:
            continue
        day = date.fromisoformat(item["dueFrom"])
        event = Event()
        event.add("uid", f"carnet-agenda-{frame['patient_id']}-{item['key']}")
        event.add("dtstamp", stamp)
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        event.add("summary", item["label"])
        event.add("description", _when(item, lang))
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return Response(calendar.to_ical(), media_type="text/calendar; charset=utf-8", headers={
        "Content-Disposition": 'attachment; filename="agenda.ics"',
        "Cache-Control": "private, no-store", "X-Content-Type-Options": "nosniff"})


routes = [
    Route("/records/{patient_id:int}/agenda", agenda_page, methods=["GET"]),
    Route("/records/{patient_id:int}/agenda.ics", agenda_file, methods=["GET"]),
]
