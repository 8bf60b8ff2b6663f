"""A doctor's document changes and downloads are in the access history, written with them."""

from __future__ import annotations

import httpx
import pytest

from api.consent.sections import Section
from api.identity.models import Account
from api.records.documents.models import Document
from api.settings import Settings
from tests.audit.writes import (
    fail_after,
    failed,
    grant_writing,
    history_of,
    only_event,
    watch_history,
)
from tests.factories import graphql, make_patient, make_professional, sign_in
from tests.records.documents.helpers import (
    PDF_BYTES,
    Signed,
    stored_files,
    upload_form,
    upload_graphql,
    uploaded,
)

REMOVE = "mutation($id: ID!) { removeDocument(id: $id) { removedId userErrors { code } } }"


async def _doctor_of_a_patient(client: httpx.AsyncClient, settings: Settings) -> Signed:
    """A doctor signed in, who may read and add documents of the patient they look after."""
    patient = await make_patient()
    doctor = await make_professional("physician", last_name="MEDECIN")
    await grant_writing(patient, doctor, Section.DOCUMENTS)
    account = await Account.get(id=doctor.account_id)
    csrf = await sign_in(client, account, settings.secret_key)
    return Signed(client, csrf, account, patient)


async def test_a_doctor_uploading_a_document_writes_one_event_in_the_same_transaction(
    client: httpx.AsyncClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    doctor = await _doctor_of_a_patient(client, settings)
    history = watch_history(monkeypatch)
    await uploaded(doctor, title="Compte rendu")
    event = await only_event(history, doctor.patient.id)
    assert (event.viewer_name, event.basis.value, event.sections, event.actions,
            event.request_kind) == ("Test MEDECIN", "grant", "documents", "write", "graphql")


async def test_an_upload_failing_after_its_insert_leaves_no_row_no_file_and_no_event(
    client: httpx.AsyncClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    doctor = await _doctor_of_a_patient(client, settings)
    before = (await stored_files(settings))
    fail_after(monkeypatch, Document, "create")
    response = await upload_graphql(doctor, PDF_BYTES)
    assert failed(response.json(), "uploadDocument")
    assert not await Document.filter(patient_id=doctor.patient.id).exists()
    assert (await stored_files(settings)) == before
    assert await history_of(doctor.patient.id) == []


async def test_a_form_upload_by_a_doctor_is_recorded_as_a_deposit_with_its_row(
    client: httpx.AsyncClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    doctor = await _doctor_of_a_patient(client, settings)
    history = watch_history(monkeypatch)
    response = await upload_form(doctor, PDF_BYTES, title="Ordonnance")
    assert response.status_code == 303
    (event,) = await history_of(doctor.patient.id)
    assert (event.sections, event.actions, event.request_kind) == (
        "documents", "write", "deposit")
    assert history.in_a_transaction(doctor.patient.id)


async def test_a_form_upload_failing_after_its_insert_leaves_no_row_and_no_event(
    client: httpx.AsyncClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    doctor = await _doctor_of_a_patient(client, settings)
    fail_after(monkeypatch, Document, "create")
    with pytest.raises(RuntimeError):
        await upload_form(doctor, PDF_BYTES, title="Ordonnance")
    assert not await Document.filter(patient_id=doctor.patient.id).exists()
    assert await history_of(doctor.patient.id) == []


async def test_a_doctor_downloading_a_document_is_recorded_as_a_download(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    doctor = await _doctor_of_a_patient(client, settings)
    document = (await uploaded(doctor, title="Radio"))["document"]
    response = await client.get(document["downloadUrl"])
    assert response.status_code == 200 and response.content == PDF_BYTES
    upload, download = await history_of(doctor.patient.id)
    assert (download.basis.value, download.sections, download.actions,
            download.request_kind) == ("grant", "documents", "read", "download")
    assert upload.request_kind == "graphql"


async def test_the_patient_downloading_their_own_document_leaves_no_trace(
    owner: Signed
) -> None:
    document = (await uploaded(owner))["document"]
    assert (await owner.client.get(document["downloadUrl"])).status_code == 200
    assert await history_of(owner.patient.id) == []


async def test_a_removal_failing_before_commit_keeps_the_row_the_file_and_no_event(
    client: httpx.AsyncClient, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    doctor = await _doctor_of_a_patient(client, settings)
    document = (await uploaded(doctor))["document"]
    files = (await stored_files(settings))
    fail_after(monkeypatch, Document, "delete")
    body = await graphql(doctor.client, doctor.csrf, REMOVE, {"id": document["id"]})
    assert failed(body, "removeDocument")
    assert await Document.exists(id=int(document["id"]))
    assert (await stored_files(settings)) == files
    assert [e.actions for e in await history_of(doctor.patient.id)] == ["write"]
