"""Dates, in one place: how people type them, how they read, month arithmetic, the life rule.

Carnet is used in France, so a date is typed day first whatever the page's language
(« 14/07/2021 », 14.07.2021, 14-07-2021, or 2021-07-14 from a date picker); babel reads it
and writes it back in the reader's language (« 1er novembre 2026 », "November 1, 2026").
People remember their history less precisely (« depuis 2005 », « en mai 2019 »): a
`PartialDate` is a year, a month or a day, kept as its first day plus its precision, so
partial dates sort by their first day. Months and years are added with dateutil's
`relativedelta` (31 January + 1 month = 28 or 29 February; 29 February + 1 year = 28
February).

The rule for the dates of a person's record, the same for every entry:

| what                                  | before birth | after today            |
|---------------------------------------|--------------|------------------------|
| history: onset, resolution            | refused      | refused                |
| family history: onset, resolution     | allowed (it is a relative's) | refused |
| allergy: onset                        | refused      | refused                |
| treatment: start                      | refused      | refused (a plan)       |
| treatment: end                        | refused      | allowed (a course's planned end) |
| vaccination: date                     | refused      | refused                |
| measurement: moment                   | refused      | refused (to the minute) |

"Today" is the day in France (api.clock.today). A partial date is checked at its precision:
the year of the birth is not before the birth, this month is not in the future.

Plumbing: imports no domain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import TypeVar

from babel.dates import format_date, get_month_names
from babel.dates import parse_date as babel_parse_date
from dateutil.relativedelta import relativedelta

from api import clock

# --- Typing a date ---------------------------------------------------------------------

# A day as typed in France (the year in full), or ISO 8601 as a date picker sends it.
_TYPED_DAY = re.compile(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{4}|\d{4}-\d{1,2}-\d{1,2}")
_YEAR = re.compile(r"\d{4}")
_MONTH_YEAR = re.compile(r"(\d{1,2})[/.-](\d{4})|(\d{4})-(\d{1,2})")
# « mai 2019 », "May 2019", « 1er mai 2019 », "14 May 2019" (a month's name, any case).
_NAMED_MONTH = re.compile(r"(?:(\d{1,2})(?:er)?\s+)?([^\W\d_]+)\.?\s+(\d{4})")
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
LANGUAGES = ("fr", "en")  # month names are read in both, whatever the page's language


def parse_day(raw: str) -> date | None:
    """A full date: « 14/07/2021 » (or 14.07.2021, 14-07-2021, 2021-07-14); None if not one."""
    typed = raw.strip()
    if not _TYPED_DAY.fullmatch(typed):
        return None
    try:
        return babel_parse_date(typed, locale="fr")  # day first, as written in France
    except ValueError:  # 31/02/2021
        return None


def _month_numbers() -> dict[str, int]:
    names: dict[str, int] = {}
    for language in LANGUAGES:
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                for number, name in get_month_names(width, context, language).items():
                    names[name.lower().rstrip(".")] = number
    return names


_MONTHS = _month_numbers()

# --- Partial dates ---------------------------------------------------------------------


class DatePrecision(StrEnum):
    """How much of a date a person gave: a year, a month and year, or a day."""

    YEAR = "year"
    MONTH = "month"
    DAY = "day"


@dataclass(frozen=True)
class PartialDate:
    """A year, a month or a day, as its first day (what it sorts by) and its precision."""

    first: date
    precision: DatePrecision = DatePrecision.DAY

    @classmethod
    def of(cls, day: date, precision: DatePrecision | None) -> PartialDate:
        """The period of `precision` that contains `day` (a day when no precision is given)."""
        precision = precision or DatePrecision.DAY
        if precision is DatePrecision.YEAR:
            return cls(day.replace(month=1, day=1), precision)
        if precision is DatePrecision.MONTH:
            return cls(day.replace(day=1), precision)
        return cls(day, precision)

    @property
    def last(self) -> date:
        """The last day of the period."""
        if self.precision is DatePrecision.YEAR:
            return self.first.replace(month=12, day=31)
        if self.precision is DatePrecision.MONTH:
            return self.first + relativedelta(months=1, days=-1)
        return self.first

    def typed(self) -> str:
        """As a form shows it again: « 2005 », « 05/2019 », « 14/07/2021 »."""
        if self.precision is DatePrecision.YEAR:
            return f"{self.first.year:04d}"
        if self.precision is DatePrecision.MONTH:
            return f"{self.first.month:02d}/{self.first.year:04d}"
        return self.first.strftime("%d/%m/%Y")

    def written(self, language: str) -> str:
        """« 2005 », « mai 2019 », « 1er mai 2019 »; "May 2019" in English."""
        if self.precision is DatePrecision.YEAR:
            return str(self.first.year)
        if self.precision is DatePrecision.MONTH:
            return format_date(self.first, "LLLL y", locale=language)
        return long_date(self.first, language)


def parse_partial(raw: str) -> PartialDate | None:
    """« 2005 », « 05/2019 », « mai 2019 », "May 2019", or a full date; None if none of them."""
    typed = _SPACES.sub(" ", raw.strip())
    day = parse_day(typed)
    if day is not None:
        return PartialDate(day)
    if _YEAR.fullmatch(typed):
        return _partial(int(typed), 1, 1, DatePrecision.YEAR)
    found = _MONTH_YEAR.fullmatch(typed)
    if found:
        month, year = (found.group(1), found.group(2)) if found.group(1) else found.group(4, 3)
        return _partial(int(year), int(month), 1, DatePrecision.MONTH)
    named = _NAMED_MONTH.fullmatch(typed)
    month_number = _MONTHS.get(named.group(2).lower()) if named else None
    if named is None or month_number is None:
        return None
    if named.group(1):
        return _partial(int(named.group(3)), month_number, int(named.group(1)),
                        DatePrecision.DAY)
    return _partial(int(named.group(3)), month_number, 1, DatePrecision.MONTH)


def _partial(year: int, month: int, day: int, precision: DatePrecision) -> PartialDate | None:
    try:
        return PartialDate(date(year, month, day), precision) if year >= 1 else None
    except ValueError:
        return None


# --- Writing a date --------------------------------------------------------------------

_FIRST_OF_MONTH = re.compile(r"(?<![\d])1(?= [^\W\d])")


def _ordinal_first(written: str, day: date, language: str) -> str:
    # French writes the first day of a month as an ordinal: « 1er novembre ».
    if language.startswith("fr") and day.day == 1:
        return _FIRST_OF_MONTH.sub("1er", written, count=1)
    return written


def long_date(day: date, language: str) -> str:
    """« 1er novembre 2026 », « 14 mars 2026 »; "November 1, 2026" in English."""
    return _ordinal_first(format_date(day, "long", locale=language), day, language)


def day_and_month(day: date, language: str) -> str:
    """« 1er novembre », « 6 décembre »; "November 1" in English."""
    written = format_date(day, "d MMMM" if language.startswith("fr") else "MMMM d",
                          locale=language)
    return _ordinal_first(written, day, language)


# --- Month and year arithmetic ---------------------------------------------------------

When = TypeVar("When", date, datetime)


def months_after(moment: When, months: int) -> When:
    """The same day `months` later (or earlier), the month's last day if it is shorter."""
    shifted: When = moment + relativedelta(months=months)
    return shifted


