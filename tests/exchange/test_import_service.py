"""The import service: what each resource of the contract becomes, and a second import."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from api.consent.sections import Section
from api.dates import DatePrecision
from api.records.directives.models import Directives
from api.records.documents.models import Document
from api.records.entries.models import Allergy, HistoryEntry, Relative, Treatment, Vaccination
from api.records.measurements.models import Measurement
from tests.exchange import bundles
from tests.exchange.support import run_import
from tests.factories import make_patient


async def test_a_collection_of_every_kind_becomes_the_rows_of_the_record(settings, db) -> None:
    patient = await make_patient(birth_date=date(1995, 10, 14))
    report = await run_import(settings, patient, bundles.bundle(*bundles.every_kind()))
    assert report.added == {Section.HISTORY: 3, Section.ALLERGIES: 1, Section.TREATMENTS: 1,
                            Section.VACCINATIONS: 1, Section.MEASUREMENTS: 2,
                            Section.DOCUMENTS: 1, Section.DIRECTIVES: 1}
    assert report.left_out == []
    assert {item.label for item in report.not_imported} == {"Patient/patient-1",
                                                            "Consent/grant-11"}
    condition = await HistoryEntry.get(patient_id=patient.id, kind="condition")
    assert (condition.code, condition.text, condition.onset_date, condition.onset_precision,
            condition.imported, condition.imported_as) == (
        "J45", "asthme", date(2005, 1, 1), DatePrecision.YEAR, True, "urn:carnet:condition|1")
    surgery = await HistoryEntry.get(patient_id=patient.id, kind="surgery")
    assert (surgery.onset_date, surgery.onset_precision) == (date(2019, 5, 1),
                                                             DatePrecision.MONTH)
    relative = await HistoryEntry.get(patient_id=patient.id, kind="family")
    assert (relative.relative, relative.code) == (Relative.MOTHER, "E11")
    allergy = await Allergy.get(patient_id=patient.id)
    assert (allergy.substance, allergy.reaction, allergy.severity) == (
        "Pénicilline", "urticaire", "severe")
    treatment = await Treatment.get(patient_id=patient.id)
    assert (treatment.medication, treatment.route, treatment.start_date) == (
        "Ventoline 100 µg", "inhalée", date(2015, 3, 2))
    vaccination = await Vaccination.get(patient_id=patient.id)
    assert (vaccination.vaccine_code, vaccination.date, vaccination.date_precision,
            vaccination.dose_number) == ("INFLUENZA", date(2019, 5, 1), DatePrecision.MONTH, 1)
    readings = {m.kind: m for m in await Measurement.filter(patient_id=patient.id)}
    assert readings["weight"].value == Decimal("72.5")
    assert (readings["blood_pressure"].value, readings["blood_pressure"].value2) == (128, 82)
    document = await Document.get(patient_id=patient.id)
    assert (document.title, document.type_code, document.content_type, document.imported) == (
        "Compte rendu de cardiologie", "11488-4", "application/pdf", True)
    wishes = await Directives.get(patient_id=patient.id)
    assert wishes.advance_directives == "Pas d'acharnement thérapeutique."
    assert wishes.trusted_person_name == "Jean MARTIN"


async def test_a_second_import_adds_nothing(settings, db) -> None:
    patient = await make_patient(birth_date=date(1995, 10, 14))
    document = bundles.bundle(*bundles.every_kind(), kind="transaction")
    first = await run_import(settings, patient, document)
    second = await run_import(settings, patient, document)
    assert first.total_added == 10 and second.total_added == 0
    assert len(second.left_out) == 10
    assert await HistoryEntry.filter(patient_id=patient.id).count() == 3
    assert await Document.filter(patient_id=patient.id).count() == 1


async def test_organ_donation_completes_the_directives_of_the_same_file_only(settings, db) -> None:
    patient = await make_patient(birth_date=date(1995, 10, 14))
    donation = {"resourceType": "Consent", "id": "organ-donation-10",
                "identifier": bundles.carnet_id("organ-donation", 10), "status": "active",
                "scope": bundles.directives()["scope"],
                "category": [{"coding": [{"system": bundles.LOINC, "code": "59284-0"}]}],
                "patient": bundles.SUBJECT,
                "provision": {"type": "permit", "code": [{"text": "sauf les cornées"}]}}
    report = await run_import(settings, patient, bundles.bundle(bundles.directives(), donation))
    assert report.added == {Section.DIRECTIVES: 2}
    wishes = await Directives.get(patient_id=patient.id)
    assert (wishes.organ_donation, wishes.organ_donation_limits) == ("limited",
                                                                     "sauf les cornées")
    assert wishes.advance_directives == "Pas d'acharnement thérapeutique."
    again = await run_import(settings, patient, bundles.bundle(bundles.directives()))
    assert again.total_added == 0
