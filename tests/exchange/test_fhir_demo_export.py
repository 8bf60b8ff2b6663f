"""Every demo record exports as a FHIR R4B bundle whose every resource validates."""

from __future__ import annotations

import time

import pytest

from api.demo import PATIENTS, load_demo, load_records
from api.exchange.fhir.export import export_bundle, operator_reader
from api.identity.models import Patient
from api.records.documents.storage import storage_for
from api.settings import Settings
from tests.exchange.fhir_support import kinds, resources_of, text_of, validated


@pytest.fixture
async def demo(db: None, settings: Settings) -> None:
    await load_demo()
    await load_records(settings)


@pytest.mark.parametrize("person", PATIENTS, ids=[p.first_names.split()[0] for p in PATIENTS])
async def test_every_demo_record_exports_and_validates(demo: None, settings: Settings,
                                                      person) -> None:  # type: ignore[no-untyped-def]
    patient = await Patient.get(ins_nir=person.nir)
    started = time.perf_counter()
    text = await text_of(export_bundle(patient, operator_reader(patient), storage_for(settings)))
    seconds = time.perf_counter() - started
    bundle = validated(text)
    assert bundle["type"] == "collection"
    [identity] = resources_of(bundle, "Patient")
    assert identity["identifier"][0] == {"system": "urn:oid:1.2.250.1.213.1.4.8",
                                         "value": patient.ins_nir + patient.ins_key}
    found = kinds(bundle)
    # The size and time of each demo record's export (run with -s to read them).
    print(f"\n{person.first_names}: {sum(found.values())} entries, "
          f"{len(text.encode()) / 1000:.0f} kB in {seconds * 1000:.0f} ms")
    assert found["Provenance"] > 0

