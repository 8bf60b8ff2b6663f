"""Consent changes and break-glass openings are in the access history, written with them."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import httpx
import pytest
from tortoise.backends.base.client import TransactionalDBClient

from api import clock
from api.consent.models import EmergencyAccess, Grant, Notification
from api.identity.models import Account, Patient, Role
from api.records.documents.models import Document
from api.settings import Settings
from tests.audit.writes import fail_after, failed, history_of, watch_history
from tests.consent.support import GRANT, OPEN_EMERGENCY, Session, pid, session, traits
from tests.factories import make_account, make_patient, make_professional

REASON = "Unconscious after a road accident, no relative reachable"
HIDE = """mutation($d: ID!) { hideDocument(documentId: $d) { hiddenFromProfessionals } }"""


async def _parent_of_a_child(client: httpx.AsyncClient, settings: Settings
                             ) -> tuple[Session, Patient]:
    parent = await make_account(Role.PATIENT, email="parent@test.invalid")
    child = await make_patient(account=False, birth_date=date(2016, 4, 1), guardian=parent)
    return await session(client, settings, parent), child


async def test_a_parent_sharing_a_childs_record_writes_one_event_in_the_same_transaction(
    client: httpx.AsyncClient, settings: Settings, db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    parent, child = await _parent_of_a_child(client, settings)
    doctor = await make_professional()
    history = watch_history(monkeypatch)
    body = await parent(GRANT, patientId=pid(child), professionalId=pid(doctor),
                        sections=["ALLERGIES"])
    assert body["data"]["grantAccess"]["userErrors"] == []
    assert await Grant.filter(patient_id=child.id).count() == 1
    (event,) = await history_of(child.id)
    assert (event.viewer_name, event.basis.value, event.sections, event.actions) == (
        "parent@test.invalid", "representative", "identity", "write")
    assert history.in_a_transaction(child.id)


async def test_a_grant_failing_after_its_insert_leaves_no_grant_and_no_event(
    client: httpx.AsyncClient, settings: Settings, db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    parent, child = await _parent_of_a_child(client, settings)
    doctor = await make_professional()
    fail_after(monkeypatch, Grant, "create")
    body = await parent(GRANT, patientId=pid(child), professionalId=pid(doctor),
                        sections=["ALLERGIES"])
    assert failed(body, "grantAccess")
    assert not await Grant.filter(patient_id=child.id).exists()
    assert await history_of(child.id) == []


async def test_a_grant_refused_with_user_errors_leaves_no_event(
    client: httpx.AsyncClient, settings: Settings, db: None
) -> None:
    parent, child = await _parent_of_a_child(client, settings)
    body = await parent(GRANT, patientId=pid(child), professionalId="999999",
                        sections=["ALLERGIES"])
    assert body["data"]["grantAccess"]["userErrors"][0]["code"] == "PROFESSIONAL_NOT_FOUND"
    assert await history_of(child.id) == []


async def test_a_parent_hiding_a_childs_document_is_recorded_with_the_change(
    client: httpx.AsyncClient, settings: Settings, db: None
) -> None:
    parent, child = await _parent_of_a_child(client, settings)
    now = clock.now()
    document = await Document.create(
        patient_id=child.id, title="Bilan", type_code="11488-4", category="report",
        content_type="application/pdf", size_bytes=10, sha256="0" * 64,
        storage_key=uuid.uuid4().hex, document_date=date(2026, 1, 5), created_at=now,
        updated_at=now, created_by_id=None, updated_by_id=None)
    body = await parent(HIDE, d=str(document.id))
    assert body["data"]["hideDocument"]["hiddenFromProfessionals"] is True
    again = await parent(HIDE, d=str(document.id))
    assert "errors" not in again
    (event,) = await history_of(child.id)  # hiding it again changed nothing
    assert (event.sections, event.actions) == ("documents,identity", "write")


async def _break_the_glass(client: httpx.AsyncClient, settings: Settings, patient: Patient
                           ) -> dict[str, Any]:
    urgentist = await make_professional("emergency_physician", last_name="URGENCE")
    reader = await session(client, settings, urgentist)
    return await reader(OPEN_EMERGENCY, **traits(patient), reason=REASON)


async def test_breaking_the_glass_is_in_the_history_with_its_reason_and_its_reads(
    client: httpx.AsyncClient, settings: Settings, db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    patient = await make_patient()
    history = watch_history(monkeypatch)
    body = await _break_the_glass(client, settings, patient)
    assert body["data"]["openEmergencyAccess"]["userErrors"] == []
    opening, reads = await history_of(patient.id)
    access_id = body["data"]["openEmergencyAccess"]["emergencyAccess"]["id"]
    # The history names the access; the patient reads its reason through accessHistory.
    assert (opening.viewer_name, opening.basis.value, opening.request_kind, opening.detail,
            opening.emergency, opening.sections) == (
        "Test URGENCE", "emergency", "emergency_open", f"emergency_access:{access_id}", True,
        "")
    assert (reads.basis.value, reads.sections, reads.actions, reads.request_kind) == (
        "emergency", "allergies", "read", "graphql")
    # The opening went into the transaction that opened the access; the reads came after.
    [opened] = [connection for connection, events in history.appends
                if events[0].request_kind.value == "emergency_open"]
    assert isinstance(opened, TransactionalDBClient)


async def test_an_emergency_access_failing_after_its_insert_leaves_no_access_and_no_event(
    client: httpx.AsyncClient, settings: Settings, db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    patient = await make_patient()
    # The access and its event are written; telling the patient then fails.
    fail_after(monkeypatch, Notification, "bulk_create")
    body = await _break_the_glass(client, settings, patient)
    assert failed(body, "openEmergencyAccess")
    assert not await EmergencyAccess.filter(patient_id=patient.id).exists()
    assert not await Notification.filter(patient_id=patient.id).exists()
    assert await history_of(patient.id) == []


async def test_the_patient_sharing_their_own_record_leaves_no_trace(
    client: httpx.AsyncClient, settings: Settings, db: None
) -> None:
    patient = await make_patient()
    owner = await session(client, settings, await Account.get(id=patient.account_id))
    doctor = await make_professional()
    body = await owner(GRANT, patientId=pid(patient), professionalId=pid(doctor),
                       sections=["ALLERGIES"])
    assert body["data"]["grantAccess"]["userErrors"] == []
    assert await history_of(patient.id) == []
