"""The summary to print: the essentials of a record on one or two A4 pages."""

from __future__ import annotations

from typing import Any

from babel.numbers import format_decimal
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from api import clock
from web import graphql_client
from web.i18n import translations
from web.patient.entry_display import partial_date
from web.patient.frame import record_page, refusal
from web.patient.moments import date_time, long_date
from web.templating import language_of, render

# The measurements the summary shows (aliases of the RecordSummary operation), in order.
MAIN_MEASUREMENTS = ("WEIGHT", "HEIGHT", "BLOOD_PRESSURE", "HEART_RATE", "GLUCOSE", "SPO2")
DIRECTIVES_EXCERPT = 1200  # characters of the written wishes printed; the rest stays online


def format_ins(nir: str, key: str) -> str:
    """« 2 95 10 99 126 111 93 »: the groups of the social security number, then the key."""
    if len(nir) != 13:
        return f"{nir} {key}"
    groups = (nir[0], nir[1:3], nir[3:5], nir[5:7], nir[7:10], nir[10:13], key)
    return " ".join(groups)


def _items(page: dict[str, Any] | None) -> list[dict[str, Any]] | None:
    """A section's entries, or None when the section could not be read."""
    return None if page is None else list(page["items"])


def _allergies(page: dict[str, Any] | None) -> list[dict[str, Any]] | None:
    items = _items(page)
    if items is None:
        return None
    for item in items:
        item["severe"] = item["severity"] == "SEVERE" or item["criticality"] == "HIGH"
    return sorted(items, key=lambda item: not item["severe"])  # stable: severe ones first


def _history(page: dict[str, Any] | None, lang: str) -> dict[str, list[dict[str, Any]]] | None:
    items = _items(page)
    if items is None:
        return None
    groups: dict[str, list[dict[str, Any]]] = {"active": [], "past": [], "family": []}
    for item in items:
        item["since"] = item["onsetDate"][:4] if item["onsetDate"] else None
        if item["kind"] == "FAMILY":
            groups["family"].append(item)
        elif item["kind"] == "CONDITION" and item["status"] == "ACTIVE":
            groups["active"].append(item)
        else:
            groups["past"].append(item)
    return groups


def _vaccinations(page: dict[str, Any] | None, lang: str) -> list[dict[str, Any]] | None:
    """The latest dose of each vaccine (the API lists the most recent first)."""
    items = _items(page)
    if items is None:
        return None
    latest: dict[str, dict[str, Any]] = {}
    for item in items:
        if item["vaccineCode"] not in latest:
            label = (item.get("vaccine") or {}).get("label") or item["vaccineCode"]
            latest[item["vaccineCode"]] = {
                "label": label, "date": partial_date(item["date"], item["datePrecision"], lang)}
    return sorted(latest.values(), key=lambda item: str(item["label"]).lower())


def _measurements(patient: dict[str, Any], kinds: list[dict[str, Any]], lang: str
                  ) -> list[dict[str, str]]:
    labels = {info["kind"]: info["label"] for info in kinds}
    found = []
    for kind in MAIN_MEASUREMENTS:
        page = patient.get(kind.lower())
        if page and page["items"]:
            latest = page["items"][0]
            found.append({"label": labels.get(kind, kind), "value": latest["displayValue"],
                          "date": long_date(latest["measuredAt"], lang)})
    bmi = patient.get("computedBmi")
    if bmi:
        found.append({"label": labels.get("BMI", "BMI"), "date": "",
                      "value": format_decimal(bmi["value"], "#,##0.#", locale=lang)})
    return found


def _directives(directives: dict[str, Any] | None, lang: str) -> dict[str, Any] | None:
    if not directives:
        return None
    wishes = directives["advanceDirectives"] or ""
    confirmed = directives.get("lastConfirmedAt")
    return {**directives, "wishes": wishes[:DIRECTIVES_EXCERPT],
            "cut": len(wishes) > DIRECTIVES_EXCERPT,
            "confirmed_on": long_date(confirmed, lang) if confirmed else None}


async def load(request: Request, patient_id: str
               ) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """The `RecordSummary` answer about a record, as the viewer may read it.

    A section the viewer may not read answers null with CONSENT_REQUIRED: the rest prints.
    Returns the answer and those refusals, or None and the errors that stop everything.
    """
    data, problems = await graphql_client.run(request, "RecordSummary", {"id": patient_id})
    unexpected = [p for p in problems
                  if (p.get("extensions") or {}).get("code") != "CONSENT_REQUIRED"]
    if unexpected or not data.get("patient"):
        return None, unexpected or problems
    return data, problems


def withheld(problems: list[dict[str, Any]]) -> set[str]:
    """The fields of the Patient the viewer may not read ("allergies", "weight"...)."""
    return {str(p["path"][1]) for p in problems
            if (p.get("extensions") or {}).get("code") == "CONSENT_REQUIRED"
            and len(p.get("path") or []) > 1}


def present(data: dict[str, Any], problems: list[dict[str, Any]], lang: str) -> dict[str, Any]:
    """The summary as the page and the printed sheets show it: None for a section the viewer
    may not read, the entries in the order they are printed."""
    patient = data["patient"]
    identity = patient.get("identity")
    _ = translations(lang).gettext
    return {
        "summary": patient,
        "identity": identity and {
            **identity, "ins": format_ins(identity["insNir"], identity["insKey"]),
            "born": long_date(identity["birthDate"], lang),
            "sex_label": {"F": _("female"), "M": _("male")}.get(identity["sex"],
                                                                   identity["sex"])},
        "allergies": _allergies(patient.get("allergies")),
        "allergies_total": (patient.get("allergies") or {}).get("totalCount", 0),
        "treatments": [item for item in _items(patient.get("treatments")) or []
                       if item["current"]] if patient.get("treatments") else None,
        "past_treatments": [item for item in _items(patient.get("treatments")) or []
                            if not item["current"]] if patient.get("treatments") else None,
        "history": _history(patient.get("history"), lang),
        "vaccinations": _vaccinations(patient.get("vaccinations"), lang),
        "directives": _directives(patient.get("directives"), lang),
        "directives_readable": "directives" not in withheld(problems),
        "measurements": _measurements(patient, data["measurementKinds"], lang),
        "measurements_readable": not any(kind.lower() in withheld(problems)
                                         for kind in MAIN_MEASUREMENTS),
        "printed_at": date_time(clock.now(), lang),
    }


@record_page
async def summary(request: Request, frame: dict[str, Any]) -> Response:
    data, problems = await load(request, frame["patient_id"])
    if data is None:
        return refusal(request, problems)
    context = {**frame, "current_section": "summary",
               **present(data, problems, language_of(request))}
    return render(request, "patient/summary.html", context)


routes = [Route("/records/{patient_id:int}/summary", summary, methods=["GET"])]
