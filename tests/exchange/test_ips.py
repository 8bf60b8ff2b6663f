"""The International Patient Summary asked through GraphQL: the patient sees every section;
a professional only the sections shared with them, the others withheld; a stranger NOT_FOUND."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import httpx

from api import clock
from api.consent.models import Grant, TreatingDoctor
from api.identity.models import Account, Patient
from api.records.entries.models import Allergy, HistoryEntry, HistoryKind, HistoryStatus, Treatment
from api.records.measurements.models import Measurement
from api.settings import Settings
from tests.exchange.fhir_support import validated
from tests.factories import graphql, make_patient, make_professional, sign_in

QUERY = "query ($id: ID!) { internationalPatientSummary(patientId: $id) }"
CODES = {"11450-4": "problems", "48765-2": "allergies", "10160-0": "medications",
         "11369-6": "immunizations", "8716-3": "vital signs", "42348-3": "directives"}


async def _record() -> Patient:
    patient = await make_patient(birth_name="MARTIN")
    now, author = clock.now(), patient.account_id
    stamp = {"created_at": now, "updated_at": now, "created_by_id": author}
    await HistoryEntry.create(patient=patient, kind=HistoryKind.CONDITION, text="asthme",
                              status=HistoryStatus.ACTIVE, **stamp)
    await Allergy.create(patient=patient, substance="pénicilline", **stamp)
    await Treatment.create(patient=patient, medication="Ventoline", start_date=date(2020, 1, 1),
                           **stamp)
    for days, value in ((3, "70.2"), (1, "69.8")):
        await Measurement.create(patient=patient, kind="weight", value=Decimal(value), unit="kg",
                                 measured_at=now - timedelta(days=days), **stamp)
    return patient


async def _summary(client: httpx.AsyncClient, settings: Settings, account_id: int | None,
                   patient: Patient) -> dict[str, Any]:
    assert account_id is not None
    csrf = await sign_in(client, await Account.get(id=account_id), settings.secret_key)
    return await graphql(client, csrf, QUERY, {"id": str(patient.id)})


def _sections(bundle: dict[str, Any]) -> dict[str, Any]:
    composition = bundle["entry"][0]["resource"]
    assert composition["resourceType"] == "Composition"
    assert composition["type"]["coding"][0]["code"] == "60591-5"
    return {CODES[s["code"]["coding"][0]["code"]]: s for s in composition["section"]}


def _empty_reason(section: dict[str, Any]) -> str | None:
    reason = section.get("emptyReason")
    return reason["coding"][0]["code"] if reason else None


async def test_the_patient_sees_every_section(client: httpx.AsyncClient,
                                              settings: Settings) -> None:
    patient = await _record()
    answer = await _summary(client, settings, patient.account_id, patient)
    bundle = answer["data"]["internationalPatientSummary"]  # type: ignore[index]
    validated(json.dumps(bundle))
    assert bundle["type"] == "document"
    sections = _sections(bundle)
    assert {name: _empty_reason(s) for name, s in sections.items()} == {
        "problems": None, "allergies": None, "medications": None,
        "immunizations": "nilknown", "vital signs": None, "directives": "nilknown"}
    [weight] = [e["resource"] for e in bundle["entry"]
                if e["resource"]["resourceType"] == "Observation"]
    assert weight["valueQuantity"]["value"] == 69.8  # the latest reading only
    assert any(e["resource"]["resourceType"] == "Patient" for e in bundle["entry"])


async def test_a_professional_sees_only_the_shared_sections(client: httpx.AsyncClient,
                                                            settings: Settings) -> None:
    patient = await _record()
    nurse = await make_professional("nurse")
    now = clock.now()
    await Grant.create(patient=patient, professional=nurse, sections="allergies,treatments",
                       created_at=now, expires_at=now + timedelta(days=7))
    answer = await _summary(client, settings, nurse.account_id, patient)
    bundle = answer["data"]["internationalPatientSummary"]  # type: ignore[index]
    validated(json.dumps(bundle))
    sections = _sections(bundle)
    assert {name: _empty_reason(s) for name, s in sections.items()} == {
        "problems": "withheld", "allergies": None, "medications": None,
        "immunizations": "withheld", "vital signs": "withheld", "directives": "withheld"}
    types = sorted(e["resource"]["resourceType"] for e in bundle["entry"])
    assert types == ["AllergyIntolerance", "Composition", "MedicationStatement"]
    assert "asthme" not in json.dumps(bundle)
    assert "Not shared with you." in sections["problems"]["text"]["div"]


async def test_the_treating_doctor_sees_what_the_matrix_allows(client: httpx.AsyncClient,
                                                               settings: Settings) -> None:
    patient = await _record()
    doctor = await make_professional("physician")
    await TreatingDoctor.create(patient=patient, professional=doctor, designated_at=clock.now())
    answer = await _summary(client, settings, doctor.account_id, patient)
    sections = _sections(answer["data"]["internationalPatientSummary"])  # type: ignore[index]
    assert _empty_reason(sections["problems"]) is None
    assert _empty_reason(sections["allergies"]) is None


async def test_a_record_out_of_reach_is_not_found(client: httpx.AsyncClient,
                                                  settings: Settings) -> None:
    patient = await _record()
    stranger = await make_professional("physician")
    answer = await _summary(client, settings, stranger.account_id, patient)
    assert answer["data"] is None
    assert answer["errors"][0]["extensions"]["code"] == "NOT_FOUND"  # type: ignore[index]
