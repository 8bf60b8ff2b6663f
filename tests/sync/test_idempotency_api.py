"""Create mutations with an idempotency key: a retry never duplicates what was written."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from api import clock
from api.consent.sections import Section
from api.records.documents.models import Document
from api.records.documents.samples import pdf
from api.records.entries.models import Allergy, HistoryEntry, Treatment, Vaccination
from api.records.measurements.models import Measurement
from api.sync.models import Change, IdempotencyKey
from tests.consent.support import session
from tests.factories import make_patient, make_professional
from tests.records.documents.helpers import PDF_BYTES, stored_files
from tests.records.entries.helpers import SECTIONS
from tests.sync.support import ADD_ALLERGY, ADD_MEASUREMENT, codes, grant, upload

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ENTRY_INPUTS: dict[str, tuple[Any, dict[str, Any]]] = {
    "history": (HistoryEntry, {"kind": "CONDITION", "code": "J45.9"}),
    "allergies": (Allergy, {"substance": "Pénicilline", "reaction": "Urticaire"}),
    "treatments": (Treatment, {"medication": "Ventoline", "dose": "2 bouffées"}),
    "vaccinations": (Vaccination, {"vaccineCode": "INFLUENZA", "date": "2025-10-15"}),
}


async def _add_entry(owner: Any, section: str, values: dict[str, Any], key: str | None,
                     patient_id: int | None = None) -> dict[str, Any]:
    api = SECTIONS[section]
    query = (
        f"mutation($input: Add{api.type_name}Input!, $key: String) "
        f"{{ add{api.type_name}(input: $input, idempotencyKey: $key) "
        f"{{ {api.payload_field} {{ {api.fields} }} userErrors {{ field code }} }} }}")
    return await owner(query, input={"patientId": str(patient_id), **values}, key=key)


@pytest.mark.parametrize("section", list(ENTRY_INPUTS))
async def test_an_entry_sent_twice_with_one_key_is_written_once_and_answered_the_same(
        client, settings, db, section):
    model, values = ENTRY_INPUTS[section]
    patient = await make_patient()
    owner = await session(client, settings, patient)
    first = await _add_entry(owner, section, values, "retry-1", patient.id)
    again = await _add_entry(owner, section, values, "retry-1", patient.id)
    assert "errors" not in first and "errors" not in again, (first, again)
    assert again["data"] == first["data"]
    assert await model.filter(patient_id=patient.id).count() == 1
    assert await Change.filter(patient_id=patient.id).count() == 1


async def test_without_a_key_each_request_creates_as_before(client, settings, db):
    patient = await make_patient()
    owner = await session(client, settings, patient)
    for _ in range(2):
        body = await owner(ADD_ALLERGY, input={"patientId": str(patient.id), "substance": "Lait"})
        assert body["data"]["addAllergy"]["userErrors"] == []
    assert await Allergy.filter(patient_id=patient.id).count() == 2
    assert await IdempotencyKey.all().count() == 0


async def test_two_requests_with_one_key_at_the_same_time_write_once(client, settings, db):
    patient = await make_patient()
    owner = await session(client, settings, patient)
    allergy = {"patientId": str(patient.id), "substance": "Arachide"}
    bodies = await asyncio.gather(*(owner(ADD_ALLERGY, input=allergy, key="same-moment")
                                    for _ in range(2)))
    assert [b.get("errors") for b in bodies] == [None, None], bodies
    assert bodies[0]["data"] == bodies[1]["data"]
    assert await Allergy.filter(patient_id=patient.id).count() == 1
    assert await IdempotencyKey.all().count() == 1
    assert await Change.filter(patient_id=patient.id).count() == 1


async def test_two_measurements_with_one_key_at_the_same_time_write_once(client, settings, db):
    patient = await make_patient()
    owner = await session(client, settings, patient)
    reading = {"patientId": str(patient.id), "kind": "WEIGHT", "value": 61.5,
               "measuredAt": "2026-01-10T08:00:00+01:00"}
    bodies = await asyncio.gather(*(owner(ADD_MEASUREMENT, input=reading, key="scale-17")
                                    for _ in range(2)))
    assert bodies[0]["data"] == bodies[1]["data"]
    assert bodies[0]["data"]["addMeasurement"]["measurement"] is not None
    assert await Measurement.filter(patient_id=patient.id).count() == 1


async def test_the_same_key_with_another_input_is_refused_and_writes_nothing(
        client, settings, db):
    patient = await make_patient()
    owner = await session(client, settings, patient)
    await owner(ADD_ALLERGY, input={"patientId": str(patient.id), "substance": "Lait"}, key="k")
    other = await owner(ADD_ALLERGY, input={"patientId": str(patient.id), "substance": "Oeuf"},
                        key="k")
    assert codes(other) == ["IDEMPOTENCY_KEY_REUSED"]
    assert other["data"]["addAllergy"] is None
    # The same key on another mutation is another input too.
    measured = await owner(ADD_MEASUREMENT, key="k", input={
        "patientId": str(patient.id), "kind": "WEIGHT", "value": 60,
        "measuredAt": "2026-01-10T08:00:00+01:00"})
    assert codes(measured) == ["IDEMPOTENCY_KEY_REUSED"]
    assert [a.substance for a in await Allergy.filter(patient_id=patient.id)] == ["Lait"]
    assert await Measurement.filter(patient_id=patient.id).count() == 0


async def test_keys_belong_to_one_person(client, settings, db):
    alice, bruno = await make_patient(), await make_patient(first_names="Bruno")
    for person in (alice, bruno):
        signed = await session(client, settings, person)
        body = await signed(ADD_ALLERGY, input={"patientId": str(person.id), "substance": "Lait"},
                            key="shared-key")
        assert body["data"]["addAllergy"]["allergy"] is not None, body
    assert await Allergy.filter(patient_id=alice.id).count() == 1
    assert await Allergy.filter(patient_id=bruno.id).count() == 1


async def test_a_key_lives_24_hours_then_starts_a_new_creation(client, settings, db):
    patient = await make_patient()
    owner = await session(client, settings, patient)
    allergy = {"patientId": str(patient.id), "substance": "Lait"}
    with clock.frozen_at(NOW):
        first = await owner(ADD_ALLERGY, input=allergy, key="daily")
    with clock.frozen_at(NOW + timedelta(hours=24) - timedelta(seconds=1)):
        replayed = await owner(ADD_ALLERGY, input=allergy, key="daily")
    assert replayed["data"] == first["data"]
    assert await Allergy.filter(patient_id=patient.id).count() == 1
    with clock.frozen_at(NOW + timedelta(hours=24)):
        fresh = await owner(ADD_ALLERGY, input=allergy, key="daily")
        changed = await owner(ADD_ALLERGY, input={**allergy, "substance": "Oeuf"}, key="daily")
    first_id = first["data"]["addAllergy"]["allergy"]["id"]
    assert fresh["data"]["addAllergy"]["allergy"]["id"] != first_id
    assert codes(changed) == ["IDEMPOTENCY_KEY_REUSED"]
    assert await Allergy.filter(patient_id=patient.id).count() == 2
    assert await IdempotencyKey.all().count() == 1


async def test_refused_input_uses_no_key_so_the_corrected_retry_creates(client, settings, db):
    patient = await make_patient()
    owner = await session(client, settings, patient)
    bad = await owner(ADD_ALLERGY, input={"patientId": str(patient.id), "substance": " "},
                      key="fix-me")
    assert bad["data"]["addAllergy"]["userErrors"] != []
    good = await owner(ADD_ALLERGY, input={"patientId": str(patient.id), "substance": "Lait"},
                       key="fix-me")
    assert good["data"]["addAllergy"]["allergy"]["substance"] == "Lait"


@pytest.mark.parametrize(("key", "code"), [
    ("", "BAD_IDEMPOTENCY_KEY"), ("x" * 201, "BAD_IDEMPOTENCY_KEY"),
    # A control character is refused by the text check every argument goes through.
    ("tab\there", "BAD_USER_INPUT")])
async def test_a_malformed_key_is_refused_with_a_code(client, settings, db, key, code):
    patient = await make_patient()
    owner = await session(client, settings, patient)
    body = await owner(ADD_ALLERGY, input={"patientId": str(patient.id), "substance": "Lait"},
                       key=key)
    assert codes(body) == [code]
    assert await Allergy.all().count() == 0


async def test_a_replay_is_a_read_that_the_policy_still_decides(client, settings, db):
    patient, doctor = await make_patient(), await make_professional()
    access = await grant(patient, doctor, [Section.ALLERGIES], write=True)
    pro = await session(client, settings, doctor)
    allergy = {"patientId": str(patient.id), "substance": "Lait"}
    first = await pro(ADD_ALLERGY, input=allergy, key="pro-key")
    assert first["data"]["addAllergy"]["allergy"] is not None
    access.revoked_at = clock.now()
    await access.save(update_fields=["revoked_at"])
    again = await pro(ADD_ALLERGY, input=allergy, key="pro-key")
    assert codes(again) == ["CONSENT_REQUIRED"]
    assert await Allergy.filter(patient_id=patient.id).count() == 1


async def test_an_upload_sent_twice_with_one_key_keeps_one_document_and_one_file(
        client, settings, db):
    patient = await make_patient()
    owner = await session(client, settings, patient)
    files_before = (await stored_files(settings))
    first = await upload(owner, patient.id, PDF_BYTES, "scan-1")
    again = await upload(owner, patient.id, PDF_BYTES, "scan-1")
    assert first["data"]["uploadDocument"]["document"] is not None, first
    assert again["data"] == first["data"]
    assert await Document.filter(patient_id=patient.id).count() == 1
    assert len((await stored_files(settings)) - files_before) == 1
    other_file = await upload(owner, patient.id, pdf("Autre", ["Autre chose."]), "scan-1")
    assert codes(other_file) == ["IDEMPOTENCY_KEY_REUSED"]
    assert len((await stored_files(settings)) - files_before) == 1


SAVE_DIRECTIVES = """
mutation($i: SaveDirectivesInput!, $key: String) {
  saveDirectives(input: $i, idempotencyKey: $key) {
    directives { advanceDirectives organDonation }
    userErrors { code }
  }
}
"""


async def test_saving_directives_with_one_key_writes_once_even_after_a_later_change(
        client, settings, db):
    patient = await make_patient()
    owner = await session(client, settings, patient)
    wishes = {"patientId": str(patient.id), "advanceDirectives": "Pas d'acharnement."}
    first = await owner(SAVE_DIRECTIVES, i=wishes, key="wishes-1")
    changed = await owner(SAVE_DIRECTIVES, i={"patientId": str(patient.id),
                                              "organDonation": "REFUSES"})
    retried = await owner(SAVE_DIRECTIVES, i=wishes, key="wishes-1")
    assert first["data"]["saveDirectives"]["directives"]["organDonation"] == "NOT_STATED"
    # The retry writes nothing: the later change stays, and the answer shows it.
    assert retried["data"] == changed["data"]
    assert [c.kind.value for c in await Change.filter(patient_id=patient.id)] == [
        "created", "updated"]
    other = await owner(SAVE_DIRECTIVES, i={**wishes, "advanceDirectives": "Autre"},
                        key="wishes-1")
    assert codes(other) == ["IDEMPOTENCY_KEY_REUSED"]
