"""Partial dates through GraphQL: a history onset or a vaccination given as a year or a month
(« depuis 2005 », « en mai 2019 »), kept as its first day with its precision, checked at that
precision against the birth and today, sorted by its first day."""

from __future__ import annotations

from datetime import date

import httpx
import pytest

from api.identity.models import Account
from api.records.entries.validation import today
from api.settings import Settings
from tests.factories import make_patient, sign_in
from tests.records.entries.helpers import Signed, add, added, error_codes, own_page, update

BORN = date(1990, 6, 15)
ASTHMA = {"kind": "CONDITION", "text": "Asthme"}
MMR = {"vaccineCode": "MMR"}
FIELDS = {"history": (ASTHMA, "onsetDate", "onsetPrecision"),
          "vaccinations": (MMR, "date", "datePrecision")}


@pytest.fixture
async def born_in_june_1990(client: httpx.AsyncClient, settings: Settings) -> Signed:
    patient = await make_patient(first_names="Lucie", birth_name="ROUX", birth_date=BORN)
    account = await Account.get(id=patient.account_id)
    return Signed(client, await sign_in(client, account, settings.secret_key), account, patient)


async def test_an_onset_given_as_a_year_is_kept_as_that_year(owner):
    entry = await added(owner, "history", {**ASTHMA, "onsetDate": "2005-06-17",
                                           "onsetPrecision": "YEAR"})
    assert (entry["onsetDate"], entry["onsetPrecision"]) == ("2005-01-01", "YEAR")
    assert (await own_page(owner, "history"))["items"] == [entry]


async def test_a_vaccination_given_as_a_month_is_kept_as_that_month(owner):
    entry = await added(owner, "vaccinations", {**MMR, "date": "2019-05-20",
                                                "datePrecision": "MONTH"})
    assert (entry["date"], entry["datePrecision"]) == ("2019-05-01", "MONTH")


async def test_a_client_that_sends_no_precision_gives_full_dates(owner):
    history = await added(owner, "history", {**ASTHMA, "onsetDate": "2005-06-17"})
    vaccination = await added(owner, "vaccinations", {**MMR, "date": "2019-05-20"})
    assert (history["onsetDate"], history["onsetPrecision"]) == ("2005-06-17", "DAY")
    assert (vaccination["date"], vaccination["datePrecision"]) == ("2019-05-20", "DAY")
    undated = await added(owner, "history", ASTHMA)
    assert (undated["onsetDate"], undated["onsetPrecision"]) == (None, None)


async def test_a_new_date_without_its_precision_is_a_full_date_again(owner):
    entry = await added(owner, "history", {**ASTHMA, "onsetDate": "2005-01-01",
                                           "onsetPrecision": "YEAR"})
    noted = (await update(owner, "history", entry["id"], {"note": "Au printemps"})
             )["data"]["updateHistoryEntry"]["historyEntry"]
    assert (noted["onsetDate"], noted["onsetPrecision"]) == ("2005-01-01", "YEAR")
    redated = (await update(owner, "history", entry["id"], {"onsetDate": "2006-03-04"})
               )["data"]["updateHistoryEntry"]["historyEntry"]
    assert (redated["onsetDate"], redated["onsetPrecision"]) == ("2006-03-04", "DAY")
    narrowed = (await update(owner, "history", entry["id"], {"onsetPrecision": "MONTH"})
                )["data"]["updateHistoryEntry"]["historyEntry"]
    assert (narrowed["onsetDate"], narrowed["onsetPrecision"]) == ("2006-03-01", "MONTH")


@pytest.mark.parametrize(("section", "day", "precision", "code"), [
    ("history", "1990-01-01", "YEAR", None),  # the year of the birth
    ("history", "1989-12-01", "YEAR", "DATE_BEFORE_BIRTH"),
    ("history", "1990-06-01", "MONTH", None),  # the month of the birth
    ("history", "1990-05-01", "MONTH", "DATE_BEFORE_BIRTH"),
    ("history", "1990-06-01", "DAY", "DATE_BEFORE_BIRTH"),
    ("vaccinations", "1990-01-01", "YEAR", None),
    ("vaccinations", "1989-01-01", "YEAR", "DATE_BEFORE_BIRTH"),
    ("vaccinations", "1990-05-31", "MONTH", "DATE_BEFORE_BIRTH"),
])
async def test_a_partial_date_is_checked_against_the_birth_at_its_precision(
        born_in_june_1990, section, day, precision, code):
    base, field, precision_field = FIELDS[section]
    values = {**base, field: day, precision_field: precision}
    body = await add(born_in_june_1990, section, values)
    payload = body["data"]["addHistoryEntry" if section == "history" else "addVaccination"]
    assert [error["code"] for error in payload["userErrors"]] == ([code] if code else [])
    if code:
        assert payload["userErrors"][0]["field"] == field


@pytest.mark.parametrize("section", FIELDS)
async def test_this_year_and_this_month_are_not_in_the_future(owner, section):
    base, field, precision = FIELDS[section]
    now = today()
    for first, given in ((now.replace(month=1, day=1), "YEAR"), (now.replace(day=1), "MONTH")):
        entry = await added(owner, section, {**base, field: now.isoformat(), precision: given})
        assert entry[field] == first.isoformat()
    next_year = now.replace(year=now.year + 1, month=1, day=1).isoformat()
    body = await add(owner, section, {**base, field: next_year, precision: "YEAR"})
    [payload] = body["data"].values()
    assert [error["code"] for error in payload["userErrors"]] == ["DATE_IN_FUTURE"]


async def test_partial_dates_sort_by_their_first_day(owner):
    for onset, precision in (("2019-01-01", "YEAR"), ("2019-03-10", "DAY"),
                             ("2019-05-01", "MONTH"), ("2018-12-31", "DAY")):
        await added(owner, "history", {**ASTHMA, "text": f"{precision} {onset}",
                                       "onsetDate": onset, "onsetPrecision": precision})
    shown = [item["text"] for item in (await own_page(owner, "history"))["items"]]
    assert shown == ["MONTH 2019-05-01", "DAY 2019-03-10", "YEAR 2019-01-01", "DAY 2018-12-31"]


async def test_an_unknown_precision_is_refused_by_the_schema(owner):
    body = await add(owner, "history", {**ASTHMA, "onsetDate": "2005-01-01",
                                        "onsetPrecision": "DECADE"})
    assert error_codes(body) == ["BAD_USER_INPUT"] and body.get("data") is None
