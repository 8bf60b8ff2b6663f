"""Deposit without reading: a professional found the patient by INS and birth date and
adds a document with the handle they got; they read nothing, the patient is told."""

from __future__ import annotations

from datetime import date
from typing import Any

from api.audit.models import AccessEvent
from api.consent.models import Notification, NotificationKind
from api.identity.viewer import SESSION_COOKIE
from api.records.documents.models import Document
from api.security import csrf as csrf_module
from tests.consent.support import BLOCK, Session, codes, pid, session
from tests.factories import make_patient, make_professional
from tests.records.documents.helpers import PDF_BYTES, multipart_operation

FIND = """query($ins: String!, $birthDate: Date!) {
  findPatient(ins: $ins, birthDate: $birthDate) { handle patient { id } } }"""
DEPOSIT = """mutation Deposit($input: DepositDocumentInput!) {
  depositDocument(input: $input) { deposited userErrors { field code } } }"""
DOCUMENTS = """query($id: ID!) { patient(id: $id) { documents { totalCount items { title } } } }"""


async def _handle(pro: Session, patient: Any) -> str:
    body = await pro(FIND, ins=patient.ins_nir + patient.ins_key,
                     birthDate=patient.birth_date.isoformat())
    handle: str = body["data"]["findPatient"]["handle"]
    return handle


async def _deposit(pro: Session, handle: str, title: str = "Compte rendu de passage"
                   ) -> dict[str, Any]:
    pro.client.cookies.set(SESSION_COOKIE, pro.token)
    variables = {"input": {"patientHandle": handle, "file": None, "title": title,
                           "documentDate": date(2026, 1, 5).isoformat()}}
    response = await pro.client.post(
        "/graphql", data=multipart_operation(DEPOSIT, variables, "variables.input.file"),
        files={"0": ("cr.pdf", PDF_BYTES, "application/pdf")},
        headers={csrf_module.HEADER: pro.csrf})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_a_stranger_deposits_and_reads_nothing(client, settings, db):
    patient = await make_patient()
    nurse = await session(client, settings, await make_professional("nurse", last_name="PETIT"))
    body = await _deposit(nurse, await _handle(nurse, patient))
    assert body["data"]["depositDocument"] == {"deposited": True, "userErrors": []}
    [document] = await Document.filter(patient_id=patient.id)
    assert document.title == "Compte rendu de passage"
    assert codes(await nurse(DOCUMENTS, id=pid(patient))) == ["NOT_FOUND"]
    owner = await session(client, settings, patient)
    mine = await owner(DOCUMENTS, id=pid(patient))
    assert mine["data"]["patient"]["documents"]["items"] == [{"title": "Compte rendu de passage"}]
    [notice] = await Notification.filter(patient_id=patient.id)
    assert (notice.kind, notice.recipient_id) == (NotificationKind.DOCUMENT_DEPOSITED,
                                                  patient.account_id)
    kinds = [(e.basis.value, e.actions) for e in await AccessEvent.filter(
        patient_id=patient.id).order_by("sequence")]
    assert kinds == [("deposit", "read"), ("deposit", "deposit")]


async def test_a_handle_is_no_use_to_anyone_else_nor_after_a_block(client, settings, db):
    patient = await make_patient()
    nurse = await session(client, settings, nurse_pro := await make_professional("nurse"))
    handle = await _handle(nurse, patient)
    colleague = await session(client, settings, await make_professional("nurse"))
    stolen = await _deposit(colleague, handle)
    made_up = await _deposit(colleague, "not-a-handle")
    assert codes(stolen) == codes(made_up) == ["NOT_FOUND"]
    assert stolen["errors"][0]["message"] == made_up["errors"][0]["message"]
    await (await session(client, settings, patient))(
        BLOCK, patientId=pid(patient), professionalId=pid(nurse_pro))
    assert codes(await _deposit(nurse, handle)) == ["NOT_FOUND"]
    assert await Document.filter(patient_id=patient.id).count() == 0
