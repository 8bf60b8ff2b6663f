"""The feed shows a change only where the viewer's own lists would show the item."""

from __future__ import annotations

from datetime import date, timedelta

from api import clock
from api.audit.models import AccessEvent
from api.consent.sections import Section
from api.identity.models import Role
from api.records.documents.models import Document
from tests.consent.support import BLOCK, REVOKE, session
from tests.factories import make_account, make_patient, make_professional
from tests.sync.support import ADD_ALLERGY, CHANGES, changes_of, codes, grant, uploaded_id

ADD_HISTORY = """
mutation($i: AddHistoryEntryInput!) { addHistoryEntry(input: $i) { historyEntry { id } } }
"""
ADD_TREATMENT = """
mutation($i: AddTreatmentInput!) { addTreatment(input: $i) { treatment { id } } }
"""


async def _added(who, query: str, field: str, **values) -> str:
    body = await who(query, i=values)
    key = next(iter(body["data"]))
    return str(body["data"][key][field]["id"])


async def test_a_professional_sees_granted_sections_only(client, settings, db):
    patient, doctor = await make_patient(), await make_professional()
    await grant(patient, doctor, [Section.ALLERGIES])
    owner = await session(client, settings, patient)
    allergy = await owner(ADD_ALLERGY, input={"patientId": str(patient.id), "substance": "Lait"})
    await owner(ADD_TREATMENT, i={"patientId": str(patient.id), "medication": "Ventoline"})
    pro = await session(client, settings, doctor)
    seen = changes_of(await pro(CHANGES, patientId=str(patient.id)))
    assert seen == [("ALLERGIES", allergy["data"]["addAllergy"]["allergy"]["id"], "CREATED")]
    assert len(changes_of(await owner(CHANGES, patientId=str(patient.id)))) == 2


async def test_a_hidden_document_never_shows_to_a_professional(client, settings, db):
    patient, doctor = await make_patient(), await make_professional()
    await grant(patient, doctor, [Section.DOCUMENTS])
    owner = await session(client, settings, patient)
    shown = await uploaded_id(owner, patient.id, "Radio")
    hidden = await uploaded_id(owner, patient.id, "Bilan")
    deleted = await uploaded_id(owner, patient.id, "Ancien")
    hide = "mutation($d: ID!) { hideDocument(documentId: $d) { hiddenFromProfessionals } }"
    await owner(hide, d=hidden)
    await owner(hide, d=deleted)
    await owner("mutation($id: ID!) { removeDocument(id: $id) { removedId } }", id=deleted)
    pro = await session(client, settings, doctor)
    assert changes_of(await pro(CHANGES, patientId=str(patient.id))) == [
        ("DOCUMENTS", shown, "CREATED")]
    # Shown again, its changes are back: the feed follows the document as it is now.
    await owner("mutation($d: ID!) { unhideDocument(documentId: $d) { documentId } }", d=hidden)
    assert [c[1] for c in changes_of(await pro(CHANGES, patientId=str(patient.id)))] == [
        shown, hidden]


async def test_a_document_held_back_from_the_patient_stays_out_of_their_feed_until_released(
        client, settings, db):
    patient, doctor = await make_patient(), await make_professional()
    await grant(patient, doctor, [Section.DOCUMENTS], write=True)
    pro = await session(client, settings, doctor)
    held = await uploaded_id(pro, patient.id, "Résultat à annoncer")
    until = clock.now() + timedelta(minutes=20)  # within the session's idle timeout
    await Document.filter(id=int(held)).update(held_back_until=until)
    owner = await session(client, settings, patient)
    assert changes_of(await owner(CHANGES, patientId=str(patient.id))) == []
    assert changes_of(await pro(CHANGES, patientId=str(patient.id))) == [
        ("DOCUMENTS", held, "CREATED")]
    with clock.frozen_at(until):
        released = changes_of(await owner(CHANGES, patientId=str(patient.id)))
    assert released == [("DOCUMENTS", held, "CREATED")]


async def test_a_childs_confidential_entry_never_shows_to_the_parent(client, settings, db):
    parent = await make_account(Role.PATIENT)
    child = await make_patient(account=False, guardian=parent, birth_date=date(2011, 5, 1))
    doctor = await make_professional()
    await grant(child, doctor, [Section.HISTORY], write=True)
    pro = await session(client, settings, doctor)
    entry = {"patientId": str(child.id), "kind": "CONDITION", "text": "Contraception"}
    secret = await _added(pro, ADD_HISTORY, "historyEntry", **entry, confidentialForMinor=True)
    known = await _added(pro, ADD_HISTORY, "historyEntry", **{**entry, "text": "Asthme"})
    await pro("mutation($id: ID!) { removeHistoryEntry(id: $id) { removedId } }", id=secret)
    mother = await session(client, settings, parent)
    assert changes_of(await mother(CHANGES, patientId=str(child.id))) == [
        ("HISTORY", known, "CREATED")]
    assert [c[1] for c in changes_of(await pro(CHANGES, patientId=str(child.id)))] == [
        secret, known, secret]


async def test_a_revoked_grant_stops_the_feed_at_the_next_request(client, settings, db):
    patient, doctor = await make_patient(), await make_professional()
    access = await grant(patient, doctor, [Section.ALLERGIES])
    owner = await session(client, settings, patient)
    await owner(ADD_ALLERGY, input={"patientId": str(patient.id), "substance": "Lait"})
    pro = await session(client, settings, doctor)
    before = await pro(CHANGES, patientId=str(patient.id))
    assert len(changes_of(before)) == 1
    revoked = await owner(REVOKE, grantId=str(access.id))
    assert revoked["data"]["revokeGrant"]["userErrors"] == []
    after = await pro(CHANGES, patientId=str(patient.id),
                      after=before["data"]["changes"]["pageInfo"]["endCursor"])
    assert codes(after) == ["CONSENT_REQUIRED"]
    assert after["errors"][0]["extensions"]["reason"] == "grant_revoked"


async def test_strangers_and_blocked_professionals_do_not_find_the_feed(client, settings, db):
    patient = await make_patient()
    stranger, blocked = await make_professional(), await make_professional()
    await grant(patient, blocked, [Section.ALLERGIES])
    owner = await session(client, settings, patient)
    await owner(BLOCK, patientId=str(patient.id), professionalId=str(blocked.id))
    for professional in (stranger, blocked):
        who = await session(client, settings, professional)
        assert codes(await who(CHANGES, patientId=str(patient.id))) == ["NOT_FOUND"]
    other = await session(client, settings, await make_patient(first_names="Eve"))
    assert codes(await other(CHANGES, patientId=str(patient.id))) == ["NOT_FOUND"]


async def test_reading_the_feed_is_in_the_patients_access_history(client, settings, db):
    patient, doctor = await make_patient(), await make_professional()
    await grant(patient, doctor, [Section.ALLERGIES, Section.TREATMENTS])
    pro = await session(client, settings, doctor)
    await pro(CHANGES, patientId=str(patient.id))
    [event] = await AccessEvent.filter(patient_id=patient.id)
    assert (event.basis.value, event.sections, event.actions) == (
        "grant", "allergies,treatments", "read")
