"""The treatments section through GraphQL: current and past medications."""

from datetime import timedelta

from api.records.entries.validation import today
from tests.records.entries.helpers import add, added, own_page, remove, update

SALBUTAMOL = {"medication": "Salbutamol 100 µg", "dose": "2 bouffées si besoin",
              "route": "inhalée", "startDate": "2010-03-01", "prescriber": "Dr Bernard"}


async def test_owner_adds_a_current_treatment_and_reads_it_back(owner):
    entry = await added(owner, "treatments", SALBUTAMOL)
    assert entry["medication"] == "Salbutamol 100 µg" and entry["route"] == "inhalée"
    assert entry["current"] is True and entry["endDate"] is None
    assert (await own_page(owner, "treatments"))["items"] == [entry]


async def test_a_treatment_that_ended_is_past(owner):
    entry = await added(owner, "treatments", {"medication": "Azithromycine 250 mg",
                                              "startDate": "2021-01-04",
                                              "endDate": "2021-01-06"})
    assert entry["current"] is False


async def test_a_course_ending_later_is_still_current(owner):
    in_a_week = (today() + timedelta(days=7)).isoformat()
    entry = await added(owner, "treatments", {"medication": "Prednisolone 20 mg",
                                              "startDate": today().isoformat(),
                                              "endDate": in_a_week})
    assert entry["current"] is True


async def test_ending_a_treatment_makes_it_past(owner):
    entry = await added(owner, "treatments", SALBUTAMOL)
    yesterday = (today() - timedelta(days=1)).isoformat()
    body = await update(owner, "treatments", entry["id"], {"endDate": yesterday})
    changed = body["data"]["updateTreatment"]["treatment"]
    assert changed["current"] is False and changed["dose"] == "2 bouffées si besoin"


async def test_owner_removes_a_treatment(owner):
    entry = await added(owner, "treatments", SALBUTAMOL)
    body = await remove(owner, "treatments", entry["id"])
    assert body["data"]["removeTreatment"]["removedId"] == entry["id"]
    assert (await own_page(owner, "treatments"))["totalCount"] == 0


async def test_an_end_before_the_start_is_refused_and_nothing_is_saved(owner):
    body = await add(owner, "treatments", {**SALBUTAMOL, "endDate": "2009-12-31"})
    payload = body["data"]["addTreatment"]
    assert payload["treatment"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        ("endDate", "END_BEFORE_START")]
    assert (await own_page(owner, "treatments"))["totalCount"] == 0


async def test_moving_the_start_after_the_end_is_refused(owner):
    entry = await added(owner, "treatments", {**SALBUTAMOL, "endDate": "2012-01-01"})
    body = await update(owner, "treatments", entry["id"], {"startDate": "2013-01-01"})
    assert [e["code"] for e in body["data"]["updateTreatment"]["userErrors"]] == [
        "END_BEFORE_START"]
    assert (await own_page(owner, "treatments"))["items"] == [entry]


async def test_a_treatment_starting_in_the_future_is_refused(owner):
    tomorrow = (today() + timedelta(days=1)).isoformat()
    body = await add(owner, "treatments", {**SALBUTAMOL, "startDate": tomorrow})
    errors = body["data"]["addTreatment"]["userErrors"]
    assert [(e["field"], e["code"]) for e in errors] == [("startDate", "DATE_IN_FUTURE")]


async def test_a_treatment_needs_a_medication_name(owner):
    body = await add(owner, "treatments", {**SALBUTAMOL, "medication": ""})
    errors = body["data"]["addTreatment"]["userErrors"]
    assert [(e["field"], e["code"]) for e in errors] == [("medication", "REQUIRED")]
    assert (await own_page(owner, "treatments"))["totalCount"] == 0
