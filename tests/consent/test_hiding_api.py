"""Hiding a document from professionals: its author and the treating doctor still see it."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from api import clock
from api.records.documents.models import Document
from tests.consent.support import DESIGNATE, GRANT, codes, pid, session
from tests.factories import make_patient, make_professional

HIDE = """mutation($d: ID!) { hideDocument(documentId: $d) {
  documentId hiddenFromProfessionals userErrors { code } } }"""
UNHIDE = """mutation($d: ID!) { unhideDocument(documentId: $d) {
  documentId hiddenFromProfessionals userErrors { code } } }"""
DOCUMENTS = """query($p: ID!) { patient(id: $p) { documents { items { id } } } }"""


async def _document(patient, author_account_id, **more):
    now = clock.now()
    return await Document.create(
        patient_id=patient.id, title="Compte rendu", type_code="11488-4", category="report",
        content_type="application/pdf", size_bytes=10, sha256="0" * 64,
        storage_key=uuid.uuid4().hex, document_date=date(2026, 1, 5), created_at=now,
        updated_at=now, created_by_id=author_account_id, updated_by_id=author_account_id,
        **more)


async def _seen_by(client, settings, who, patient) -> list[str]:
    body = await (await session(client, settings, who))(DOCUMENTS, p=pid(patient))
    return [item["id"] for item in body["data"]["patient"]["documents"]["items"]]


async def test_hidden_document_is_seen_only_by_its_author_and_the_treating_doctor(
        client, settings, db):
    patient = await make_patient()
    author, reader, treating = [await make_professional() for _ in range(3)]
    owner = await session(client, settings, patient)
    for pro in (author, reader):
        await owner(GRANT, patientId=pid(patient), professionalId=pid(pro),
                    sections=["DOCUMENTS"])
    await owner(DESIGNATE, patientId=pid(patient), professionalId=pid(treating))
    document = await _document(patient, author.account_id)
    hidden = (await owner(HIDE, d=str(document.id)))["data"]["hideDocument"]
    assert hidden == {"documentId": str(document.id), "hiddenFromProfessionals": True,
                      "userErrors": []}
    assert await _seen_by(client, settings, reader, patient) == []
    assert await _seen_by(client, settings, author, patient) == [str(document.id)]
    assert await _seen_by(client, settings, treating, patient) == [str(document.id)]
    assert await _seen_by(client, settings, patient, patient) == [str(document.id)]
    shown = (await owner(UNHIDE, d=str(document.id)))["data"]["unhideDocument"]
    assert shown["hiddenFromProfessionals"] is False
    assert await _seen_by(client, settings, reader, patient) == [str(document.id)]


async def test_a_professional_cannot_hide_a_document(client, settings, db):
    patient, doctor = await make_patient(), await make_professional()
    owner = await session(client, settings, patient)
    await owner(GRANT, patientId=pid(patient), professionalId=pid(doctor),
                sections=["IDENTITY", "DOCUMENTS"], write=True)
    document = await _document(patient, doctor.account_id)
    body = await (await session(client, settings, doctor))(HIDE, d=str(document.id))
    assert codes(body) == ["CONSENT_REQUIRED"]
    assert (await Document.get(id=document.id)).hidden_from_professionals is False


async def test_nobody_else_hides_or_finds_the_document(client, settings, db):
    patient, doctor = await make_patient(), await make_professional()
    document = await _document(patient, doctor.account_id)
    stranger = await session(client, settings, await make_patient())
    assert codes(await stranger(HIDE, d=str(document.id))) == ["NOT_FOUND"]
    assert codes(await stranger(HIDE, d="987654")) == ["NOT_FOUND"]
    assert (await Document.get(id=document.id)).hidden_from_professionals is False


async def test_a_document_held_back_from_the_patient_cannot_be_hidden_by_them(
        client, settings, db):
    patient, doctor = await make_patient(), await make_professional()
    document = await _document(patient, doctor.account_id,
                               held_back_until=clock.now() + timedelta(days=20))
    body = await (await session(client, settings, patient))(HIDE, d=str(document.id))
    assert codes(body) == ["NOT_FOUND"]
