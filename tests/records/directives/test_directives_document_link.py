"""The directives' signed document: only one of the same record, that the person may see."""

from __future__ import annotations

from datetime import timedelta

from api import clock
from api.audit.models import AccessEvent
from api.consent.models import Grant, encode_sections
from api.consent.sections import Section
from api.identity.models import Patient, Professional
from api.records.directives.models import Directives
from tests.consent.support import Session, session
from tests.factories import make_patient, make_professional
from tests.records.directives.support import FIELDS, SAVE
from tests.records.documents.helpers import make_document

READ = f"""query($id: ID!) {{ patient(id: $id) {{ directives {{ {FIELDS} }} }} }}"""


async def _save(person: Session, patient: Patient, **fields: object) -> dict[str, object]:
    body = await person(SAVE, input={"patientId": str(patient.id), **fields})
    return body["data"]["saveDirectives"]  # type: ignore[no-any-return]


async def _grant(patient: Patient, professional: Professional, *sections: Section,
                 write: bool = False) -> None:
    now = clock.now()
    await Grant.create(patient_id=patient.id, professional_id=professional.id,
                       sections=encode_sections(set(sections)), write=write, created_at=now,
                       expires_at=now + timedelta(days=30))


def _field_error(payload: dict[str, object]) -> tuple[str, str, str]:
    [error] = payload["userErrors"]  # type: ignore[misc]
    return error["field"], error["code"], error["message"]


async def test_the_owner_links_a_document_of_their_own_record(client, settings, db):
    patient = await make_patient()
    document = await make_document(patient)
    owner = await session(client, settings, patient)
    saved = await _save(owner, patient, documentId=str(document.id))
    assert saved["userErrors"] == []
    assert saved["directives"]["documentId"] == str(document.id)  # type: ignore[index]


async def test_another_records_document_reads_like_a_missing_one(client, settings, db):
    patient, other = await make_patient(), await make_patient()
    foreign = await make_document(other)
    owner = await session(client, settings, patient)
    refused = await _save(owner, patient, documentId=str(foreign.id), advanceDirectives="x")
    missing = await _save(owner, patient, documentId="987654", advanceDirectives="x")
    assert refused["directives"] is None
    assert _field_error(refused) == _field_error(missing)
    assert _field_error(refused)[:2] == ("documentId", "UNKNOWN_DOCUMENT")
    assert await Directives.all().count() == 0


async def test_a_professional_cannot_link_a_document_hidden_from_them(client, settings, db):
    patient, doctor = await make_patient(), await make_professional()
    hidden = await make_document(patient, hidden_from_professionals=True)
    visible = await make_document(patient)
    await _grant(patient, doctor, Section.DIRECTIVES, Section.DOCUMENTS, write=True)
    writer = await session(client, settings, doctor)
    refused = await _save(writer, patient, documentId=str(hidden.id))
    assert _field_error(refused)[:2] == ("documentId", "UNKNOWN_DOCUMENT")
    linked = await _save(writer, patient, documentId=str(visible.id))
    assert linked["userErrors"] == []


async def test_a_reader_sees_the_link_only_to_a_document_they_may_see(client, settings, db):
    patient, nurse = await make_patient(), await make_professional("nurse")
    hidden = await make_document(patient, hidden_from_professionals=True)
    owner = await session(client, settings, patient)
    assert (await _save(owner, patient, documentId=str(hidden.id)))["userErrors"] == []
    await _grant(patient, nurse, Section.DIRECTIVES, Section.DOCUMENTS)
    reader = await session(client, settings, nurse)
    body = await reader(READ, id=str(patient.id))
    assert "errors" not in body
    assert body["data"]["patient"]["directives"]["documentId"] is None
    # The owner still sees it.
    mine = await owner(READ, id=str(patient.id))
    assert mine["data"]["patient"]["directives"]["documentId"] == str(hidden.id)


async def test_a_reader_without_the_documents_section_sees_no_link(client, settings, db):
    patient, nurse = await make_patient(), await make_professional("nurse")
    document = await make_document(patient)
    owner = await session(client, settings, patient)
    await _save(owner, patient, documentId=str(document.id))
    await _grant(patient, nurse, Section.DIRECTIVES)
    body = await (await session(client, settings, nurse))(READ, id=str(patient.id))
    assert body["data"]["patient"]["directives"]["documentId"] is None
    [event] = await AccessEvent.filter(patient_id=patient.id)
    assert event.sections == "directives"


async def test_a_shown_link_is_in_the_access_history_as_a_document_read(client, settings, db):
    patient, nurse = await make_patient(), await make_professional("nurse")
    document = await make_document(patient)
    owner = await session(client, settings, patient)
    await _save(owner, patient, documentId=str(document.id))
    await _grant(patient, nurse, Section.DIRECTIVES, Section.DOCUMENTS)
    body = await (await session(client, settings, nurse))(READ, id=str(patient.id))
    assert body["data"]["patient"]["directives"]["documentId"] == str(document.id)
    [event] = await AccessEvent.filter(patient_id=patient.id)
    assert event.sections == "directives,documents"


async def test_a_link_stored_to_another_record_is_never_shown(client, settings, db):
    patient, other = await make_patient(), await make_patient()
    foreign = await make_document(other)
    await Directives.create(patient_id=patient.id, document_id=foreign.id,
                            created_at=clock.now(), updated_at=clock.now())
    owner = await session(client, settings, patient)
    body = await owner(READ, id=str(patient.id))
    assert body["data"]["patient"]["directives"]["documentId"] is None
