"""Dates and numbers as people read and type them, in French time.

What a person types (« 8h30 », « 72,5 ») is read here (dates by api.dates); dates are written
back with babel in the reader's language, in Europe/Paris time.
"""

from __future__ import annotations

import re
from datetime import datetime, time
from typing import Any

from babel.dates import format_time

from api.clock import HOME_ZONE
from api.dates import long_date as french_long_date
from web.i18n import translations

ZONE = HOME_ZONE
_TIME = re.compile(r"(\d{1,2})(?:[:hH.](\d{2})?)?")
_NUMBER = re.compile(r"-?\d{1,9}(?:[.,]\d{1,6})?")
_SPACES = re.compile(r"[\s\u202f\u00a0]")


def local(moment: str | datetime) -> datetime:
    parsed = datetime.fromisoformat(moment) if isinstance(moment, str) else moment
    return parsed.astimezone(ZONE)


def long_date(moment: Any, lang: str) -> str:
    """« 14 mars 2026 » from a date, a datetime or an ISO string."""
    if isinstance(moment, str):
        moment = local(moment) if "T" in moment else datetime.fromisoformat(moment)
    if isinstance(moment, datetime):
        moment = local(moment).date()
    return french_long_date(moment, lang)


def date_time(moment: str | datetime, lang: str) -> str:
    """« 14 mars 2026 à 08:30 », in Paris time."""
    at = local(moment)
    _ = translations(lang).gettext
    return _("%(date)s at %(time)s") % {"date": french_long_date(at.date(), lang),
                                        "time": format_time(at, "HH:mm", locale=lang)}


def parse_number(raw: str) -> float | None:
    compact = _SPACES.sub("", raw)
    return float(compact.replace(",", ".")) if _NUMBER.fullmatch(compact) else None


def parse_time(raw: str) -> time | None:
    """« 08:30 », « 8h30 », « 8h »."""
    found = _TIME.fullmatch(raw.strip())
    if not found or int(found.group(1)) > 23 or int(found.group(2) or 0) > 59:
        return None
    return time(int(found.group(1)), int(found.group(2) or 0))
