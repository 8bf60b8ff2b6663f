"""Deposits through GraphQL as practice software sends them: multipart, with a reference to
the patient (handle, traits or id), optionally held back and with an idempotency key."""

from __future__ import annotations

from typing import Any

from api.identity.models import Patient
from api.identity.viewer import SESSION_COOKIE
from api.security import csrf as csrf_module
from tests.consent.support import Session
from tests.records.documents.helpers import PDF_BYTES, multipart_operation

DEPOSIT = """mutation Deposit($input: DepositDocumentInput!, $key: String) {
  depositDocument(input: $input, idempotencyKey: $key) {
    deposited heldBackUntil userErrors { field code message } } }"""
FIND = """query($ins: String!, $birthDate: Date!) {
  findPatient(ins: $ins, birthDate: $birthDate) { handle } }"""
MY_DEPOSITS = """query { myDeposits { totalCount items {
  id title documentDate depositedAt heldBackUntil } } }"""
RELEASE = """mutation($id: ID!) { releaseHeldBackDocument(documentId: $id) {
  deposit { id heldBackUntil } userErrors { code } } }"""
PATIENT_DOCUMENTS = """query($id: ID!) { patient(id: $id) {
  documents { totalCount items { title } } } }"""


def ins_of(patient: Patient) -> str:
    return patient.ins_nir + patient.ins_key


def traits_of(patient: Patient, **changes: str) -> dict[str, str]:
    """The patient's INS and identity traits, as their practice software holds them."""
    return {"ins": ins_of(patient), "birthName": patient.birth_name,
            "firstNames": patient.first_names, "birthDate": patient.birth_date.isoformat(),
            "sex": patient.sex, "birthplaceInsee": patient.birthplace_insee, **changes}


async def handle_for(pro: Session, patient: Patient) -> str:
    body = await pro(FIND, ins=ins_of(patient), birthDate=patient.birth_date.isoformat())
    handle: str = body["data"]["findPatient"]["handle"]
    return handle


async def deposit(pro: Session, *, key: str | None = None, content: bytes = PDF_BYTES,
                  title: str = "Ordonnance", **reference: Any) -> dict[str, Any]:
    """The whole GraphQL answer to one deposit; ``reference`` names the patient."""
    pro.client.cookies.set(SESSION_COOKIE, pro.token)
    variables = {"input": {"file": None, "title": title, "typeCode": "57833-6",
                           "documentDate": "2026-01-05", **reference}, "key": key}
    response = await pro.client.post(
        "/graphql", data=multipart_operation(DEPOSIT, variables, "variables.input.file"),
        files={"0": ("ordonnance.pdf", content, "application/pdf")},
        headers={csrf_module.HEADER: pro.csrf})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def payload(body: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = body["data"]["depositDocument"]
    return result


def error_codes(body: dict[str, Any]) -> list[str]:
    return [e["code"] for e in payload(body)["userErrors"]]
