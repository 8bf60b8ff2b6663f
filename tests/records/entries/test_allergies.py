"""The allergies section through GraphQL."""

from datetime import timedelta

from api.records.entries.validation import today
from tests.records.entries.helpers import add, added, own_page, remove, update

PENICILLIN = {"substance": "Pénicilline", "reaction": "Urticaire géante", "severity": "SEVERE",
              "criticality": "HIGH", "onsetDate": "2004-02-10"}


async def test_owner_adds_an_allergy_and_reads_it_back(owner):
    entry = await added(owner, "allergies", PENICILLIN)
    assert entry["substance"] == "Pénicilline" and entry["severity"] == "SEVERE"
    assert entry["criticality"] == "HIGH" and entry["onsetDate"] == "2004-02-10"
    assert entry["provenance"]["createdBy"]["name"] == "Camille MARTIN"
    assert (await own_page(owner, "allergies"))["items"] == [entry]


async def test_criticality_can_be_unable_to_assess(owner):
    entry = await added(owner, "allergies", {"substance": "Latex",
                                             "criticality": "UNABLE_TO_ASSESS"})
    assert entry["criticality"] == "UNABLE_TO_ASSESS" and entry["severity"] is None


async def test_owner_updates_an_allergy(owner):
    entry = await added(owner, "allergies", PENICILLIN)
    body = await update(owner, "allergies", entry["id"],
                        {"severity": "MODERATE", "substance": "  Amoxicilline "})
    changed = body["data"]["updateAllergy"]["allergy"]
    assert changed["severity"] == "MODERATE" and changed["substance"] == "Amoxicilline"
    assert changed["reaction"] == "Urticaire géante"
    assert (await own_page(owner, "allergies"))["items"] == [changed]


async def test_owner_removes_an_allergy(owner):
    entry = await added(owner, "allergies", PENICILLIN)
    body = await remove(owner, "allergies", entry["id"])
    assert body["data"]["removeAllergy"]["removedId"] == entry["id"]
    assert (await own_page(owner, "allergies"))["items"] == []


async def test_an_empty_substance_is_refused_and_nothing_is_saved(owner):
    body = await add(owner, "allergies", {**PENICILLIN, "substance": "  "})
    payload = body["data"]["addAllergy"]
    assert payload["allergy"] is None
    assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [("substance", "REQUIRED")]
    assert (await own_page(owner, "allergies"))["totalCount"] == 0


async def test_clearing_the_substance_of_an_allergy_is_refused(owner):
    entry = await added(owner, "allergies", PENICILLIN)
    body = await update(owner, "allergies", entry["id"], {"substance": None})
    assert [e["code"] for e in body["data"]["updateAllergy"]["userErrors"]] == ["REQUIRED"]
    assert (await own_page(owner, "allergies"))["items"] == [entry]


async def test_an_allergy_starting_in_the_future_is_refused(owner):
    next_week = (today() + timedelta(days=7)).isoformat()
    body = await add(owner, "allergies", {**PENICILLIN, "onsetDate": next_week})
    errors = body["data"]["addAllergy"]["userErrors"]
    assert [(e["field"], e["code"]) for e in errors] == [("onsetDate", "DATE_IN_FUTURE")]
    assert (await own_page(owner, "allergies"))["totalCount"] == 0


async def test_an_overlong_reaction_is_refused_with_its_limit(owner):
    body = await add(owner, "allergies", {**PENICILLIN, "reaction": "x" * 501})
    error = body["data"]["addAllergy"]["userErrors"][0]
    assert error["code"] == "TOO_LONG" and "500" in error["message"]
