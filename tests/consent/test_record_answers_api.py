"""Every answer about a record goes through the policy: the name, the children a parent
manages, the professional's list of patients."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from api import clock
from api.audit.models import AccessEvent
from api.identity.models import Role
from tests.consent.support import GRANT, codes, error_at, pid, session
from tests.factories import make_account, make_patient, make_professional

NAME = """query($id: ID!) { patient(id: $id) { id displayName } }"""
CHILDREN = "{ me { represented { id displayName } } }"
MY_PATIENTS = "{ patients { items { id displayName } } }"
NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


async def test_an_expired_grant_no_longer_shows_the_name(client, settings, db):
    patient = await make_patient(first_names="Lou", birth_name="MOREL")
    nurse = await make_professional("nurse")
    owner = await session(client, settings, patient)
    with clock.frozen_at(NOW):
        await owner(GRANT, patientId=pid(patient), professionalId=pid(nurse),
                    sections=["IDENTITY"], expiresAt=(NOW + timedelta(days=1)).isoformat())
    reader = await session(client, settings, nurse)
    with clock.frozen_at(NOW + timedelta(hours=1)):
        during = await reader(NAME, id=pid(patient))
    with clock.frozen_at(NOW + timedelta(days=1)):
        after = await reader(NAME, id=pid(patient))
    assert during["data"]["patient"] == {"id": pid(patient), "displayName": "Lou MOREL"}
    assert after["data"]["patient"] == {"id": pid(patient), "displayName": None}
    error = error_at(after, "patient", "displayName")
    assert error is not None
    assert (error["extensions"]["code"], error["extensions"]["reason"]) == (
        "CONSENT_REQUIRED", "grant_expired")


async def test_a_grant_without_identity_does_not_show_the_name(client, settings, db):
    patient = await make_patient(birth_name="MOREL")
    nurse = await make_professional("nurse")
    owner = await session(client, settings, patient)
    await owner(GRANT, patientId=pid(patient), professionalId=pid(nurse), sections=["ALLERGIES"])
    reader = await session(client, settings, nurse)
    body = await reader(NAME, id=pid(patient))
    assert body["data"]["patient"]["displayName"] is None
    assert codes(body) == ["CONSENT_REQUIRED"]
    listed = await reader(MY_PATIENTS)
    assert listed["data"]["patients"]["items"] == [{"id": pid(patient), "displayName": None}]
    assert "MOREL" not in repr(listed)


async def test_a_name_shown_to_a_professional_is_in_the_access_history(client, settings, db):
    patient = await make_patient()
    nurse = await make_professional("nurse")
    owner = await session(client, settings, patient)
    await owner(GRANT, patientId=pid(patient), professionalId=pid(nurse), sections=["IDENTITY"])
    await (await session(client, settings, nurse))(MY_PATIENTS)
    [event] = await AccessEvent.filter(patient_id=patient.id)
    assert (event.basis.value, event.sections, event.actions) == ("grant", "identity", "read")


async def test_a_stranger_learns_nothing(client, settings, db):
    patient = await make_patient(birth_name="MOREL")
    body = await (await session(client, settings, await make_professional()))(
        NAME, id=pid(patient))
    missing = await (await session(client, settings, await make_professional()))(
        NAME, id="987654")
    assert body["data"] == missing["data"] == {"patient": None}
    assert body["errors"][0]["message"] == missing["errors"][0]["message"]
    assert codes(body) == ["NOT_FOUND"]


async def test_a_child_leaves_the_parents_list_on_their_18th_birthday(client, settings, db):
    parent = await make_account(Role.PATIENT)
    child = await make_patient(account=False, first_names="Zoé", birth_date=date(2008, 6, 1),
                               guardian=parent)
    younger = await make_patient(account=False, first_names="Léo",
                                 birth_date=date(2012, 2, 3), guardian=parent)
    me = await session(client, settings, parent)
    with clock.frozen_at(datetime(2026, 5, 31, 23, 59, tzinfo=UTC)):
        before = await me(CHILDREN)
    with clock.frozen_at(datetime(2026, 6, 1, 0, 0, tzinfo=UTC)):
        after = await me(CHILDREN)
        record = await me(NAME, id=pid(child))
    assert before["data"]["me"]["represented"] == [
        {"id": pid(child), "displayName": "Zoé TESTON"},
        {"id": pid(younger), "displayName": "Léo TESTON"}]
    assert after["data"]["me"]["represented"] == [
        {"id": pid(younger), "displayName": "Léo TESTON"}]
    assert record["data"]["patient"]["displayName"] is None
    assert error_at(record, "patient", "displayName")["extensions"]["reason"] == (
        "representative_ended")
