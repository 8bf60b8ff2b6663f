"""The French vaccination calendar and the compulsory child check-ups, as data.

Both live in ``api/interop/data/`` (``vaccination_calendar.tsv``, ``child_checkups.tsv``),
each with its source in its first line and what its columns mean. Ages are written ``8d``,
``2m``, ``11y`` or ``11y6m``; the vaccines a calendar line accepts are codes of
``vaccines.tsv``, checked here, so a calendar line can never name a vaccine Carnet does not
know. What is done, due or late for a person is worked out by api/records/agenda.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from dateutil.relativedelta import relativedelta

from api.french import spaced

from .vaccines import all_vaccines

DATA = Path(__file__).resolve().parent.parent / "data"
CALENDAR_FILE = DATA / "vaccination_calendar.tsv"
CHECKUPS_FILE = DATA / "child_checkups.tsv"
KINDS = ("dose", "season")

_AGE = re.compile(r"(?:(\d+)y)?(?:(\d+)m)?(?:(\d+)d)?")


@dataclass(frozen=True)
class Age:
    """An age in years, months and days, added to a birth date."""

    years: int = 0
    months: int = 0
    days: int = 0

    @classmethod
    def parse(cls, text: str) -> Age:
        found = _AGE.fullmatch(text.strip())
        if not text.strip() or not found:
            raise ValueError(f"bad age {text!r}: write it like 8d, 2m, 11y or 11y6m")
        years, months, days = (int(part) if part else 0 for part in found.groups())
        return cls(years, months, days)

    def after(self, birth: date) -> date:
        return birth + relativedelta(years=self.years, months=self.months, days=self.days)

    @property
    def in_months(self) -> int:
        return self.years * 12 + self.months


@dataclass(frozen=True)
class CalendarDose:
    """One line of the vaccination calendar: a dose (or a seasonal vaccine) at an age."""

    key: str
    series: str
    kind: str  # "dose", or "season" (every autumn from the age)
    start: Age  # the recommended age
    late: Age | None  # after it, the dose is late
    until: Age | None  # after it, a missed dose is no longer proposed
    accepts: frozenset[str]  # the vaccine codes that count for it
    labels: dict[str, str]  # by language

    def earliest(self, birth: date) -> date:
        """The first day a dose counts for this line: a month before the age (a year when
        the age is 2 years or more), since doses are seldom given on the very day."""
        grace = relativedelta(months=1) if self.start.in_months < 24 else relativedelta(years=1)
        return self.start.after(birth) - grace


@dataclass(frozen=True)
class Checkup:
    """A compulsory check-up of a child, between two ages."""

    key: str
    start: Age
    end: Age  # the check-up takes place before this age
    labels: dict[str, str]


def _rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    reader = csv.DictReader(lines, delimiter="\t")
    return [(number, row) for number, row in enumerate(reader, start=3)]


def _labels(row: dict[str, str]) -> dict[str, str]:
    return {"fr": spaced(row["label_fr"].strip()), "en": row["label_en"].strip()}


def _optional_age(text: str) -> Age | None:
    return Age.parse(text) if text.strip() else None


def load_calendar(path: Path = CALENDAR_FILE) -> tuple[CalendarDose, ...]:
    """Parse the calendar; a bad line is a data error and raises ValueError."""
    known = {vaccine.code for vaccine in all_vaccines()}
    doses: list[CalendarDose] = []
    seen: set[str] = set()
    for number, row in _rows(path):
        where = f"{path.name}:{number}"
        try:
            dose = CalendarDose(
                key=row["key"].strip(), series=row["series"].strip(), kind=row["kind"].strip(),
                start=Age.parse(row["from"]), late=_optional_age(row["by"]),
                until=_optional_age(row["until"]),
                accepts=frozenset(code.strip() for code in row["accepts"].split(",")),
                labels=_labels(row))
        except ValueError as problem:
            raise ValueError(f"{where}: {problem}") from None
        if not dose.key or dose.key in seen:
            raise ValueError(f"{where}: missing or repeated key {dose.key!r}")
        if dose.kind not in KINDS:
            raise ValueError(f"{where}: kind {dose.kind!r} is not one of {', '.join(KINDS)}")
        if dose.accepts - known:
            raise ValueError(f"{where}: vaccines not in vaccines.tsv: "
                             f"{', '.join(sorted(dose.accepts - known))}")
        seen.add(dose.key)
        doses.append(dose)
    return tuple(doses)


def load_checkups(path: Path = CHECKUPS_FILE) -> tuple[Checkup, ...]:
    checkups: list[Checkup] = []
    for number, row in _rows(path):
        try:
            checkups.append(Checkup(key=row["key"].strip(), start=Age.parse(row["from"]),
                                    end=Age.parse(row["to"]), labels=_labels(row)))
        except ValueError as problem:
            raise ValueError(f"{path.name}:{number}: {problem}") from None
    return tuple(checkups)


@cache
def calendar() -> tuple[CalendarDose, ...]:
    return load_calendar()


@cache
def checkups() -> tuple[Checkup, ...]:
    return load_checkups()
