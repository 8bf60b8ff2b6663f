"""Finding people: a patient by INS and birth date, a professional's patients, the directory."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from api import clock
from api.consent.handles import patient_for_handle
from api.consent.lookup import MAX_FAILED_LOOKUPS
from api.consent.models import Grant
from api.identity.ins import nir_key
from tests.consent.support import BLOCK, DESIGNATE, GRANT, REVOKE, codes, pid, session
from tests.consent.throttling import lookup_misses
from tests.factories import make_patient, make_professional

FIND = """query($ins: String!, $birthDate: Date!) {
  findPatient(ins: $ins, birthDate: $birthDate) { handle patient { id displayName } } }"""
PATIENTS = """query($first: Int, $after: String) { patients(first: $first, after: $after) {
  totalCount items { id } pageInfo { hasNextPage endCursor } } }"""
DIRECTORY = """query($search: String!, $profession: Profession, $city: String, $first: Int,
                     $after: String) {
  professionals(search: $search, profession: $profession, city: $city, first: $first,
                after: $after) {
    totalCount items { lastName profession practiceCity } pageInfo { hasNextPage endCursor }
  } }"""
HISTORY = """query($p: ID!) { accessHistory(patientId: $p) {
  items { viewerName basis sections actions requestKind } } }"""
BIRTH = date(1980, 1, 1)
NOW = datetime(2026, 5, 4, 10, 0, tzinfo=UTC)


def ins(patient) -> str:
    return f"{patient.ins_nir} {patient.ins_key}"


async def test_a_stranger_gets_a_handle_to_deposit_but_no_record_and_no_name(
        client, settings, db):
    patient = await make_patient(first_names="Lou Anne", birth_name="MOREL")
    nurse = await make_professional("nurse")
    reader = await session(client, settings, nurse)
    body = await reader(FIND, ins=ins(patient), birthDate=BIRTH.isoformat())
    assert "errors" not in body
    found = body["data"]["findPatient"]
    assert found["patient"] is None
    assert found["handle"] != pid(patient) and len(found["handle"]) >= 40
    assert "MOREL" not in repr(body)
    # The handle names the patient for this professional only.
    handle = found["handle"]
    assert (await patient_for_handle(settings.secret_key, handle, (await nurse.account).id)
            ).id == patient.id
    other = await make_professional("nurse")
    assert await patient_for_handle(settings.secret_key, handle, (await other.account).id) is None


async def test_a_handle_lasts_one_hour(client, settings, db):
    patient, nurse = await make_patient(), await make_professional("nurse")
    reader = await session(client, settings, nurse)
    with clock.frozen_at(NOW):
        body = await reader(FIND, ins=ins(patient), birthDate=BIRTH.isoformat())
    handle, account_id = body["data"]["findPatient"]["handle"], (await nurse.account).id
    with clock.frozen_at(NOW + timedelta(minutes=59)):
        assert await patient_for_handle(settings.secret_key, handle, account_id) is not None
    with clock.frozen_at(NOW + timedelta(hours=1)):
        assert await patient_for_handle(settings.secret_key, handle, account_id) is None


async def test_the_name_comes_only_with_a_relation_covering_identity(client, settings, db):
    patient = await make_patient(first_names="Lou Anne", birth_name="MOREL")
    nurse = await make_professional("nurse")
    owner = await session(client, settings, patient)
    await owner(GRANT, patientId=pid(patient), professionalId=pid(nurse), sections=["ALLERGIES"])
    reader = await session(client, settings, nurse)
    without = await reader(FIND, ins=ins(patient), birthDate=BIRTH.isoformat())
    assert without["data"]["findPatient"]["patient"] == {"id": pid(patient), "displayName": None}
    assert codes(without) == ["CONSENT_REQUIRED"]
    await owner(GRANT, patientId=pid(patient), professionalId=pid(nurse),
                sections=["IDENTITY", "ALLERGIES"])
    named = await reader(FIND, ins=ins(patient), birthDate=BIRTH.isoformat())
    assert named["data"]["findPatient"]["patient"] == {"id": pid(patient),
                                                       "displayName": "Lou MOREL"}
    [grant] = [g for g in await Grant.filter(patient_id=patient.id) if g.revoked_at is None]
    grant.expires_at = clock.now() - timedelta(seconds=1)
    await grant.save(update_fields=["expires_at"])
    ended = await reader(FIND, ins=ins(patient), birthDate=BIRTH.isoformat())
    assert ended["data"]["findPatient"]["patient"] == {"id": pid(patient), "displayName": None}
    assert codes(ended) == ["CONSENT_REQUIRED"]


async def test_each_successful_lookup_is_in_the_patients_access_history(client, settings, db):
    patient = await make_patient()
    nurse = await make_professional("nurse", last_name="PETIT")
    reader = await session(client, settings, nurse)
    await reader(FIND, ins=ins(patient), birthDate=BIRTH.isoformat())
    await reader(FIND, ins=ins(patient), birthDate="1999-09-09")  # a miss: nothing to log
    body = await (await session(client, settings, patient))(HISTORY, p=pid(patient))
    assert body["data"]["accessHistory"]["items"] == [
        {"viewerName": "Test PETIT", "basis": "DEPOSIT", "sections": ["IDENTITY"],
         "actions": ["READ"], "requestKind": "GRAPHQL"}]


async def test_every_miss_is_the_same_not_found(client, settings, db):
    patient = await make_patient()
    someone_else = await make_patient(birth_date=date(1990, 2, 3))
    professional = await make_professional("nurse")
    nurse = await session(client, settings, professional)
    wrong_date = await nurse(FIND, ins=ins(patient), birthDate="1980-01-02")
    # Another patient's birth date with this INS: one trait matches, each for someone.
    other_birth = await nurse(FIND, ins=ins(patient),
                              birthDate=someone_else.birth_date.isoformat())
    unknown = await nurse(FIND, ins="2800175999999" + nir_key("2800175999999"),
                          birthDate="1980-01-01")
    assert codes(wrong_date) == codes(other_birth) == codes(unknown) == ["NOT_FOUND"]
    messages = {b["errors"][0]["message"] for b in (wrong_date, other_birth, unknown)}
    assert len(messages) == 1
    assert await lookup_misses(settings, (await professional.account).id) == 3


async def test_a_blocked_professional_cannot_find_the_patient(client, settings, db):
    patient, nurse = await make_patient(), await make_professional("nurse")
    await (await session(client, settings, patient))(
        BLOCK, patientId=pid(patient), professionalId=pid(nurse))
    body = await (await session(client, settings, nurse))(FIND, ins=ins(patient),
                                                           birthDate=BIRTH.isoformat())
    assert codes(body) == ["NOT_FOUND"]


async def test_a_malformed_ins_is_a_clear_error_that_costs_no_attempt(client, settings, db):
    nurse = await make_professional("nurse")
    reader = await session(client, settings, nurse)
    too_short = await reader(FIND, ins="12345", birthDate="1980-01-01")
    wrong_key = await reader(FIND, ins="2800175999999" + "00", birthDate="1980-01-01")
    assert codes(too_short) == codes(wrong_key) == ["BAD_INS"]
    assert await lookup_misses(settings, (await nurse.account).id) == 0


async def test_patients_cannot_look_others_up(client, settings, db):
    patient = await make_patient()
    someone = await session(client, settings, await make_patient())
    body = await someone(FIND, ins=ins(patient), birthDate=BIRTH.isoformat())
    assert codes(body) == ["PROFESSIONALS_ONLY"]


async def test_lookups_stop_after_twenty_misses_an_hour(client, settings, db):
    patient, nurse = await make_patient(), await make_professional("nurse")
    reader = await session(client, settings, nurse)
    with clock.frozen_at(NOW):
        for _ in range(MAX_FAILED_LOOKUPS):
            miss = await reader(FIND, ins=ins(patient), birthDate="1999-09-09")
            assert codes(miss) == ["NOT_FOUND"]
        refused = await reader(FIND, ins=ins(patient), birthDate=BIRTH.isoformat())
    assert codes(refused) == ["TOO_MANY_LOOKUPS"]
    # The wait is the lock's own, not a blanket hour: 15 minutes after the 20th miss.
    assert refused["errors"][0]["extensions"]["retryAfterSeconds"] == 15 * 60
    with clock.frozen_at(NOW + timedelta(hours=1, seconds=1)):
        later = await reader(FIND, ins=ins(patient), birthDate=BIRTH.isoformat())
    assert later["data"]["findPatient"]["handle"]
    # Another professional is not slowed down by someone else's misses.
    colleague = await session(client, settings, await make_professional())
    with clock.frozen_at(NOW):
        found = await colleague(FIND, ins=ins(patient), birthDate=BIRTH.isoformat())
    assert found["data"]["findPatient"]["handle"]


async def test_professional_lists_patients_with_a_live_grant_or_designation(
        client, settings, db):
    doctor = await make_professional()
    granted, designated, revoked, blocked, unrelated = [await make_patient() for _ in range(5)]
    for patient in (granted, revoked, blocked):
        owner = await session(client, settings, patient)
        body = await owner(GRANT, patientId=pid(patient), professionalId=pid(doctor),
                           sections=["IDENTITY"])
        if patient is revoked:
            await owner(REVOKE, grantId=body["data"]["grantAccess"]["grant"]["id"])
        if patient is blocked:
            await owner(BLOCK, patientId=pid(patient), professionalId=pid(doctor))
    await (await session(client, settings, designated))(
        DESIGNATE, patientId=pid(designated), professionalId=pid(doctor))
    reader = await session(client, settings, doctor)
    first = (await reader(PATIENTS, first=1))["data"]["patients"]
    assert first["totalCount"] == 2
    assert first["items"] == [{"id": pid(granted)}]
    assert first["pageInfo"]["hasNextPage"] is True
    rest = (await reader(PATIENTS, first=1, after=first["pageInfo"]["endCursor"]))
    assert rest["data"]["patients"]["items"] == [{"id": pid(designated)}]
    assert rest["data"]["patients"]["pageInfo"]["hasNextPage"] is False
    assert unrelated.id not in {granted.id, designated.id}


async def test_directory_search_by_name_profession_and_city(client, settings, db):
    await make_professional("physician", last_name="BERNARD", city="Lyon")
    await make_professional("nurse", last_name="BERNARDIN", city="Paris")
    await make_professional("physician", last_name="PETIT", city="Lyon")
    patient = await session(client, settings, await make_patient())
    by_name = (await patient(DIRECTORY, search="bern"))["data"]["professionals"]
    assert [p["lastName"] for p in by_name["items"]] == ["BERNARD", "BERNARDIN"]
    nurses = (await patient(DIRECTORY, search="bern", profession="NURSE"))["data"]
    assert [p["lastName"] for p in nurses["professionals"]["items"]] == ["BERNARDIN"]
    in_lyon = (await patient(DIRECTORY, search="bern", city="lyon"))["data"]
    assert [p["lastName"] for p in in_lyon["professionals"]["items"]] == ["BERNARD"]
    two_words = (await patient(DIRECTORY, search="test bernardin"))["data"]
    assert [p["lastName"] for p in two_words["professionals"]["items"]] == ["BERNARDIN"]


async def test_directory_pages_through_results(client, settings, db):
    for n in range(3):
        await make_professional(last_name=f"DURAND{n}")
    patient = await session(client, settings, await make_patient())
    page = (await patient(DIRECTORY, search="durand", first=2))["data"]["professionals"]
    assert [p["lastName"] for p in page["items"]] == ["DURAND0", "DURAND1"]
    assert page["totalCount"] == 3 and page["pageInfo"]["hasNextPage"] is True
    rest = (await patient(DIRECTORY, search="durand", first=2,
                          after=page["pageInfo"]["endCursor"]))["data"]["professionals"]
    assert [p["lastName"] for p in rest["items"]] == ["DURAND2"]
    assert rest["pageInfo"]["hasNextPage"] is False


async def test_directory_needs_two_characters(client, settings, db):
    patient = await session(client, settings, await make_patient())
    assert codes(await patient(DIRECTORY, search=" b ")) == ["SEARCH_TOO_SHORT"]


async def test_directory_needs_a_signed_in_viewer(client, settings, db):
    body = (await client.post("/graphql", json={
        "query": DIRECTORY, "variables": {"search": "bernard"}})).json()
    assert codes(body) == ["UNAUTHENTICATED"]
