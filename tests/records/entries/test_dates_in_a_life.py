"""The one date rule of a record (api/dates.py), through every dated entry's
mutation: not before the person's birth (1980-01-01 here), not after today where a future
date makes no sense, the same codes and words everywhere."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from api.dates import BEFORE_BIRTH, IN_FUTURE, RELATIVE, date_problem
from api.records.entries.validation import today
from tests.records.entries.helpers import add, added, update

BEFORE_BIRTH_DAY = "1979-12-31"
BIRTH_DAY = "1980-01-01"


def _next_week() -> str:
    return (today() + timedelta(days=7)).isoformat()


BASE = {
    "history": {"kind": "CONDITION", "text": "Asthme"},
    "allergies": {"substance": "Pénicilline"},
    "treatments": {"medication": "Ventoline"},
    "vaccinations": {"vaccineCode": "MMR"},
}
TYPE = {"history": "HistoryEntry", "allergies": "Allergy", "treatments": "Treatment",
        "vaccinations": "Vaccination"}

# (section, field, value, extra values, expected code or None)
CASES = [
    ("history", "onsetDate", BEFORE_BIRTH_DAY, {}, BEFORE_BIRTH),
    ("history", "onsetDate", BIRTH_DAY, {}, None),
    ("history", "onsetDate", "future", {}, IN_FUTURE),
    ("history", "resolutionDate", BEFORE_BIRTH_DAY, {}, BEFORE_BIRTH),
    ("history", "resolutionDate", "future", {}, IN_FUTURE),
    ("history", "onsetDate", "1955-03-01", {"kind": "FAMILY", "relative": "FATHER"}, None),
    ("history", "onsetDate", "future", {"kind": "FAMILY", "relative": "FATHER"}, IN_FUTURE),
    ("allergies", "onsetDate", BEFORE_BIRTH_DAY, {}, BEFORE_BIRTH),
    ("allergies", "onsetDate", "future", {}, IN_FUTURE),
    ("allergies", "onsetDate", "2004-02-10", {}, None),
    ("treatments", "startDate", BEFORE_BIRTH_DAY, {}, BEFORE_BIRTH),
    ("treatments", "startDate", "future", {}, IN_FUTURE),
    ("treatments", "endDate", BEFORE_BIRTH_DAY, {}, BEFORE_BIRTH),
    ("treatments", "endDate", "future", {}, None),  # a course's planned end
    ("vaccinations", "date", BEFORE_BIRTH_DAY, {}, BEFORE_BIRTH),
    ("vaccinations", "date", "future", {}, IN_FUTURE),
    ("vaccinations", "date", "1981-06-01", {}, None),
]


@pytest.mark.parametrize(("section", "field", "value", "extra", "code"), CASES)
async def test_each_dated_entry_follows_the_one_rule_when_added(owner, section, field, value,
                                                                extra, code):
    day = _next_week() if value == "future" else value
    values = {**BASE[section], **extra, field: day}
    body = await add(owner, section, values)
    payload = body["data"][f"add{TYPE[section]}"]
    found = [(error["field"], error["code"]) for error in payload["userErrors"]]
    assert found == ([(field, code)] if code else []), body


async def test_a_change_is_held_to_the_same_rule(owner):
    entry = await added(owner, "allergies", {"substance": "Latex", "onsetDate": "2001-05-02"})
    body = await update(owner, "allergies", entry["id"], {"onsetDate": BEFORE_BIRTH_DAY})
    errors = body["data"]["updateAllergy"]["userErrors"]
    assert [(e["field"], e["code"]) for e in errors] == [("onsetDate", BEFORE_BIRTH)]
    assert errors[0]["message"] == "Cette date est avant la naissance\u202f: vérifiez l'année."


def test_the_rule_reads_as_a_table():
    born, now = date(1980, 1, 1), date(2026, 12, 6)
    assert date_problem(date(1979, 12, 31), born, today=now) == BEFORE_BIRTH
    assert date_problem(born, born, today=now) is None
    assert date_problem(now, born, today=now) is None
    assert date_problem(now + timedelta(days=1), born, today=now) == IN_FUTURE
    assert date_problem(date(1950, 1, 1), born, RELATIVE, today=now) is None
    assert date_problem(None, born, today=now) is None
