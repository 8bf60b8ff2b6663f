"""The treating doctor, blocking, and the emergency opposition setting, through GraphQL."""

from __future__ import annotations

from api.consent.models import Block, ConsentSettings, TreatingDoctor
from tests.consent.support import (
    BLOCK,
    DESIGNATE,
    GRANT,
    OPPOSE,
    RECORD,
    REVOKE,
    UNBLOCK,
    codes,
    pid,
    session,
    user_error_codes,
)
from tests.factories import make_patient, make_professional

REMOVE = """mutation($p: ID!) { removeTreatingDoctor(patientId: $p) {
  done userErrors { field code } } }"""
ALLERGIES = """query($id: ID!) { patient(id: $id) { allergies { totalCount } } }"""
GRANTS = """query($p: ID!) { grants(patientId: $p) {
  items { status revokedAt revokedReason } } }"""
SETTINGS = """query($p: ID!) {
  treatingDoctor(patientId: $p) { professional { id lastName } }
  blockedProfessionals(patientId: $p) { professional { id } }
  emergencyAccessOpposed(patientId: $p)
}"""


async def test_treating_doctor_reads_every_section(client, settings, db):
    patient, doctor = await make_patient(birth_name="ROUX"), await make_professional()
    owner = await session(client, settings, patient)
    payload = (await owner(DESIGNATE, patientId=pid(patient), professionalId=pid(doctor))
               )["data"]["designateTreatingDoctor"]
    assert payload["userErrors"] == []
    assert payload["treatingDoctor"]["professional"]["id"] == pid(doctor)
    body = await (await session(client, settings, doctor))(RECORD, id=pid(patient))
    assert "errors" not in body
    record = body["data"]["patient"]
    assert record["identity"] == {"birthName": "ROUX"}
    assert record["history"] == record["allergies"] == {"totalCount": 0}


async def test_a_new_treating_doctor_replaces_the_previous_one(client, settings, db):
    patient = await make_patient()
    first, second = await make_professional(), await make_professional(last_name="NOUVEAU")
    owner = await session(client, settings, patient)
    await owner(DESIGNATE, patientId=pid(patient), professionalId=pid(first))
    await owner(DESIGNATE, patientId=pid(patient), professionalId=pid(second))
    body = await owner(SETTINGS, p=pid(patient))
    assert body["data"]["treatingDoctor"]["professional"]["lastName"] == "NOUVEAU"
    previous = await (await session(client, settings, first))(RECORD, id=pid(patient))
    assert codes(previous) == ["NOT_FOUND"]


async def test_only_a_physician_can_be_treating_doctor(client, settings, db):
    patient, nurse = await make_patient(), await make_professional("nurse")
    owner = await session(client, settings, patient)
    payload = (await owner(DESIGNATE, patientId=pid(patient), professionalId=pid(nurse))
               )["data"]["designateTreatingDoctor"]
    assert payload["treatingDoctor"] is None
    assert user_error_codes(payload) == ["NOT_A_PHYSICIAN"]
    assert await TreatingDoctor.all().count() == 0


async def test_designating_an_unknown_or_blocked_professional_is_refused(client, settings, db):
    patient, doctor = await make_patient(), await make_professional()
    owner = await session(client, settings, patient)
    unknown = await owner(DESIGNATE, patientId=pid(patient), professionalId="424242")
    assert user_error_codes(unknown["data"]["designateTreatingDoctor"]) == [
        "PROFESSIONAL_NOT_FOUND"]
    await owner(BLOCK, patientId=pid(patient), professionalId=pid(doctor))
    blocked = await owner(DESIGNATE, patientId=pid(patient), professionalId=pid(doctor))
    assert user_error_codes(blocked["data"]["designateTreatingDoctor"]) == [
        "PROFESSIONAL_BLOCKED"]


async def test_removing_the_treating_doctor_ends_their_access(client, settings, db):
    patient, doctor = await make_patient(), await make_professional()
    owner = await session(client, settings, patient)
    await owner(DESIGNATE, patientId=pid(patient), professionalId=pid(doctor))
    removed = (await owner(REMOVE, p=pid(patient)))["data"]["removeTreatingDoctor"]
    assert removed == {"done": True, "userErrors": []}
    again = (await owner(REMOVE, p=pid(patient)))["data"]["removeTreatingDoctor"]
    assert again["done"] is False
    assert [e["code"] for e in again["userErrors"]] == ["NO_TREATING_DOCTOR"]
    body = await (await session(client, settings, doctor))(RECORD, id=pid(patient))
    assert codes(body) == ["NOT_FOUND"]


async def test_a_block_ends_the_treating_doctor_designation_for_good(client, settings, db):
    patient, doctor = await make_patient(), await make_professional()
    owner = await session(client, settings, patient)
    await owner(DESIGNATE, patientId=pid(patient), professionalId=pid(doctor))
    blocked = (await owner(BLOCK, patientId=pid(patient), professionalId=pid(doctor))
               )["data"]["blockProfessional"]
    assert blocked["userErrors"] == []
    assert blocked["blockedProfessional"]["professional"]["id"] == pid(doctor)
    reader = await session(client, settings, doctor)
    assert codes(await reader(RECORD, id=pid(patient))) == ["NOT_FOUND"]
    assert (await owner(SETTINGS, p=pid(patient)))["data"]["treatingDoctor"] is None
    unblocked = (await owner(UNBLOCK, patientId=pid(patient), professionalId=pid(doctor))
                 )["data"]["unblockProfessional"]
    assert unblocked == {"done": True, "userErrors": []}
    # Unblocking restores nothing: the doctor is a stranger again.
    assert codes(await reader(RECORD, id=pid(patient))) == ["NOT_FOUND"]
    assert (await owner(SETTINGS, p=pid(patient)))["data"]["treatingDoctor"] is None


