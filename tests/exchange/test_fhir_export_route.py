"""`GET /patients/{id}/fhir`: the patient and a parent download the record; a professional,
whatever their relation, and a stranger get 404; the export shows in the access history."""

from __future__ import annotations

from datetime import date, timedelta

import httpx

from api import clock
from api.audit.models import AccessEvent
from api.consent.models import Grant
from api.dates import DatePrecision
from api.identity.models import Account, Patient
from api.records.entries.models import (
    Allergy,
    HistoryEntry,
    HistoryKind,
    HistoryStatus,
    Vaccination,
)
from api.settings import Settings
from tests.exchange.fhir_support import resources_of, validated
from tests.factories import make_patient, make_professional, sign_in
from tests.oauth.support import issue_token


async def _signed(client: httpx.AsyncClient, account_id: int | None, settings: Settings
                  ) -> httpx.AsyncClient:
    assert account_id is not None
    await sign_in(client, await Account.get(id=account_id), settings.secret_key)
    client.cookies.set("carnet_lang", "en")
    return client


async def _history(patient: Patient, author: int | None, **values: object) -> HistoryEntry:
    now = clock.now()
    return await HistoryEntry.create(patient=patient, kind=HistoryKind.CONDITION,
                                     status=HistoryStatus.ACTIVE, created_at=now,
                                     updated_at=now, created_by_id=author, **values)


async def test_the_patient_downloads_the_record_with_partial_dates_kept(
        client: httpx.AsyncClient, settings: Settings) -> None:
    patient = await make_patient(birth_name="MARTIN", birth_date=date(1990, 4, 2))
    await _history(patient, patient.account_id, code="J45", text="asthme",
                   onset_date=date(2005, 1, 1), onset_precision=DatePrecision.YEAR)
    now = clock.now()
    await Vaccination.create(patient=patient, vaccine_code="ROR", date=date(2019, 5, 1),
                             date_precision=DatePrecision.MONTH, created_at=now,
                             updated_at=now, created_by_id=patient.account_id)
    await _signed(client, patient.account_id, settings)
    response = await client.get(f"/patients/{patient.id}/fhir")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/fhir+json")
    assert response.headers["content-disposition"].startswith(
        'attachment; filename="carnet-martin-')
    bundle = validated(response.text)
    [condition] = resources_of(bundle, "Condition")
    assert condition["onsetDateTime"] == "2005"
    assert condition["code"]["coding"][0] == {
        "system": "http://hl7.org/fhir/sid/icd-10", "code": "J45",
        "display": condition["code"]["coding"][0]["display"]}
    [vaccination] = resources_of(bundle, "Immunization")
    assert vaccination["occurrenceDateTime"] == "2019-05"
    # The patient's own download is not someone else's access: the history stays empty.
    assert await AccessEvent.filter(patient_id=patient.id).count() == 0


async def test_the_summary_page_offers_the_export(client: httpx.AsyncClient,
                                                  settings: Settings) -> None:
    patient = await make_patient()
    await _signed(client, patient.account_id, settings)
    page = await client.get(f"/records/{patient.id}/summary")
    assert page.status_code == 200
    assert f'href="/patients/{patient.id}/fhir" download>Export my record (FHIR)</a>' in page.text


async def test_a_professional_with_every_section_gets_not_found(
        client: httpx.AsyncClient, settings: Settings) -> None:
    patient = await make_patient()
    doctor = await make_professional()
    now = clock.now()
    await Grant.create(patient=patient, professional=doctor, write=True, created_at=now,
                       expires_at=now + timedelta(days=30),
                       sections="allergies,directives,documents,history,identity,"
                                "measurements,treatments,vaccinations")
    await _signed(client, doctor.account_id, settings)
    response = await client.get(f"/patients/{patient.id}/fhir")
    assert response.status_code == 404
    assert "Bundle" not in response.text


async def test_a_stranger_and_an_unknown_record_get_not_found(
        client: httpx.AsyncClient, settings: Settings) -> None:
    patient = await make_patient()
    stranger = await make_patient(first_names="Paul")
    await _signed(client, stranger.account_id, settings)
    assert (await client.get(f"/patients/{patient.id}/fhir")).status_code == 404
    assert (await client.get("/patients/999999/fhir")).status_code == 404
    assert (await client.get("/patients/abc/fhir")).status_code == 404
    client.cookies.clear()
    assert (await client.get(f"/patients/{patient.id}/fhir")).status_code == 404


async def test_a_parent_exports_the_childs_record_without_what_the_child_keeps_private(
        client: httpx.AsyncClient, settings: Settings) -> None:
    parent = await make_patient(first_names="Camille")
    guardian = await Account.get(id=parent.account_id)
    child = await make_patient(account=False, first_names="Léo", birth_date=date(2012, 3, 3),
                               guardian=guardian)
    await _history(child, guardian.id, text="bronchiolite")
    await _history(child, None, text="gardé pour moi", confidential_for_minor=True)
    await _signed(client, parent.account_id, settings)
    response = await client.get(f"/patients/{child.id}/fhir")
    assert response.status_code == 200
    bundle = validated(response.text)
    assert [c["code"]["text"] for c in resources_of(bundle, "Condition")] == ["bronchiolite"]
    [provenance] = resources_of(bundle, "Provenance")
    assert provenance["agent"][0]["who"]["display"] == "Camille TESTON"
    assert provenance["agent"][0]["role"][0]["text"] == "representative"
    # The parent's export is an access by someone else than the patient: the history says so.
    page = await client.get(f"/records/{child.id}/access-history")
    assert "downloaded the record as a file (FHIR)" in page.text
    [event] = await AccessEvent.filter(patient_id=child.id, request_kind="fhir_export")
    assert event.basis.value == "representative"
    assert "history" in event.sections


async def test_an_app_exports_with_the_export_scope_only_what_its_read_scopes_reach(
        client: httpx.AsyncClient) -> None:
    patient = await make_patient()
    await _history(patient, patient.account_id, text="asthme")
    now = clock.now()
    await Allergy.create(patient=patient, substance="pollen", created_at=now, updated_at=now,
                         created_by_id=patient.account_id)
    account = await Account.get(id=patient.account_id)
    token = await issue_token(account, "fhir.export allergies.read")
    response = await client.get(f"/patients/{patient.id}/fhir",
                                headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    bundle = validated(response.text)
    assert [e["resource"]["resourceType"] for e in bundle["entry"]] == [
        "AllergyIntolerance", "Provenance"]
    [event] = await AccessEvent.filter(patient_id=patient.id, request_kind="fhir_export")
    assert (event.basis.value, event.detail, event.sections) == ("app", "Pollen Diary",
                                                                 "allergies")
    reading = await issue_token(account, "allergies.read history.read", name="Reader")
    refused = await client.get(f"/patients/{patient.id}/fhir",
                               headers={"Authorization": f"Bearer {reading}"})
    assert refused.status_code == 404
