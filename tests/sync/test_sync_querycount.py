"""The feed and keyed creations cost the same statements whatever the amount of data."""

from __future__ import annotations

from api.consent.facts import ItemFacts
from api.consent.sections import Section
from api.identity.models import Patient
from api.sync.journal import record_change
from api.sync.models import ChangeKind
from tests.consent.support import session
from tests.factories import make_patient, make_professional
from tests.querycount import count_queries
from tests.records.documents.helpers import make_document
from tests.sync.support import ADD_ALLERGY, CHANGES, grant


async def _more_changes(patient: Patient, count: int) -> None:
    for n in range(count):
        document = await make_document(patient, title=f"Bilan {n}")
        await record_change(None, patient_id=patient.id, section=Section.DOCUMENTS,
                            item_id=document.id, kind=ChangeKind.CREATED, facts=ItemFacts())
        for section in (Section.ALLERGIES, Section.MEASUREMENTS):
            await record_change(None, patient_id=patient.id, section=section, item_id=n + 1,
                                kind=ChangeKind.DELETED, facts=ItemFacts())


async def _statements(who, patient: Patient) -> int:
    with count_queries() as log:
        body = await who(CHANGES, patientId=str(patient.id), first=100)
    assert "errors" not in body, body
    return log.count


async def test_the_feed_costs_the_same_for_3_or_60_changes_whoever_reads_it(
        client, settings, db):
    patient, doctor = await make_patient(), await make_professional()
    await grant(patient, doctor, [Section.ALLERGIES, Section.DOCUMENTS, Section.MEASUREMENTS])
    owner = await session(client, settings, patient)
    pro = await session(client, settings, doctor)
    await _more_changes(patient, 1)
    # The first access by someone else starts the patient's access chain (and registers it):
    # read once before counting, so both counts are of a chain that exists.
    await _statements(pro, patient)
    few = (await _statements(owner, patient), await _statements(pro, patient))
    await _more_changes(patient, 19)
    many = (await _statements(owner, patient), await _statements(pro, patient))
    assert few == many
    assert many[0] <= 6  # session, patient, viewer facts, rights, count, page


async def test_a_key_adds_one_statement_to_a_creation_and_a_replay_costs_a_fixed_few(
        client, settings, db):
    patient = await make_patient()
    owner = await session(client, settings, patient)
    allergy = {"patientId": str(patient.id), "substance": "Lait"}
    # The record's first write also makes its data key (api/identity/patient_keys.py).
    await owner(ADD_ALLERGY, input=allergy)
    with count_queries() as plain:
        await owner(ADD_ALLERGY, input=allergy)
    with count_queries() as keyed:
        await owner(ADD_ALLERGY, input=allergy, key="k1")
    with count_queries() as replayed:
        await owner(ADD_ALLERGY, input=allergy, key="k1")
    assert keyed.count == plain.count + 1
    assert replayed.count <= keyed.count + 4
