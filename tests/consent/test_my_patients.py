"""`myPatients` and `sharedRecord`: what a professional may do in each record shared with
them, as the policy decides it (grant ∩ profession matrix), and when they last opened it."""

from __future__ import annotations

import pytest

from api import clock
from api.consent.models import Block
from api.consent.sections import Section as S
from api.identity.models import Account
from tests.factories import graphql, sign_in
from tests.web.pro.support import grant, patient, signed_pro, treating

SHARED = """query($id: ID!) { sharedRecord(patientId: $id) {
  readableSections writableSections treatingDoctor accessUntil
  sections { section read write endedAt } } }"""
MINE = """{ myPatients { totalCount items { patient { id } readableSections writableSections
  treatingDoctor lastAccessedByMe } } }"""
READ_ALLERGIES = "query($id: ID!) { patient(id: $id) { allergies { totalCount } } }"


@pytest.mark.parametrize(("profession", "granted", "write", "readable", "writable"), [
    ("physician", [S.ALLERGIES, S.DIRECTIVES], False, ["ALLERGIES", "DIRECTIVES"], []),
    ("physician", [S.ALLERGIES, S.HISTORY], True, ["HISTORY", "ALLERGIES"],
     ["HISTORY", "ALLERGIES"]),
    # A dentist never reads advance directives, whatever the grant says.
    ("dentist", [S.ALLERGIES, S.DIRECTIVES], False, ["ALLERGIES"], []),
])
async def test_what_a_professional_may_do_is_the_grant_within_the_matrix(
        client, settings, profession, granted, write, readable, writable):
    pro = await signed_pro(client, settings.secret_key, profession)
    someone = await patient()
    await grant(someone, pro.professional, *granted, write=write)
    body = await graphql(client, pro.csrf, SHARED, {"id": str(someone.id)})
    shared = body["data"]["sharedRecord"]  # type: ignore[index]
    assert shared["readableSections"] == readable
    assert shared["writableSections"] == writable
    assert shared["treatingDoctor"] is False and shared["accessUntil"]


async def test_a_record_out_of_reach_is_not_found_whatever_the_reason(client, settings):
    pro = await signed_pro(client, settings.secret_key)
    stranger, blocker = await patient(), await patient()
    await grant(blocker, pro.professional, S.ALLERGIES)
    await Block.create(patient_id=blocker.id, professional_id=pro.professional.id,
                       created_at=clock.now())
    for patient_id in (str(stranger.id), str(blocker.id), "999999"):
        body = await graphql(client, pro.csrf, SHARED, {"id": patient_id})
        assert body["data"]["sharedRecord"] is None  # type: ignore[index]
        assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"  # type: ignore[index]


async def test_an_expired_grant_says_when_each_of_its_sections_ended(client, settings):
    pro = await signed_pro(client, settings.secret_key)
    someone = await patient()
    ended = await grant(someone, pro.professional, S.ALLERGIES, days=-2)
    body = await graphql(client, pro.csrf, SHARED, {"id": str(someone.id)})
    shared = body["data"]["sharedRecord"]  # type: ignore[index]
    assert shared["readableSections"] == [] and shared["accessUntil"] is None
    by_section = {s["section"]: s for s in shared["sections"]}
    assert by_section["ALLERGIES"]["endedAt"].startswith(ended.expires_at.date().isoformat())
    assert by_section["HISTORY"]["endedAt"] is None


async def test_my_last_access_is_what_i_read_beyond_the_name(client, settings):
    pro = await signed_pro(client, settings.secret_key)
    someone = await patient()
    await grant(someone, pro.professional, S.IDENTITY, S.ALLERGIES)
    await treating(await patient(), pro.professional)
    body = await graphql(client, pro.csrf, MINE)
    page = body["data"]["myPatients"]  # type: ignore[index]
    assert page["totalCount"] == 2
    assert all(item["lastAccessedByMe"] is None for item in page["items"])
    await graphql(client, pro.csrf, READ_ALLERGIES, {"id": str(someone.id)})
    body = await graphql(client, pro.csrf, MINE)
    items = body["data"]["myPatients"]["items"]  # type: ignore[index]
    assert items[0]["patient"]["id"] == str(someone.id) and items[0]["lastAccessedByMe"]
    assert items[1]["lastAccessedByMe"] is None and items[1]["treatingDoctor"] is True


async def test_a_patient_has_no_patients(client, settings):
    someone = await patient()
    token = await sign_in(client, await Account.get(id=someone.account_id), settings.secret_key)
    body = await graphql(client, token, MINE)
    assert body["data"]["myPatients"]["totalCount"] == 0  # type: ignore[index]


async def test_pages_of_my_patients_follow_each_other_without_gaps(client, settings):
    pro = await signed_pro(client, settings.secret_key)
    ids = []
    for n in range(5):  # never opened: the most recently shared comes first
        someone = await patient(f"P{n}")
        await grant(someone, pro.professional, S.ALLERGIES, created_days_ago=n)
        ids.append(str(someone.id))
    seen: list[str] = []
    after = None
    query = """query($after: String) { myPatients(first: 2, after: $after) {
      pageInfo { hasNextPage endCursor } items { patient { id } } } }"""
    while True:
        body = await graphql(client, pro.csrf, query, {"after": after})
        page = body["data"]["myPatients"]  # type: ignore[index]
        seen += [item["patient"]["id"] for item in page["items"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == ids
