"""A record leaves Carnet as a FHIR bundle and comes back without loss.

Each demo record is exported (the whole record, as the operator's command does), the
person is deleted, an empty account is opened for the same person (same INS), and the file
is imported into it: every entry comes back with the same codes, values, dates (at their
precision) and the same documents, byte for byte. Grants and the access history are
exported but, by design, not imported (the patient gives their own grants again; the
history is Carnet's own).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from api.demo import PATIENTS, load_demo, load_records
from api.exchange.fhir.export import export_bundle, operator_reader
from api.identity.models import Patient, Role
from api.records.directives.models import Directives
from api.records.documents.models import Document
from api.records.documents.sealed_files import open_sealed
from api.records.documents.storage import storage_for
from api.records.entries.models import Allergy, HistoryEntry, Treatment, Vaccination
from api.records.measurements.models import Measurement
from api.settings import Settings
from tests.exchange.fhir_support import text_of
from tests.exchange.support import run_import
from tests.factories import make_account

# What must come back, per row kind: the person's data, not who typed it or when.
FIELDS: dict[Any, tuple[str, ...]] = {
    HistoryEntry: ("kind", "code", "text", "onset_date", "onset_precision", "resolution_date",
                   "status", "relative", "note"),
    Allergy: ("substance", "reaction", "severity", "criticality", "onset_date", "note"),
    Treatment: ("medication", "dose", "route", "start_date", "end_date", "prescriber", "note"),
    Vaccination: ("vaccine_code", "date", "date_precision", "lot_number", "performer",
                  "dose_number", "note"),
    Measurement: ("kind", "value", "value2", "unit", "measured_at", "note"),
    Document: ("title", "type_code", "category", "content_type", "size_bytes", "sha256",
               "document_date"),
    Directives: ("advance_directives", "trusted_person_name", "trusted_person_relation",
                 "trusted_person_phone", "trusted_person_email", "organ_donation",
                 "organ_donation_limits"),
}


async def snapshot(patient_id: int) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the record as the person's data, sorted, so two records compare."""
    found = {}
    for model, fields in FIELDS.items():
        # Instances, not values_list: the free text is sealed in the database.
        rows = [tuple(getattr(row, name) for name in fields)
                for row in await model.filter(patient_id=patient_id)]
        found[model.__name__] = sorted(rows, key=repr)
    return found


async def _bytes_of(settings: Settings, patient_id: int) -> dict[str, bytes]:
    storage = storage_for(settings)
    out = {}
    for document in await Document.filter(patient_id=patient_id):
        out[document.sha256] = b"".join([chunk async for chunk in await open_sealed(
            storage, patient_id, document.storage_key)])
    return out


@pytest.mark.parametrize("person", PATIENTS, ids=[p.first_names.split()[0] for p in PATIENTS])
async def test_a_record_exported_then_imported_into_an_empty_account_comes_back_whole(
        db: None, settings: Settings, person: Any) -> None:
    await load_demo()
    await load_records(settings)
    original = await Patient.get(ins_nir=person.nir)
    before = await snapshot(original.id)
    files_before = await _bytes_of(settings, original.id)
    assert sum(len(rows) for rows in before.values()) > 5
    exported = await text_of(export_bundle(original, operator_reader(original),
                                           storage_for(settings)))
    identity = {name: getattr(original, name) for name in (
        "ins_nir", "ins_key", "birth_name", "first_names", "birth_date", "sex",
        "birthplace_insee")}
    await original.delete()

    account = await make_account(Role.PATIENT)
    empty = await Patient.create(account=account, **identity)
    assert sum(len(rows) for rows in (await snapshot(empty.id)).values()) == 0
    report = await run_import(settings, empty, exported.encode())
    after = await snapshot(empty.id)
    for kind, rows in before.items():
        assert after[kind] == rows, kind
    assert await _bytes_of(settings, empty.id) == files_before
    for model in (HistoryEntry, Allergy, Treatment, Vaccination, Measurement, Document):
        section = {"HistoryEntry": "history", "Allergy": "allergies", "Treatment": "treatments",
                   "Vaccination": "vaccinations", "Measurement": "measurements",
                   "Document": "documents"}[model.__name__]
        assert sum(count for key, count in report.added.items()
                   if key.value == section) == len(before[model.__name__]), section
    # What was left out is only what is not imported by design.
    assert not report.left_out, [(item.label, item.reason.message_id)
                                 for item in report.left_out]

    again = await run_import(settings, empty, exported.encode())
    assert again.total_added == 0  # a second import adds nothing
    assert await snapshot(empty.id) == after
    assert isinstance(empty.birth_date, date)
