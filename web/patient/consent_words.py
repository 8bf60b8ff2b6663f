"""Words for who sees what: sections, professions, bases of access and moments, in the
viewer's language. Shared by the overview, the sharing pages and the access history.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from babel.dates import format_time
from babel.lists import format_list

from api.clock import HOME_ZONE
from api.dates import long_date
from web.i18n import translations
from web.messages import N_, PROFESSIONS

ZONE = HOME_ZONE

# Section (as the API names it) -> (path segment of its page, name in a sentence).
SECTIONS: dict[str, tuple[str, str]] = {
    "IDENTITY": ("", N_("identity and contact details")),
    "HISTORY": ("history", N_("medical history")),
    "ALLERGIES": ("allergies", N_("allergies")),
    "TREATMENTS": ("treatments", N_("treatments")),
    "VACCINATIONS": ("vaccinations", N_("vaccinations")),
    "MEASUREMENTS": ("measurements", N_("measurements")),
    "DIRECTIVES": ("directives", N_("advance directives")),
    "DOCUMENTS": ("documents", N_("documents")),
}

# What each section holds, said to someone about to share it.
SECTION_CONTENTS = {
    "IDENTITY": N_("Your name, birth date, health identity number (INS) and contact details."),
    "HISTORY": N_("Illnesses, operations and illnesses in your family."),
    "ALLERGIES": N_("Allergies and intolerances, and how you reacted."),
    "TREATMENTS": N_("Medicines you take or took, with their doses."),
    "VACCINATIONS": N_("Vaccines you received, with their dates."),
    "MEASUREMENTS": N_("Weight, blood pressure, blood sugar and other measurements."),
    "DIRECTIVES": N_("Your wishes for the end of life, your trusted person and your choice "
                     "about organ donation."),
    "DOCUMENTS": N_("Reports, prescriptions, test results and the files you added."),
}

BASES = {
    "GRANT": N_("your authorisation"),
    "TREATING_DOCTOR": N_("treating doctor"),
    "EMERGENCY": N_("emergency access"),
    "REPRESENTATIVE": N_("parent"),
    "APP": N_("application"),
    "DEPOSIT": N_("document deposit"),
    "CONVERSATION": N_("secure messaging"),
    "OPERATOR": N_("Carnet's operator"),
    "OWNER": N_("your own account"),
}


class Words:
    """Formatting helpers handed to templates as `words`."""

    def __init__(self, language: str) -> None:
        self.language = language
        self._ = translations(language).gettext

    def section(self, name: str) -> str:
        return self._(SECTIONS[name][1]) if name in SECTIONS else name.lower()

    def sections(self, names: list[str]) -> str:
        """« allergies, traitements et mesures », in the order of the record."""
        ordered = [n for n in SECTIONS if n in names]
        if not ordered:
            return self._("nothing")
        return format_list([self.section(n) for n in ordered], locale=self.language)

    def contents(self, name: str) -> str:
        return self._(SECTION_CONTENTS[name]) if name in SECTION_CONTENTS else ""

    def profession(self, code: str | None) -> str:
        """The profession as a word, from the API's code (nurse) or enum name (NURSE)."""
        if not code:
            return ""
        key = code.lower()
        return self._(PROFESSIONS[key]) if key in PROFESSIONS else key

    def basis(self, name: str) -> str:
        return self._(BASES[name]) if name in BASES else name.lower()

    def listing(self, items: list[str]) -> str:
        return format_list(items, locale=self.language) if items else ""

    def day(self, value: str | date | datetime | None) -> str:
        """« 14 mars 2026 » from a date, a datetime or an ISO string."""
        if value is None:
            return ""
        moment = _parse(value)
        if isinstance(moment, datetime):
            moment = moment.astimezone(ZONE).date()
        return long_date(moment, self.language)

    def moment(self, value: str | datetime) -> str:
        """« 14 mars 2026 à 08:30 », in Paris time."""
        moment = _parse(value)
        if not isinstance(moment, datetime):
            return self.day(moment)
        at = moment.astimezone(ZONE)
        return self._("%(date)s at %(time)s") % {
            "date": long_date(at.date(), self.language),
            "time": format_time(at, "HH:mm", locale=self.language),
        }


def _parse(value: Any) -> date | datetime:
    if isinstance(value, str):
        return datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    if isinstance(value, date):
        return value
    raise TypeError(f"not a date: {value!r}")


def person(professional: dict[str, Any]) -> str:
    """« Marc PETIT » from a Professional of the API."""
    return f"{professional.get('firstName', '')} {professional.get('lastName', '')}".strip()
