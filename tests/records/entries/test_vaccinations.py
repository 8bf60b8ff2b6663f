"""The vaccinations section through GraphQL."""

from datetime import timedelta

from api.records.entries.validation import today
from tests.records.entries.helpers import add, added, own_page, remove, update

MMR = {"vaccineCode": "mmr", "date": "1996-10-20", "lotNumber": "X123", "doseNumber": 1,
       "performer": "Dr Bernard"}


async def test_owner_adds_a_vaccination_and_reads_it_back_labelled(owner):
    entry = await added(owner, "vaccinations", MMR)
    assert entry["vaccineCode"] == "MMR"
    assert entry["vaccine"]["label"] == "ROR (rougeole, oreillons, rubéole)"
    assert entry["vaccine"]["system"] == "VACCINE"
    assert entry["lotNumber"] == "X123" and entry["doseNumber"] == 1
    assert (await own_page(owner, "vaccinations"))["items"] == [entry]


async def test_the_vaccine_label_follows_the_viewers_language(owner):
    await added(owner, "vaccinations", MMR)
    owner.client.cookies.set("carnet_lang", "en")
    page = await own_page(owner, "vaccinations")
    assert page["items"][0]["vaccine"]["label"] == "MMR (measles, mumps, rubella)"


async def test_vaccinations_come_most_recent_first(owner):
    await added(owner, "vaccinations", MMR)
    await added(owner, "vaccinations", {"vaccineCode": "DTP-BOOSTER", "date": "2020-05-02"})
    await added(owner, "vaccinations", {"vaccineCode": "HEPB", "date": "1995-12-14"})
    page = await own_page(owner, "vaccinations")
    assert [item["date"] for item in page["items"]] == ["2020-05-02", "1996-10-20", "1995-12-14"]


async def test_owner_updates_a_vaccination(owner):
    entry = await added(owner, "vaccinations", MMR)
    body = await update(owner, "vaccinations", entry["id"], {"doseNumber": 2, "lotNumber": None})
    changed = body["data"]["updateVaccination"]["vaccination"]
    assert changed["doseNumber"] == 2 and changed["lotNumber"] is None
    assert changed["date"] == "1996-10-20"
    assert (await own_page(owner, "vaccinations"))["items"] == [changed]


async def test_owner_removes_a_vaccination(owner):
    entry = await added(owner, "vaccinations", MMR)
    body = await remove(owner, "vaccinations", entry["id"])
    assert body["data"]["removeVaccination"]["removedId"] == entry["id"]
    assert (await own_page(owner, "vaccinations"))["totalCount"] == 0


async def test_an_unknown_vaccine_is_refused_and_nothing_is_saved(owner):
    body = await add(owner, "vaccinations", {**MMR, "vaccineCode": "ELIXIR"})
    payload = body["data"]["addVaccination"]
    assert payload["vaccination"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
        ("vaccineCode", "UNKNOWN_VACCINE")]
    assert (await own_page(owner, "vaccinations"))["totalCount"] == 0


async def test_a_vaccination_dated_in_the_future_is_refused(owner):
    tomorrow = (today() + timedelta(days=1)).isoformat()
    body = await add(owner, "vaccinations", {**MMR, "date": tomorrow})
    errors = body["data"]["addVaccination"]["userErrors"]
    assert [(e["field"], e["code"]) for e in errors] == [("date", "DATE_IN_FUTURE")]
    assert (await own_page(owner, "vaccinations"))["totalCount"] == 0


async def test_a_dose_number_out_of_range_is_refused(owner):
    body = await add(owner, "vaccinations", {**MMR, "doseNumber": 0})
    errors = body["data"]["addVaccination"]["userErrors"]
    assert [(e["field"], e["code"]) for e in errors] == [("doseNumber", "OUT_OF_RANGE")]


async def test_every_problem_is_reported_at_once(owner):
    tomorrow = (today() + timedelta(days=1)).isoformat()
    body = await add(owner, "vaccinations", {**MMR, "vaccineCode": "ELIXIR", "date": tomorrow})
    errors = body["data"]["addVaccination"]["userErrors"]
    assert {e["code"] for e in errors} == {"UNKNOWN_VACCINE", "DATE_IN_FUTURE"}
