"""Directory entries without an account: blockable, but never granted nor treating doctor."""

from __future__ import annotations

from tests.consent.support import BLOCK, DESIGNATE, GRANT, pid, session, user_error_codes
from tests.factories import make_patient
from tests.identity.directory_support import entry


async def test_a_professional_without_an_account_cannot_be_granted_access(client, settings, db):
    patient, nurse = await make_patient(), await entry("99000000029", "DUBOIS", "Jean", "nurse")
    owner = await session(client, settings, patient)
    body = await owner(GRANT, patientId=pid(patient), professionalId=pid(nurse),
                       sections=["ALLERGIES"])
    payload = body["data"]["grantAccess"]
    assert payload["grant"] is None
    assert user_error_codes(payload) == ["PROFESSIONAL_NOT_ON_CARNET"]
    assert "compte Carnet" in payload["userErrors"][0]["message"]


async def test_a_doctor_without_an_account_cannot_be_the_treating_doctor(client, settings, db):
    patient, doctor = await make_patient(), await entry("99000000011", "LEFÈVRE", "Éloïse")
    owner = await session(client, settings, patient)
    body = await owner(DESIGNATE, patientId=pid(patient), professionalId=pid(doctor))
    assert user_error_codes(body["data"]["designateTreatingDoctor"]) == [
        "PROFESSIONAL_NOT_ON_CARNET"]


async def test_a_professional_without_an_account_can_be_blocked_in_advance(client, settings, db):
    patient, doctor = await make_patient(), await entry("99000000011", "LEFÈVRE", "Éloïse")
    owner = await session(client, settings, patient)
    body = await owner(BLOCK, patientId=pid(patient), professionalId=pid(doctor))
    payload = body["data"]["blockProfessional"]
    assert payload["userErrors"] == []
    assert payload["blockedProfessional"]["professional"]["id"] == pid(doctor)
