"""Dates as people type and read them, month arithmetic, partial dates (api/dates.py).

Table-driven, no database: every form and route reads dates through these functions."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from api.dates import (
    BEFORE_BIRTH,
    IN_FUTURE,
    DatePrecision,
    PartialDate,
    age_on,
    date_problem,
    long_date,
    month_start,
    months_after,
    one_year_after,
    parse_day,
    parse_partial,
)

YEAR, MONTH, DAY = DatePrecision.YEAR, DatePrecision.MONTH, DatePrecision.DAY


@pytest.mark.parametrize(("typed", "day"), [
    ("14/07/2021", date(2021, 7, 14)),
    ("1/2/2021", date(2021, 2, 1)),
    ("14.07.2021", date(2021, 7, 14)),
    ("14-07-2021", date(2021, 7, 14)),
    (" 14/07/2021 ", date(2021, 7, 14)),
    ("2021-07-14", date(2021, 7, 14)),
    ("29/02/2024", date(2024, 2, 29)),
    ("31/02/2021", None),
    ("29/02/2023", None),
    ("14/07/21", None),
    ("07/2021", None),
    ("demain", None),
    ("", None),
])
def test_a_day_is_read_day_first_as_written_in_france(typed: str, day: date | None) -> None:
    assert parse_day(typed) == day


@pytest.mark.parametrize(("typed", "first", "precision"), [
    ("2005", date(2005, 1, 1), YEAR),
    ("05/2019", date(2019, 5, 1), MONTH),
    ("5/2019", date(2019, 5, 1), MONTH),
    ("2019-05", date(2019, 5, 1), MONTH),
    ("mai 2019", date(2019, 5, 1), MONTH),
    ("Mai  2019", date(2019, 5, 1), MONTH),
    ("May 2019", date(2019, 5, 1), MONTH),
    ("février 2020", date(2020, 2, 1), MONTH),
    ("févr. 2020", date(2020, 2, 1), MONTH),
    ("Sept 2020", date(2020, 9, 1), MONTH),
    ("sept. 2020", date(2020, 9, 1), MONTH),
    ("1er mai 2019", date(2019, 5, 1), DAY),
    ("14 July 2021", date(2021, 7, 14), DAY),
    ("14/07/2021", date(2021, 7, 14), DAY),
    ("13/2019", None, None),
    ("31 février 2020", None, None),
    ("brumaire 2019", None, None),
    ("19", None, None),
])
def test_a_partial_date_is_a_year_a_month_or_a_day(typed: str, first: date | None,
                                                   precision: DatePrecision | None) -> None:
    parsed = parse_partial(typed)
    expected = PartialDate(first, precision) if first and precision else None
    assert parsed == expected


@pytest.mark.parametrize(("period", "language", "written", "typed"), [
    (PartialDate(date(2005, 1, 1), YEAR), "fr", "2005", "2005"),
    (PartialDate(date(2019, 5, 1), MONTH), "fr", "mai 2019", "05/2019"),
    (PartialDate(date(2019, 5, 1), MONTH), "en", "May 2019", "05/2019"),
    (PartialDate(date(2019, 5, 1), DAY), "fr", "1er mai 2019", "01/05/2019"),
    (PartialDate(date(2019, 5, 1), DAY), "en", "May 1, 2019", "01/05/2019"),
])
def test_a_partial_date_reads_as_it_was_entered(period: PartialDate, language: str,
                                                written: str, typed: str) -> None:
    assert (period.written(language), period.typed()) == (written, typed)


def test_a_partial_date_starts_on_the_first_day_of_its_period() -> None:
    assert PartialDate.of(date(2019, 5, 17), MONTH) == PartialDate(date(2019, 5, 1), MONTH)
    assert PartialDate.of(date(2019, 5, 17), YEAR) == PartialDate(date(2019, 1, 1), YEAR)
    assert PartialDate.of(date(2019, 5, 17), None) == PartialDate(date(2019, 5, 17), DAY)
    assert PartialDate(date(2024, 2, 1), MONTH).last == date(2024, 2, 29)


def test_the_first_of_a_month_is_an_ordinal_in_french() -> None:
    assert long_date(date(2026, 11, 1), "fr") == "1er novembre 2026"
    assert long_date(date(2026, 11, 14), "fr") == "14 novembre 2026"


@pytest.mark.parametrize(("day", "months", "expected"), [
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2024, 1, 31), 1, date(2024, 2, 29)),
    (date(2026, 3, 31), -1, date(2026, 2, 28)),
    (date(2025, 11, 15), 3, date(2026, 2, 15)),
    (date(2020, 6, 1), -30, date(2017, 12, 1)),
])
def test_months_are_added_on_the_calendar(day: date, months: int, expected: date) -> None:
    assert months_after(day, months) == expected


def test_a_year_after_the_29th_of_february_is_the_28th() -> None:
    moment = datetime(2028, 2, 29, 10, 30, tzinfo=UTC)
    assert one_year_after(moment) == datetime(2029, 2, 28, 10, 30, tzinfo=UTC)
    assert one_year_after(date(2026, 12, 6)) == date(2027, 12, 6)
    assert month_start(moment) == datetime(2028, 2, 1, tzinfo=UTC)


@pytest.mark.parametrize(("day", "age"), [
    (date(2026, 2, 28), 17), (date(2026, 3, 1), 18), (date(2028, 2, 29), 20),
])
def test_a_person_born_on_the_29th_of_february_ages_on_the_1st_of_march(day: date,
                                                                         age: int) -> None:
    assert age_on(date(2008, 2, 29), day) == age


BORN, TODAY = date(1990, 6, 15), date(2026, 12, 6)


@pytest.mark.parametrize(("period", "problem"), [
    (PartialDate(date(1990, 1, 1), YEAR), None),  # the year of the birth
    (PartialDate(date(1989, 1, 1), YEAR), BEFORE_BIRTH),
    (PartialDate(date(1990, 6, 1), MONTH), None),  # the month of the birth
    (PartialDate(date(1990, 5, 1), MONTH), BEFORE_BIRTH),
    (PartialDate(date(1990, 6, 14), DAY), BEFORE_BIRTH),
    (PartialDate(date(2026, 1, 1), YEAR), None),  # this year
    (PartialDate(date(2027, 1, 1), YEAR), IN_FUTURE),
    (PartialDate(date(2026, 12, 1), MONTH), None),  # this month
    (PartialDate(date(2027, 1, 1), MONTH), IN_FUTURE),
    (PartialDate(date(2026, 12, 7), DAY), IN_FUTURE),
])
def test_a_partial_date_is_checked_at_its_precision(period: PartialDate,
                                                    problem: str | None) -> None:
    assert date_problem(period, BORN, today=TODAY) == problem