def years_after(moment: When, years: int) -> When:
    """The same day `years` later; 28 February for a 29 February in a common year."""
    shifted: When = moment + relativedelta(years=years)
    return shifted


def one_year_after(moment: When) -> When:
    """The same instant a year later (28 February for a 29 February)."""
    return years_after(moment, 1)


def month_start(moment: When) -> When:
    """The first day of the month, at midnight for a datetime."""
    if isinstance(moment, datetime):
        return moment.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return moment.replace(day=1)


def age_on(birth_date: date, day: date) -> int:
    """Full years on `day` (a person born on 29 February has their birthday on 1 March)."""
    # Not relativedelta(day, birth_date).years: it would make a person born on 29 February
    # a year older on 28 February.
    had_birthday = (day.month, day.day) >= (birth_date.month, birth_date.day)
    return day.year - birth_date.year - (0 if had_birthday else 1)


# --- The life rule ---------------------------------------------------------------------

BEFORE_BIRTH = "DATE_BEFORE_BIRTH"
IN_FUTURE = "DATE_IN_FUTURE"


@dataclass(frozen=True)
class Span:
    """Which side of the person's life a date may fall on."""

    before_birth: bool = False
    future: bool = False


LIFE = Span()  # the default: between the birth and today
PLANNED_END = Span(future=True)  # an end that may still be ahead
RELATIVE = Span(before_birth=True)  # a relative's history may predate the person


def date_problem(day: date | PartialDate | None, birth_date: date | None, span: Span = LIFE,
                 *, today: date | None = None) -> str | None:
    """The code of what is wrong with `day` for a person born on `birth_date`, or None.

    A partial date is wrong only when all of it is: it starts after today, or ends before
    the birth.
    """
    if day is None:
        return None
    period = day if isinstance(day, PartialDate) else PartialDate(day)
    if not span.future and period.first > (today or clock.today()):
        return IN_FUTURE
    if not span.before_birth and birth_date is not None and period.last < birth_date:
        return BEFORE_BIRTH
    return None
