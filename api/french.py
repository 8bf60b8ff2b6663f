"""French typography, in one place: every French sentence Carnet shows passes through here.

- a narrow no-break space (U+202F) before « : ; ! ? » and inside « guillemets », so that
  the sign never starts a line (the Imprimerie nationale's rule, what French readers expect);
- « 1er novembre », not « 1 novembre »: the first day of a month is an ordinal.

Only spacing is touched: a text without those signs comes back unchanged, and times
(08:30), addresses (https://) and numbers are left alone since they have no space before
the sign.
"""

from __future__ import annotations

import re
from datetime import date

from babel.dates import format_date

NARROW = "\u202f"
_BEFORE_SIGN = re.compile(r"[ \u00a0\u202f]+([:;!?»])")
_AFTER_OPENING = re.compile(r"«[ \u00a0\u202f]*")
_FIRST_OF_MONTH = re.compile(r"(?<![\d])1(?= [^\W\d])")


def spaced(text: str) -> str:
    """French text with narrow no-break spaces where French typography puts them."""
    if not text:
        return text
    text = _BEFORE_SIGN.sub(lambda found: NARROW + found.group(1), text)
    return _AFTER_OPENING.sub("«" + NARROW, text)


def long_date(day: date, language: str) -> str:
    """« 1er novembre 2026 », « 14 mars 2026 »; "November 1, 2026" in English."""
    written = format_date(day, "long", locale=language)
    if language.startswith("fr") and day.day == 1:
        return _FIRST_OF_MONTH.sub("1er", written, count=1)
    return written


def day_and_month(day: date, language: str) -> str:
    """« 1er novembre », « 6 décembre »; "November 1" in English."""
    written = format_date(day, "d MMMM" if language.startswith("fr") else "MMMM d",
                          locale=language)
    if language.startswith("fr") and day.day == 1:
        return _FIRST_OF_MONTH.sub("1er", written, count=1)
    return written
