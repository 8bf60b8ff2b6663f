"""How an entry reads to a patient: its title, its dates written out, who wrote it and when."""

from __future__ import annotations

from datetime import date, datetime
from functools import partial
from typing import Any

from api.clock import HOME_ZONE
from api.dates import DatePrecision, PartialDate
from api.dates import long_date as french_long_date
from web.i18n import gettext
from web.messages import N_, PROFESSIONS

DOCTORS = {"physician", "emergency_physician", "samu_regulator"}


def long_date(value: str | None, lang: str) -> str:
    """"2026-03-03" as "3 mars 2026"."""
    return french_long_date(date.fromisoformat(value[:10]), lang) if value else ""


def period(value: str | None, precision: str | None) -> PartialDate | None:
    """An API date and its precision (YEAR, MONTH, DAY) as the period the person gave."""
    if not value:
        return None
    return PartialDate(date.fromisoformat(value[:10]),
                       DatePrecision[precision] if precision else DatePrecision.DAY)


def partial_date(value: str | None, precision: str | None, lang: str) -> str:
    """« 2005 », « mai 2019 », « 1er mai 2019 »: as precisely as it was entered."""
    given = period(value, precision)
    return given.written(lang) if given else ""


def history_when(entry: dict[str, Any], lang: str) -> str:
    """« depuis 2005 », « en mai 2019 », « du 3 mars 2020 au 1er avril 2020 »..."""
    onset = period(entry.get("onsetDate"), entry.get("onsetPrecision"))
    end = long_date(entry.get("resolutionDate"), lang)
    if onset is None:
        return gettext(lang, N_("until %(date)s")) % {"date": end} if end else ""
    # A day reads « le 3 mars », a year or a month « en 2005 », « en mai 2019 ».
    exact, start = onset.precision is DatePrecision.DAY, onset.written(lang)
    if end:
        message = N_("from %(start)s to %(end)s") if exact else N_("from %(period)s to %(end)s")
        return gettext(lang, message) % {"start": start, "period": start, "end": end}
    if entry.get("status") == "ACTIVE" and entry.get("kind") != "SURGERY":
        message = N_("since %(date)s") if exact else N_("since %(period)s")
    else:
        message = N_("on %(date)s") if exact else N_("in %(period)s")
    return gettext(lang, message) % {"date": start, "period": start}


def given_when(entry: dict[str, Any], lang: str) -> str:
    """A vaccination's « Fait le 3 mars 2020 », « Fait en mai 2019 »."""
    given = period(entry.get("date"), entry.get("datePrecision"))
    if given is None:
        return ""
    message = (N_("Given on %(date)s") if given.precision is DatePrecision.DAY
               else N_("Given in %(period)s"))
    return gettext(lang, message) % {"date": given.written(lang), "period": given.written(lang)}


def day_of(moment: str | None, lang: str) -> str:
    """The day of a timestamp, written out."""
    if not moment:
        return ""
    local = datetime.fromisoformat(moment).astimezone(HOME_ZONE)
    return french_long_date(local.date(), lang)


def title(entry: dict[str, Any]) -> str:
    """What the entry is about, in a few words: the substance, the medicine, the vaccine..."""
    vaccine = entry.get("vaccine") or {}
    for value in (entry.get("substance"), entry.get("medication"), vaccine.get("label"),
                  entry.get("vaccineCode"), entry.get("text"), entry.get("label")):
        if value:
            return str(value)
    return ""


def _by(author: dict[str, Any], viewer_name: str | None, lang: str) -> str:
    # The API names authors but does not say which one is the viewer; a patient author with
    # the viewer's own name is taken to be the viewer.
    if author["role"] == "patient" and author["name"] == viewer_name:
        return gettext(lang, N_("by you"))
    if author["role"] == "professional" and author.get("profession") in DOCTORS:
        return gettext(lang, N_("by Dr %(name)s")) % {"name": author["name"]}
    if author["role"] == "professional" and author.get("profession") in PROFESSIONS:
        profession = gettext(lang, PROFESSIONS[author["profession"]]).lower()
        return gettext(lang, N_("by %(name)s, %(profession)s")) % {
            "name": author["name"], "profession": profession}
    return gettext(lang, N_("by %(name)s")) % {"name": author["name"]}


def provenance(record: dict[str, Any], viewer_name: str | None, lang: str) -> str:
    """"Added by you on 3 March 2026." (and who changed it last, when someone did)."""
    lines = []
    added = ((N_("Imported %(by)s on %(date)s."), N_("Imported on %(date)s."))
             if record.get("imported") else
             (N_("Added %(by)s on %(date)s."), N_("Added on %(date)s.")))
    for moment, author, with_author, without_author in (
        ("createdAt", "createdBy", *added),
        ("updatedAt", "updatedBy", N_("Changed %(by)s on %(date)s."), N_("Changed on %(date)s.")),
    ):
        if moment == "updatedAt" and record["updatedAt"] == record["createdAt"]:
            break
        day = day_of(record[moment], lang)
        if record.get(author):
            lines.append(gettext(lang, with_author) % {
                "by": _by(record[author], viewer_name, lang), "date": day})
        else:
            lines.append(gettext(lang, without_author) % {"date": day})
    return " ".join(lines)


def helpers(lang: str, viewer_name: str | None) -> dict[str, Any]:
    """The functions the entry templates use, bound to the viewer's language."""
    return {"long_date": partial(long_date, lang=lang), "day_of": partial(day_of, lang=lang),
            "title_of": title, "history_when": partial(history_when, lang=lang),
            "given_when": partial(given_when, lang=lang),
            "provenance_of": partial(provenance, viewer_name=viewer_name, lang=lang)}
