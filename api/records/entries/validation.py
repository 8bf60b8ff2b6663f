"""Checking and tidying an entry before it is saved; pure functions, no database.

Each `clean_*` takes the entry's complete values (model field names) and returns them tidied
(trimmed text, empty text as null, canonical codes) with the problems found. Problems name
the input field in camelCase, as the client sent it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from api import clock, dates
from api.dates import DatePrecision, PartialDate, Span
from api.graphql.common import Problem
from api.interop.terminology import System, lookup, vaccine
from api.records.entries.models import HistoryKind, HistoryStatus

NOTE_LIMIT = 5000
MAX_DOSE_NUMBER = 20

Values = dict[str, Any]


def today() -> date:
    return clock.today()


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


class _Checker:
    def __init__(self, values: Values, birth_date: date | None) -> None:
        self.values = dict(values)
        self.problems: list[Problem] = []
        self.today = today()
        self.birth_date = birth_date

    def fail(self, name: str, code: str, **params: Any) -> None:
        self.problems.append(Problem(camel(name), code, params))

    def failed(self, name: str) -> bool:
        return any(problem.field == camel(name) for problem in self.problems)

    def text(self, name: str, limit: int, *, required: bool = False) -> str | None:
        raw = self.values.get(name)
        value = raw.strip() if isinstance(raw, str) else None
        value = value or None
        self.values[name] = value
        if value is None and required:
            self.fail(name, "REQUIRED")
        elif value is not None and len(value) > limit:
            self.fail(name, "TOO_LONG", limit=limit)
        return value

    def present(self, name: str) -> Any:
        value = self.values.get(name)
        if value is None:
            self.fail(name, "REQUIRED")
        return value

    def dated(self, name: str, span: Span = dates.LIFE, *, required: bool = False,
              precision: str | None = None) -> date | None:
        """A date of the person's life (api.dates: the one rule for all entries). With the
        name of its `precision` field, the date may be a year or a month: it is kept as the
        period's first day, and checked at that precision."""
        value: date | None = self.present(name) if required else self.values.get(name)
        when: date | PartialDate | None = value
        if precision is not None:
            when = PartialDate.of(value, self.values.get(precision)) if value else None
            self.values[name] = value = when.first if when else None
            self.values[precision] = when.precision if when else DatePrecision.DAY
        code = dates.date_problem(when, self.birth_date, span, today=self.today)
        if code is not None:
            self.fail(name, code)
        return value

    def in_order(self, earlier: str, later: str, code: str) -> None:
        first, last = self.values.get(earlier), self.values.get(later)
        if first is not None and last is not None and last < first and not self.failed(later):
            self.fail(later, code)

    def integer(self, name: str, low: int, high: int) -> None:
        value = self.values.get(name)
        if value is not None and not low <= value <= high:
            self.fail(name, "OUT_OF_RANGE", low=low, high=high)

    def flag(self, name: str) -> None:
        self.values[name] = bool(self.values.get(name))

    def result(self) -> tuple[Values, list[Problem]]:
        self.text("note", NOTE_LIMIT)
        self.flag("confidential_for_minor")
        return self.values, self.problems


def clean_history(values: Values, birth_date: date | None = None
                  ) -> tuple[Values, list[Problem]]:
    check = _Checker(values, birth_date)
    kind = check.present("kind")
    code = check.text("code", 16)
    if code is not None and not check.failed("code"):
        concept = lookup(System.ICD10, code)
        if concept is None:
            check.fail("code", "UNKNOWN_ICD10_CODE")
        else:
            check.values["code"] = concept.code
    text = check.text("text", 300)
    if code is None and text is None:
        check.fail("text", "DESCRIPTION_REQUIRED")
    # A relative's history may be older than the person.
    span = dates.RELATIVE if kind is HistoryKind.FAMILY else dates.LIFE
    check.dated("onset_date", span, precision="onset_precision")
    resolved_on = check.dated("resolution_date", span)
    check.in_order("onset_date", "resolution_date", "RESOLUTION_BEFORE_ONSET")
    relative = check.values.get("relative")
    if kind is HistoryKind.FAMILY and relative is None:
        check.fail("relative", "RELATIVE_REQUIRED")
    elif kind is not HistoryKind.FAMILY and relative is not None:
        check.fail("relative", "RELATIVE_ONLY_FOR_FAMILY")
    status = check.values.get("status")
    if status is None:
        ended = resolved_on is not None or kind is HistoryKind.SURGERY
        check.values["status"] = HistoryStatus.RESOLVED if ended else HistoryStatus.ACTIVE
    elif status is HistoryStatus.ACTIVE and resolved_on is not None:
        check.fail("status", "STATUS_CONFLICT")
    return check.result()


def clean_allergy(values: Values, birth_date: date | None = None
                  ) -> tuple[Values, list[Problem]]:
    check = _Checker(values, birth_date)
    check.text("substance", 200, required=True)
    check.text("reaction", 500)
    check.dated("onset_date")
    return check.result()


def clean_treatment(values: Values, birth_date: date | None = None
                    ) -> tuple[Values, list[Problem]]:
    check = _Checker(values, birth_date)
    check.text("medication", 200, required=True)
    check.text("dose", 200)
    check.text("route", 100)
    check.text("prescriber", 200)
    # A treatment not started yet is a plan, not part of the record; its end may be ahead.
    check.dated("start_date")
    check.dated("end_date", dates.PLANNED_END)
    check.in_order("start_date", "end_date", "END_BEFORE_START")
    return check.result()


def clean_vaccination(values: Values, birth_date: date | None = None
                      ) -> tuple[Values, list[Problem]]:
    check = _Checker(values, birth_date)
    code = check.text("vaccine_code", 32, required=True)
    if code is not None and not check.failed("vaccine_code"):
        concept = vaccine(code)
        if concept is None:
            check.fail("vaccine_code", "UNKNOWN_VACCINE")
        else:
            check.values["vaccine_code"] = concept.code
    check.dated("date", required=True, precision="date_precision")
    check.text("lot_number", 50)
    check.text("performer", 200)
    check.integer("dose_number", 1, MAX_DOSE_NUMBER)
    return check.result()


def is_current(start: date | None, end: date | None, on: date) -> bool:
    """A treatment is current once started and until its end date has passed."""
    return (start is None or start <= on) and (end is None or end >= on)
