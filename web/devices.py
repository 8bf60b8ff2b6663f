"""The devices signed in, as a person recognises them: « Firefox sur Android · le 6 décembre
à 06:45 », in Paris time. The user-agent string is read by ua-parser (its maintained rules),
not by patterns of our own."""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_time
from ua_parser import parse

from api.clock import HOME_ZONE, now
from api.dates import day_and_month, long_date
from web.i18n import translations

# ua-parser names some browsers by their mobile build; a person knows them by name.
_OS_NAMES = {"Mac OS X": "macOS"}


def _browser(family: str) -> str:
    words = [word for word in family.split() if word not in ("Mobile", "Headless")]
    name = " ".join(words)
    return name.removeprefix("Headless") or family


def device_name(user_agent: str | None, language: str) -> str:
    """« Firefox sur Android », « Safari sur iOS »; « Appareil inconnu » when unreadable."""
    _ = translations(language).gettext
    found = parse(user_agent or "")
    browser = _browser(found.user_agent.family) if found.user_agent else None
    system = found.os.family if found.os else None
    system = _OS_NAMES.get(system, system) if system else None
    if browser and system:
        return _("%(browser)s on %(system)s") % {"browser": browser, "system": system}
    return browser or system or _("Unknown device")


def last_used(moment: datetime, language: str) -> str:
    """« le 6 décembre à 06:45 » in Paris time; the year is said when it is not this one."""
    _ = translations(language).gettext
    local = moment.astimezone(HOME_ZONE)
    this_year = local.year == now().astimezone(HOME_ZONE).year
    day = day_and_month(local.date(), language) if this_year else long_date(local.date(),
                                                                             language)
    return _("on %(day)s at %(time)s") % {"day": day,
                                         "time": format_time(local, "HH:mm", locale=language)}