async def test_a_block_ends_the_grants_and_unblocking_restores_none(client, settings, db):
    patient, nurse = await make_patient(), await make_professional("nurse")
    owner = await session(client, settings, patient)
    await owner(GRANT, patientId=pid(patient), professionalId=pid(nurse),
                sections=["ALLERGIES"])
    reader = await session(client, settings, nurse)
    assert "errors" not in await reader(ALLERGIES, id=pid(patient))
    await owner(BLOCK, patientId=pid(patient), professionalId=pid(nurse))
    await owner(UNBLOCK, patientId=pid(patient), professionalId=pid(nurse))
    after = await reader(ALLERGIES, id=pid(patient))
    assert after["data"]["patient"]["allergies"] is None
    assert after["errors"][0]["extensions"]["reason"] == "grant_revoked"
    [grant] = (await owner(GRANTS, p=pid(patient)))["data"]["grants"]["items"]
    assert (grant["status"], grant["revokedReason"]) == ("REVOKED", "BLOCKED")
    assert grant["revokedAt"] is not None


async def test_a_grant_withdrawn_by_the_patient_says_so(client, settings, db):
    patient, nurse = await make_patient(), await make_professional("nurse")
    owner = await session(client, settings, patient)
    given = await owner(GRANT, patientId=pid(patient), professionalId=pid(nurse),
                        sections=["ALLERGIES"])
    await owner(REVOKE, grantId=given["data"]["grantAccess"]["grant"]["id"])
    [grant] = (await owner(GRANTS, p=pid(patient)))["data"]["grants"]["items"]
    assert (grant["status"], grant["revokedReason"]) == ("REVOKED", "REVOKED")


async def test_blocking_twice_keeps_one_block(client, settings, db):
    patient, dentist = await make_patient(), await make_professional("dentist")
    owner = await session(client, settings, patient)
    await owner(BLOCK, patientId=pid(patient), professionalId=pid(dentist))
    again = await owner(BLOCK, patientId=pid(patient), professionalId=pid(dentist))
    assert again["data"]["blockProfessional"]["userErrors"] == []
    assert await Block.filter(patient_id=patient.id).count() == 1
    listed = (await owner(SETTINGS, p=pid(patient)))["data"]["blockedProfessionals"]
    assert listed == [{"professional": {"id": pid(dentist)}}]


async def test_unblocking_someone_not_blocked_or_unknown_is_a_user_error(client, settings, db):
    patient, dentist = await make_patient(), await make_professional("dentist")
    owner = await session(client, settings, patient)
    body = await owner(UNBLOCK, patientId=pid(patient), professionalId=pid(dentist))
    assert user_error_codes(body["data"]["unblockProfessional"]) == ["NOT_BLOCKED"]
    unknown = await owner(UNBLOCK, patientId=pid(patient), professionalId="777777")
    assert user_error_codes(unknown["data"]["unblockProfessional"]) == [
        "PROFESSIONAL_NOT_FOUND"]
    block_unknown = await owner(BLOCK, patientId=pid(patient), professionalId="777777")
    assert user_error_codes(block_unknown["data"]["blockProfessional"]) == [
        "PROFESSIONAL_NOT_FOUND"]


async def test_patient_opposes_and_accepts_emergency_access_again(client, settings, db):
    patient = await make_patient()
    owner = await session(client, settings, patient)
    assert (await owner(SETTINGS, p=pid(patient)))["data"]["emergencyAccessOpposed"] is False
    opposed = await owner(OPPOSE, patientId=pid(patient), opposed=True)
    assert opposed["data"]["setEmergencyAccessOpposition"]["emergencyAccessOpposed"] is True
    assert (await owner(SETTINGS, p=pid(patient)))["data"]["emergencyAccessOpposed"] is True
    await owner(OPPOSE, patientId=pid(patient), opposed=False)
    assert (await owner(SETTINGS, p=pid(patient)))["data"]["emergencyAccessOpposed"] is False
    assert await ConsentSettings.filter(patient_id=patient.id).count() == 1


async def test_treating_doctor_cannot_change_the_patients_consent(client, settings, db):
    patient, doctor = await make_patient(), await make_professional()
    colleague = await make_professional()
    owner = await session(client, settings, patient)
    await owner(DESIGNATE, patientId=pid(patient), professionalId=pid(doctor))
    pro = await session(client, settings, doctor)
    for query, variables in [
        (DESIGNATE, {"patientId": pid(patient), "professionalId": pid(colleague)}),
        (BLOCK, {"patientId": pid(patient), "professionalId": pid(colleague)}),
        (OPPOSE, {"patientId": pid(patient), "opposed": True}),
        (REMOVE, {"p": pid(patient)}),
        (SETTINGS, {"p": pid(patient)}),
    ]:
        assert "CONSENT_REQUIRED" in codes(await pro(query, **variables))
    designation = await TreatingDoctor.get(patient_id=patient.id)
    assert designation.professional_id == doctor.id
    assert await Block.all().count() == 0
