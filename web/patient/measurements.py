"""The measurements pages: the latest value of each kind, a chart and a table per kind,
adding a value and removing one (a confirm step without JavaScript, inline with htmx).

Times are typed and shown in French time (web/patient/moments.py); the API stores them
with their offset.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from babel.numbers import format_decimal
from markupsafe import Markup
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api import clock
from api.dates import parse_day
from api.ids import id_or_none
from web import graphql_client
from web.charts import line_chart
from web.forms import see_other, text
from web.i18n import translations
from web.patient.frame import error_status, record_form, record_page, record_url, refusal
from web.patient.moments import ZONE, date_time, long_date, parse_number, parse_time
from web.templating import is_htmx, language_of, render

# The kinds in the order of the API's enum; the overview operation has one alias per kind.
KINDS = ("WEIGHT", "HEIGHT", "BMI", "BLOOD_PRESSURE", "HEART_RATE", "RESPIRATORY_RATE",
         "GLUCOSE", "SPO2", "TEMPERATURE", "PAIN", "STEPS", "HEAD_CIRCUMFERENCE", "WAIST")
BLOOD_PRESSURE = "BLOOD_PRESSURE"
PERIODS = {"3m": 91, "12m": 365, "all": None}  # days back from now; None: every value
DEFAULT_PERIOD = "12m"
PAGE_SIZE = 10
# userError fields of addMeasurement -> the form's field names.
FORM_FIELDS = {"kind": "kind", "value": "value", "value2": "value2",
               "measuredAt": "measured_on", "note": "note"}

def slug_of(kind: str) -> str:
    return kind.lower().replace("_", "-")


def kind_of(slug: str) -> str | None:
    kind = slug.upper().replace("-", "_")
    return kind if kind in KINDS else None


def kind_url(patient_id: str | int, kind: str, *, to: Callable[..., str] = record_url,
             **query: str | None) -> str:
    """A kind's page; ``to`` builds the record's URLs (the patient's pages or the workspace)."""
    base = f"{to(patient_id, 'measurements')}/{slug_of(kind)}"
    given = {name: value for name, value in query.items() if value}
    return f"{base}?{urlencode(given)}" if given else base


def _trend(items: list[dict[str, Any]], decimals: int, unit: str, lang: str) -> str | None:
    """How the latest value compares with the one before, in words."""
    if len(items) < 2:
        return None
    _ = translations(lang).gettext
    latest, previous = items[0], items[1]
    values = {"previous": previous["displayValue"], "date": long_date(previous["measuredAt"],
                                                                      lang)}
    if previous["value2"] is not None:
        return _("Previous value: %(previous)s on %(date)s.") % values
    change = round(latest["value"] - previous["value"], decimals)
    if change == 0:
        return _("Same as the previous value, on %(date)s.") % values
    values["change"] = f"{format_decimal(abs(change), '#,##0.###', locale=lang)} {unit}".strip()
    if change > 0:
        return _("Up %(change)s since the previous value (%(previous)s on %(date)s).") % values
    return _("Down %(change)s since the previous value (%(previous)s on %(date)s).") % values


def _cards(kinds: list[dict[str, Any]], patient: dict[str, Any], lang: str,
           to: Callable[..., str]) -> list[dict[str, Any]]:
    cards = []
    for info in kinds:
        page = patient.get(info["kind"].lower())
        if not page or not page["items"]:
            continue
        latest = page["items"][0]
        cards.append({
            "kind": info["kind"], "label": info["label"], "value": latest["displayValue"],
            "when": date_time(latest["measuredAt"], lang), "iso": latest["measuredAt"],
            "count": page["totalCount"],
            "trend": _trend(page["items"], info["decimals"], info["displayUnit"], lang),
            "url": kind_url(patient["id"], info["kind"], to=to),
        })
    return cards


def _blank_form(kind: str | None) -> dict[str, str]:
    now = clock.now().astimezone(ZONE)
    return {"kind": kind or "", "value": "", "value2": "", "note": "",
            "measured_on": now.strftime("%d/%m/%Y"), "measured_time": now.strftime("%H:%M")}


async def _overview(request: Request, frame: dict[str, Any], *, values: dict[str, str],
                    errors: dict[str, str] | None = None, done_kind: str | None = None,
                    status_code: int = 200) -> Response:
    lang = language_of(request)
    data, problems = await graphql_client.run(request, "MeasurementsOverview",
                                              {"id": frame["patient_id"], "last": 2})
    if problems:
        return refusal(request, problems)
    context = {
        **frame, "current_section": "measurements", "kinds": data["measurementKinds"],
        "cards": _cards(data["measurementKinds"], data["patient"], lang, frame["record_url"]),
        "values": values, "errors": errors or {}, "htmx": is_htmx(request),
        "done_url": kind_url(frame["patient_id"], done_kind, to=frame["record_url"])
        if done_kind else None,
        "blood_pressure": BLOOD_PRESSURE,
    }
    return render(request, "patient/measurements/overview.html", context,
                  status_code=status_code, block="content")


async def overview_page(request: Request, frame: dict[str, Any]) -> Response:
    done = request.query_params.get("done") == "added"
    kind = kind_of(request.query_params.get("kind", ""))
    return await _overview(request, frame, values=_blank_form(kind),
                           done_kind=kind if done else None)


def _check_form(form: FormData, lang: str) -> tuple[dict[str, str], dict[str, str],
                                                     dict[str, Any]]:
    """The values as typed, the problems found before asking the API, and the API input."""
    _ = translations(lang).gettext
    values = {name: text(form, name, limit) for name, limit in
              (("kind", 40), ("value", 40), ("value2", 40), ("measured_on", 20),
               ("measured_time", 20), ("note", 2100))}
    errors: dict[str, str] = {}
    kind = values["kind"] if values["kind"] in KINDS else None
    if kind is None:
        errors["kind"] = _("Choose what you measured.")
    value = parse_number(values["value"])
    if value is None:
        errors["value"] = _("Give the value as a number, for example 72.5.")
    # The second field only means something for a blood pressure (it stays on the page
    # without JavaScript, with a hint saying so).
    value2 = parse_number(values["value2"]) if kind == BLOOD_PRESSURE else None
    if kind == BLOOD_PRESSURE and values["value2"] and value2 is None:
        errors["value2"] = _("Give the lower number as a number, for example 80.")
    day, moment = parse_day(values["measured_on"]), parse_time(values["measured_time"])
    if day is None:
        errors["measured_on"] = _("Give the date as day/month/year, for example 14/03/2026.")
    if moment is None:
        errors["measured_time"] = _("Give the time as hours:minutes, for example 08:30.")
    measured_at = datetime.combine(day, moment, ZONE) if day and moment else None
    query = {"kind": kind, "value": value, "value2": value2, "note": values["note"] or None,
             "measuredAt": clock.wire(measured_at) if measured_at else None}
    return values, errors, query


async def add_value(request: Request, frame: dict[str, Any], form: FormData) -> Response:
    values, errors, query = _check_form(form, language_of(request))
    if not errors:
        data, problems = await graphql_client.run(
            request, "AddMeasurement", {"input": {"patientId": frame["patient_id"], **query}})
        if problems:
            return refusal(request, problems)
        for problem in data["addMeasurement"]["userErrors"]:
            errors.setdefault(FORM_FIELDS.get(problem["field"] or "", "kind"), problem["message"])
    if errors:
        return await _overview(request, frame, values=values, errors=errors,
                               status_code=error_status(request))
    slug = slug_of(str(query["kind"]))
    if not is_htmx(request):
        url = frame["record_url"](frame["patient_id"], "measurements")
        return see_other(f"{url}?{urlencode({'done': 'added', 'kind': slug})}")
    kind = str(query["kind"])
    return await _overview(request, frame, values=_blank_form(kind), done_kind=kind)


def _points(series: dict[str, Any]) -> tuple[list[tuple[datetime, float]],
                                             list[tuple[datetime, float]]]:
    first, second = [], []
    for point in series["points"]:
        moment = datetime.fromisoformat(point["measuredAt"])
        first.append((moment, point["value"]))
        if point["value2"] is not None:
            second.append((moment, point["value2"]))
    return first, second


def _rows(items: list[dict[str, Any]], lang: str) -> list[dict[str, Any]]:
    rows = []
    for item in items:
        author = item["provenance"]["createdBy"]
        rows.append({"id": item["id"], "value": item["displayValue"], "note": item["note"],
                     "when": date_time(item["measuredAt"], lang), "iso": item["measuredAt"],
                     "by": author["name"] if author and author["role"] == "professional"
                     else None, "imported": item["provenance"].get("imported", False)})
    return rows


async def _kind_view(request: Request, frame: dict[str, Any], kind: str, *, period: str,
                     after: str | None, remove: str | None = None, done: str | None = None
                     ) -> Response:
    lang = language_of(request)
    days = PERIODS.get(period)
    since = (clock.now() - timedelta(days=days)).isoformat() if days else None
    variables = {"id": frame["patient_id"], "kind": kind, "since": since, "first": PAGE_SIZE,
                 "after": after, "withBmi": kind == "WEIGHT"}
    data, problems = await graphql_client.run(request, "MeasurementKindPage", variables)
    if after and any((p.get("extensions") or {}).get("code") == "BAD_CURSOR" for p in problems):
        return see_other(kind_url(frame["patient_id"], kind, to=frame["record_url"],
                                  period=period))
    if problems:
        return refusal(request, problems)
    patient = data["patient"]
    series, page = patient["measurementSeries"], patient["measurements"]
    first, second = _points(series)
    chart = line_chart(first, second_series=second or None, title=series["label"],
                       unit=series["displayUnit"], lang=lang, chart_id=f"chart-{slug_of(kind)}")
    bmi = patient.get("computedBmi")
    context = {
        **frame, "current_section": "measurements", "kind": kind, "slug": slug_of(kind),
        "label": series["label"], "chart": Markup(chart),  # noqa: S704 - escaped by line_chart
        "truncated": series["truncated"], "rows": _rows(page["items"], lang),
        "total": page["totalCount"], "period": period, "periods": list(PERIODS),
        "after": after, "remove": remove, "done": done, "htmx": is_htmx(request),
        "next_url": kind_url(frame["patient_id"], kind, to=frame["record_url"], period=period,
                             after=page["pageInfo"]["endCursor"])
        if page["pageInfo"]["hasNextPage"] else None,
        "url": lambda **query: kind_url(frame["patient_id"], kind, to=frame["record_url"],
                                        **query),
        "bmi": bmi and {"value": format_decimal(bmi["value"], "#,##0.#", locale=lang),
                        "weight": bmi["weight"]["displayValue"],
                        "weight_date": long_date(bmi["weight"]["measuredAt"], lang),
                        "height": bmi["height"]["displayValue"],
                        "height_date": long_date(bmi["height"]["measuredAt"], lang)},
    }
    return render(request, "patient/measurements/kind.html", context, block="values")


def _period(raw: str | None) -> str:
    return raw if raw in PERIODS else DEFAULT_PERIOD


def _cursor(raw: str | None) -> str | None:
    return raw if raw and len(raw) <= 200 else None


async def kind_view(request: Request, frame: dict[str, Any]) -> Response:
    kind = kind_of(str(request.path_params["kind"]))
    if kind is None:
        return render(request, "error.html", {"status": 404}, status_code=404)
    query = request.query_params
    remove = query.get("remove", "")
    done = query.get("done")
    return await _kind_view(request, frame, kind, period=_period(query.get("period")),
                            after=_cursor(query.get("after")),
                            remove=remove if id_or_none(remove) else None,
                            done=done if done == "removed" else None)


@record_form
async def remove(request: Request, frame: dict[str, Any], form: FormData) -> Response:
    kind = kind_of(str(request.path_params["kind"]))
    measurement_id = text(form, "id", 20)
    if kind is None or id_or_none(measurement_id) is None:
        return render(request, "error.html", {"status": 404}, status_code=404)
    found, problems = await graphql_client.run(request, "MeasurementRecord",
                                               {"id": measurement_id})
    if problems:
        return refusal(request, problems)
    # A value of another record the viewer reaches (a parent's own, a child's) is not
    # removed from this record's page.
    if found["measurement"]["patientId"] != frame["patient_id"]:
        return render(request, "error.html", {"status": 404}, status_code=404)
    _data, problems = await graphql_client.run(request, "RemoveMeasurement",
                                              {"id": measurement_id})
    if problems:
        return refusal(request, problems)
    period, after = _period(text(form, "period", 10)), _cursor(text(form, "after", 200))
    if not is_htmx(request):
        return see_other(kind_url(frame["patient_id"], kind, to=frame["record_url"],
                                  period=period, after=after, done="removed"))
    return await _kind_view(request, frame, kind, period=period, after=after, done="removed")


# Each page also serves the professional's workspace (web/pro), in its own frame.
overview = record_page(overview_page)
add = record_form(add_value)
kind_page = record_page(kind_view)

routes = [
    Route("/records/{patient_id:int}/measurements", overview, methods=["GET"]),
    Route("/records/{patient_id:int}/measurements", add, methods=["POST"]),
    Route("/records/{patient_id:int}/measurements/{kind}", kind_page, methods=["GET"]),
    Route("/records/{patient_id:int}/measurements/{kind}/remove", remove, methods=["POST"]),
]
