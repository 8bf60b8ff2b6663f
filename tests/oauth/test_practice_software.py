"""A professional's practice software, acting as the professional within its scopes: it looks
the patient up and deposits a document with `documents.deposit`, and reads nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

import httpx

from api.consent.lookup import lookup_key
from api.identity.models import Account, AttemptThrottle, Patient, Professional
from api.records.documents.models import Document
from tests.factories import make_patient, make_professional, sign_in
from tests.oauth.support import app_client, bearer_query, codes, connect_app, register
from tests.records.documents.helpers import PDF_BYTES, multipart_operation

FIND = """query($ins: String!, $birthDate: Date!) {
  findPatient(ins: $ins, birthDate: $birthDate) { handle patient { id } } }"""
DEPOSIT = """mutation Deposit($input: DepositDocumentInput!) {
  depositDocument(input: $input) { deposited userErrors { field code } } }"""
READS = """query($id: ID!) { patient(id: $id) {
  identity { birthName } documents { items { title } } allergies { items { substance } } } }"""
HISTORY = """query($id: ID!) { accessHistory(patientId: $id) {
  items { viewerName basis requestKind detail actions sections } } }"""


async def _software_token(client: httpx.AsyncClient, http: httpx.AsyncClient, settings: Any,
                          scopes: str) -> str:
    doctor = await make_professional("physician", last_name="LEROY")
    await sign_in(client, await Account.get(id=doctor.account_id), settings.secret_key)
    software = await register(scopes, public=False, name="Cabinet Soft")
    tokens = await connect_app(client, http, software, scopes)
    assert sorted(tokens["scope"].split()) == sorted(scopes.split())
    token: str = tokens["access_token"]
    client.cookies.clear()  # the professional's browser is done; the software goes on alone
    return token


def _find_variables(patient: Patient) -> dict[str, str]:
    return {"ins": patient.ins_nir + patient.ins_key, "birthDate": patient.birth_date.isoformat()}


async def _deposit(http: httpx.AsyncClient, token: str, handle: str) -> dict[str, Any]:
    variables = {"input": {"patientHandle": handle, "file": None, "title": "Compte rendu",
                           "documentDate": date(2026, 1, 5).isoformat()}}
    response = await http.post(
        "/graphql", data=multipart_operation(DEPOSIT, variables, "variables.input.file"),
        files={"0": ("cr.pdf", PDF_BYTES, "application/pdf")},
        headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_practice_software_finds_the_patient_and_deposits_without_reading(
        client, app, settings) -> None:
    patient = await make_patient(birth_name="DURAND")
    async with app_client(app) as http:
        token = await _software_token(client, http, settings, "documents.deposit")
        found = (await bearer_query(http, token, FIND, _find_variables(patient))).json()
        assert "errors" not in found, found
        assert found["data"]["findPatient"]["patient"] is None  # no relation: no record
        deposited = await _deposit(http, token, found["data"]["findPatient"]["handle"])
        reads = (await bearer_query(http, token, READS, {"id": str(patient.id)})).json()
    assert deposited["data"]["depositDocument"] == {"deposited": True, "userErrors": []}
    [document] = await Document.filter(patient_id=patient.id)
    assert document.title == "Compte rendu"
    assert reads["data"]["patient"] is None and codes(reads) == ["NOT_FOUND"]
    owner = await Account.get(id=patient.account_id)
    csrf_token = await sign_in(client, owner, settings.secret_key)
    history = (await client.post("/graphql", json={"query": HISTORY, "variables": {
        "id": str(patient.id)}}, headers={"X-CSRF-Token": csrf_token})).json()
    events = history["data"]["accessHistory"]["items"]
    assert events, history
    assert {(e["basis"], e["detail"]) for e in events} == {("APP", "Cabinet Soft")}
    assert all("LEROY" in e["viewerName"] for e in events)  # as the professional
    assert sorted((e["actions"], e["sections"]) for e in events) == [
        (["DEPOSIT"], ["DOCUMENTS"]),  # the deposit
        (["READ"], ["IDENTITY"]),  # the lookup: "found the record"
    ]


async def test_practice_software_without_the_deposit_scope_is_refused(
        client, app, settings) -> None:
    patient = await make_patient(birth_name="DURAND")
    async with app_client(app) as http:
        # The professional may deposit, but the software was not given that scope.
        token = await _software_token(client, http, settings, "documents.read allergies.read")
        found = (await bearer_query(http, token, FIND, _find_variables(patient))).json()
        # Nor does a handle the professional got in their own browser help the software.
        doctor_csrf = await sign_in(client, await Account.get(
            id=(await Professional.get(last_name="LEROY")).account_id), settings.secret_key)
        by_browser = (await client.post("/graphql", json={
            "query": FIND, "variables": _find_variables(patient)},
            headers={"X-CSRF-Token": doctor_csrf})).json()
        deposited = await _deposit(http, token, by_browser["data"]["findPatient"]["handle"])
    assert found["data"] == {"findPatient": None}
    [error] = found["errors"]
    assert error["extensions"] == {"code": "CONSENT_REQUIRED", "reason": "scope_missing",
                                   "section": "documents", "action": "deposit"}
    # Not a miss: the scope was missing (and the browser's lookup gave its attempt back).
    doctor = await Professional.get(last_name="LEROY")
    misses = await AttemptThrottle.filter(
        key_digest=lookup_key(settings.secret_key, doctor.account_id)).values_list(
            "failures", flat=True)
    assert sum(misses) == 0
    assert deposited["data"] is None and codes(deposited) == ["CONSENT_REQUIRED"]
    assert await Document.filter(patient_id=patient.id).count() == 0
