"""A person's agenda: the vaccination calendar and the child check-ups, from the birth date.

Pure: a birth date, the vaccinations recorded and today's date in, the items out.

- **Vaccinations.** The lines of one series (the three infant doses of DTCaP...) count the
  recorded doses in order of date: a dose counts for the next line of the series when its
  vaccine is one the line accepts (a hexavalent dose counts in the DTCaP, Hib and hepatitis B
  series alike) and it was not given before the line's earliest day nor after its last one
  (see api/interop/terminology/calendar.py). A partial date (« 2019 », « mai 2019 ») counts
  when its period reaches those days. A line with a dose is *done*; one without is
  *upcoming* before its age, *due* from it, *overdue* past its "late" age, and left out once
  past its "until" age (catch-up is no longer proposed; the doctor decides).
- **Seasonal vaccines** (flu, COVID-19 from 65): the season runs from 15 October to
  31 January; a dose from 1 September counts for it. Done this season: the next season is
  upcoming.
- **Check-ups** are not recorded in Carnet: the current one is *due* (to do with the
  doctor), the next ones are *upcoming*; none is ever done or overdue.

Upcoming items are listed up to ten years ahead.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from api.dates import years_after
from api.interop.terminology.calendar import CalendarDose, Checkup, calendar, checkups

HORIZON_YEARS = 10
SEASON_OPENS = (10, 15)  # 15 October
SEASON_CLOSES = (1, 31)  # 31 January, the next year
SEASON_COUNTS_FROM = (9, 1)  # a dose from 1 September counts for the season


class Status(StrEnum):
    DONE = "done"
    DUE = "due"
    OVERDUE = "overdue"
    UPCOMING = "upcoming"


class Kind(StrEnum):
    VACCINATION = "vaccination"
    CHECKUP = "checkup"


@dataclass(frozen=True)
class Dose:
    """A vaccination as recorded: its id, vaccine code, and the period of its date."""

    id: int
    code: str
    first: date
    last: date


@dataclass(frozen=True)
class Item:
    key: str  # stable: the calendar line's key, with the season's year for seasonal ones
    kind: Kind
    labels: dict[str, str]
    status: Status
    due_from: date
    due_by: date | None = None
    dose: Dose | None = None

    def label(self, language: str) -> str:
        return self.labels.get(language) or self.labels["fr"]


def agenda(birth: date, recorded: Iterable[Dose], today: date,
           lines: Sequence[CalendarDose] | None = None,
           visits: Sequence[Checkup] | None = None) -> list[Item]:
    """Every item of the person's agenda, by date."""
    doses = sorted(recorded, key=lambda dose: (dose.first, dose.id))
    horizon = years_after(today, HORIZON_YEARS)
    items: list[Item] = []
    lines = calendar() if lines is None else lines
    series: dict[str, list[CalendarDose]] = {}
    for line in lines:
        if line.kind == "season":
            items.extend(_season(line, birth, doses, today, horizon))
        else:
            series.setdefault(line.series, []).append(line)
    for members in series.values():
        items.extend(_series(members, birth, doses, today, horizon))
    for visit in checkups() if visits is None else visits:
        item = _checkup(visit, birth, today, horizon)
        if item is not None:
            items.append(item)
    order = {line.key: number for number, line in enumerate(lines)}
    return sorted(items, key=lambda item: (item.due_from, order.get(item.key, len(order))))


def _series(lines: list[CalendarDose], birth: date, doses: list[Dose], today: date,
            horizon: date) -> list[Item]:
    matched: dict[str, Dose] = {}
    position = 0
    for dose in doses:
        while position < len(lines):
            line = lines[position]
            until = line.until.after(birth) if line.until else None
            if until is not None and dose.first > until:
                position += 1  # this line's time is over: the dose may count for the next
                continue
            break
        if position == len(lines):
            break
        line = lines[position]
        if dose.code in line.accepts and dose.last >= line.earliest(birth):
            matched[line.key] = dose
            position += 1
    items = []
    for line in lines:
        start = line.start.after(birth)
        late = line.late.after(birth) if line.late else None
        if line.key in matched:
            items.append(Item(line.key, Kind.VACCINATION, line.labels, Status.DONE, start,
                              late, matched[line.key]))
            continue
        if line.until is not None and today > line.until.after(birth):
            continue
        if today < start:
            if start <= horizon:
                items.append(Item(line.key, Kind.VACCINATION, line.labels, Status.UPCOMING,
                                  start, late))
            continue
        status = Status.OVERDUE if late is not None and today > late else Status.DUE
        items.append(Item(line.key, Kind.VACCINATION, line.labels, status, start, late))
    return items


def _season_days(year: int) -> tuple[date, date, date]:
    """When the season of `year`'s autumn counts doses from, opens and closes."""
    return (date(year, *SEASON_COUNTS_FROM), date(year, *SEASON_OPENS),
            date(year + 1, *SEASON_CLOSES))


def _season(line: CalendarDose, birth: date, doses: list[Dose], today: date,
            horizon: date) -> list[Item]:
    eligible = line.start.after(birth)
    # The first season the person may have it: the one still open on the day they reach the age.
    first_season = eligible.year - 1 if eligible <= date(eligible.year, *SEASON_CLOSES) \
        else eligible.year
    season = today.year if (today.month, today.day) >= SEASON_COUNTS_FROM else today.year - 1
    if first_season > season:
        opens = max(eligible, _season_days(first_season)[1])
        if opens > horizon:
            return []
        return [Item(f"{line.key}-{first_season}", Kind.VACCINATION, line.labels,
                     Status.UPCOMING, opens, _season_days(first_season)[2])]
    counts_from, opens, closes = _season_days(season)
    done = next((dose for dose in reversed(doses)
                 if dose.code in line.accepts and dose.last >= counts_from
                 and dose.first <= closes), None)
    _, next_opens, next_closes = _season_days(season + 1)
    following = Item(f"{line.key}-{season + 1}", Kind.VACCINATION, line.labels,
                     Status.UPCOMING, next_opens, next_closes)
    this_season = f"{line.key}-{season}"
    if done is not None:
        return [Item(this_season, Kind.VACCINATION, line.labels, Status.DONE, opens, closes,
                     done), following]
    if today < opens:
        return [Item(this_season, Kind.VACCINATION, line.labels, Status.UPCOMING, opens,
                     closes)]
    if today <= closes:
        return [Item(this_season, Kind.VACCINATION, line.labels, Status.DUE, opens, closes)]
    return [following]  # the season is over: the next one


def _checkup(visit: Checkup, birth: date, today: date, horizon: date) -> Item | None:
    start, end = visit.start.after(birth), visit.end.after(birth) - timedelta(days=1)
    if start <= today <= end:
        return Item(visit.key, Kind.CHECKUP, visit.labels, Status.DUE, start, end)
    if today < start <= horizon:
        return Item(visit.key, Kind.CHECKUP, visit.labels, Status.UPCOMING, start, end)
    return None
