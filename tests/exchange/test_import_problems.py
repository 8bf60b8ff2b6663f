"""What an import leaves out and why, and the files it refuses whole (nothing written)."""

from __future__ import annotations

from datetime import date

import pytest

from api.exchange.fhir import importing
from api.exchange.fhir.reading import BundleRefused
from api.records.documents.models import Document, StoredFile
from api.records.entries.models import Allergy, HistoryEntry, Vaccination
from api.records.measurements.models import Measurement
from api.texts import text
from tests.exchange import bundles
from tests.exchange.support import run_import
from tests.factories import make_patient


def _reasons(report: importing.ImportReport) -> dict[str, str]:
    return {item.label: text("en", item.reason.message_id, **item.reason.params)
            for item in report.left_out}


async def test_unknown_types_missing_binary_and_wrong_codes_are_listed_with_reasons(
        settings, db) -> None:
    patient = await make_patient(birth_date=date(1995, 10, 14))
    document = bundles.bundle(
        bundles.condition(1),
        {"resourceType": "Spaceship", "id": "x-1"},
        {"resourceType": "Encounter", "id": "enc-1", "status": "finished",
         "class": {"code": "AMB"}},
        bundles.document(9, binary="Binary/binary-404"),
        bundles.observation(7, code="99999-9"),
        bundles.observation(8, unit="[stone_av]"),
        bundles.immunization(6, coding=[{"system": "urn:carnet:vaccine", "code": "NOPE"}]),
        bundles.condition(2, code="Z99.99.9", text=None),
        kind="transaction")
    report = await run_import(settings, patient, document)
    assert report.total_added == 1  # the first condition only
    assert _reasons(report) == {
        "Spaceship/x-1": "Unknown resource type Spaceship.",
        "Encounter/enc-1": "Carnet has no place for Encounter resources.",
        "DocumentReference/document-9": "It refers to Binary/binary-404, which is not in the "
                                        "file.",
        "Observation/measurement-7": "Unknown measurement code 99999-9.",
        "Observation/measurement-8": "The unit [stone_av] cannot be converted to kg.",
        "Immunization/vaccination-6": "Unknown vaccine NOPE.",
        "Condition/condition-2": "Unknown ICD-10 code Z99.99.9.",
    }
    assert await Document.filter(patient_id=patient.id).count() == 0
    assert await Vaccination.filter(patient_id=patient.id).count() == 0


async def test_values_the_section_refuses_are_skipped_with_its_own_words(settings, db) -> None:
    patient = await make_patient(birth_date=date(1995, 10, 14))
    future = bundles.allergy(4)
    future["onsetDateTime"] = "2999-01-01"
    report = await run_import(settings, patient, bundles.bundle(
        future, bundles.observation(7, value=900)))
    assert report.total_added == 0
    reasons = {item.label: item.reason for item in report.left_out}
    assert [p.code for p in reasons["AllergyIntolerance/allergy-4"].problems] == [
        "DATE_IN_FUTURE"]
    assert [p.code for p in reasons["Observation/measurement-7"].problems] == ["ABOVE_MAXIMUM"]


async def test_units_are_converted_to_the_kinds_unit(settings, db) -> None:
    patient = await make_patient(birth_date=date(1995, 10, 14))
    report = await run_import(settings, patient, bundles.bundle(
        bundles.observation(1, code="29463-7", value=72500, unit="g"),
        bundles.observation(2, code="2339-0", value=95, unit="mg/dL")))
    assert report.total_added == 2
    values = {m.kind: float(m.value) for m in await Measurement.filter(patient_id=patient.id)}
    assert values == {"weight": 72.5, "glucose": 0.95}


@pytest.mark.parametrize(("data", "location"), [
    (b'{"resourceType": "Bundle",\n "type": "collection", "entry": [}', "line 2, column 34"),
    (b'{"resourceType": "Patient", "id": "p"}', "resourceType"),
    (b'{"resourceType": "Bundle", "type": "searchset"}', "type"),
    (bundles.as_bytes(bundles.bundle(bundles.condition(1), bundles.allergy(4), {
        "resourceType": "Observation", "status": "final",
        "code": {"coding": [{"system": 3, "code": "x"}]}})),
     "entry[2].resource.code.coding[0].system"),
])
async def test_a_malformed_file_is_refused_at_its_first_error_and_nothing_is_written(
        settings, db, data: bytes, location: str) -> None:
    patient = await make_patient(birth_date=date(1995, 10, 14))
    with pytest.raises(BundleRefused) as refused:
        await run_import(settings, patient, data)
    assert refused.value.location == location
    assert await HistoryEntry.filter(patient_id=patient.id).count() == 0
    assert await Allergy.filter(patient_id=patient.id).count() == 0


async def test_a_failure_while_writing_leaves_no_row_and_no_stored_bytes(
        settings, db, monkeypatch) -> None:
    patient = await make_patient(birth_date=date(1995, 10, 14))
    folder = settings.var_dir / "documents"
    files_before = {path for path in folder.rglob("*") if path.is_file()}

    async def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(importing, "add_measurement", broken)
    document = bundles.bundle(bundles.condition(1), bundles.document(9), bundles.binary(9),
                              bundles.observation(7))
    with pytest.raises(RuntimeError):
        await run_import(settings, patient, document)
    assert await HistoryEntry.filter(patient_id=patient.id).count() == 0
    assert await Document.filter(patient_id=patient.id).count() == 0
    assert await StoredFile.all().count() == 0
    assert {path for path in folder.rglob("*") if path.is_file()} == files_before


def _person(ins: str) -> dict[str, object]:
    return {"resourceType": "Patient", "id": "patient",
            "identifier": [{"system": "urn:oid:1.2.250.1.213.1.4.8", "value": ins}]}


async def test_another_persons_file_is_refused_and_the_same_persons_is_taken(settings, db):
    """A file whose Patient carries another INS is refused whole: one person's history must
    never fill another person's record. The record's own INS, or none, is taken."""
    patient = await make_patient(birth_date=date(1995, 10, 14))
    other = "1" + patient.ins_nir[1:] if patient.ins_nir[0] != "1" else "2" + patient.ins_nir[1:]
    with pytest.raises(BundleRefused) as refused:
        await run_import(settings, patient, bundles.bundle(
            _person(other + patient.ins_key), bundles.condition(1)))
    assert refused.value.location == "entry[0].resource.identifier[0]"
    assert "another person" in text("en", refused.value.message_id)
    assert "autre personne" in text("fr", refused.value.message_id)
    assert await HistoryEntry.filter(patient_id=patient.id).count() == 0
    report = await run_import(settings, patient, bundles.bundle(
        _person(patient.ins_nir + patient.ins_key), bundles.condition(1)))
    assert report.total_added == 1
