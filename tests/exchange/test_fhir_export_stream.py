"""The export streams: a record of 10,000 entries and a 3 MB document is exported with a
memory peak far below the file's size; the command line writes the file whole, shows its
progress, and the patient's access history shows the operator's export."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import tracemalloc
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from api import clock
from api.audit.models import AccessEvent
from api.exchange.fhir.commands import run_export
from api.exchange.fhir.export import export_bundle, operator_reader
from api.identity.models import Patient
from api.records.documents.sealed_files import put_sealed
from api.records.documents.storage import storage_for
from api.records.measurements.models import Measurement
from api.settings import Settings
from tests.exchange.fhir_support import resources_of, validated
from tests.factories import make_patient
from tests.records.documents.helpers import make_document

ENTRIES = 10_000
# The command's test checks the file, its progress and the history, not the size: a record
# of a few hundred entries says as much and validates in a second rather than half a minute.
COMMAND_ENTRIES = 300


async def _large_record(settings: Settings, entries: int = ENTRIES) -> tuple[Patient, bytes]:
    patient = await make_patient(birth_name="GRAND")
    start = clock.now() - timedelta(days=entries)
    await Measurement.bulk_create([
        Measurement(patient_id=patient.id, kind="weight", value=Decimal("70.5") + i % 10,
                    unit="kg", measured_at=start + timedelta(days=i), created_at=start,
                    updated_at=start, created_by_id=patient.account_id)
        for i in range(entries)], batch_size=1000)
    content = os.urandom(3 * 1024 * 1024)

    async def chunks():  # type: ignore[no-untyped-def]
        for at in range(0, len(content), 256 * 1024):
            yield content[at:at + 256 * 1024]

    key = await put_sealed(storage_for(settings), patient.id, chunks())
    document = await make_document(patient, size_bytes=len(content),
                                   sha256=hashlib.sha256(content).hexdigest())
    document.storage_key = key
    await document.save(update_fields=["storage_key"])
    return patient, content


async def test_a_record_of_ten_thousand_entries_streams_with_a_small_memory_peak(
        db: None, settings: Settings) -> None:
    patient, _ = await _large_record(settings)
    size = 0
    tracemalloc.start()
    try:
        async for piece in export_bundle(patient, operator_reader(patient),
                                         storage_for(settings)):
            size += len(piece.encode())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    print(f"exported {size / 1e6:.1f} MB with a peak of {peak / 1e6:.1f} MB")
    assert size > 8_000_000
    assert peak < size / 4


async def test_the_command_writes_the_file_shows_progress_and_tells_the_patient(
        db: None, settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    patient, content = await _large_record(settings, COMMAND_ENTRIES)
    output = tmp_path / "record.json"
    ins = patient.ins_nir + patient.ins_key
    assert await run_export(settings, ins, output, show_progress=True) == 0
    shown = capsys.readouterr()
    rows, written = COMMAND_ENTRIES + 2, 2 * COMMAND_ENTRIES + 3
    assert f"... {rows}/{rows} rows, {written} entries written" in shown.err
    assert f"Wrote {written} entries" in shown.out
    bundle = validated(output.read_text(encoding="utf-8"))
    assert len(resources_of(bundle, "Observation")) == COMMAND_ENTRIES
    [binary] = resources_of(bundle, "Binary")
    assert base64.b64decode(binary["data"]) == content
    [reference] = resources_of(bundle, "DocumentReference")
    assert base64.b64decode(reference["content"][0]["attachment"]["hash"]) == hashlib.sha1(
        content, usedforsecurity=False).digest()
    [event] = await AccessEvent.filter(patient_id=patient.id)
    assert (event.basis.value, event.request_kind, event.viewer_name) == (
        "operator", "fhir_export", "Carnet (operator)")
    assert "measurements" in event.sections
    assert json.loads(output.read_text())["type"] == "collection"
    assert os.listdir(tmp_path) == ["record.json"]  # no partial file left beside it


async def test_the_command_refuses_a_wrong_or_unknown_ins_and_writes_nothing(
        db: None, settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    output = tmp_path / "record.json"
    assert await run_export(settings, "1234", output, show_progress=False) == 2
    assert "15 characters" in capsys.readouterr().err
    assert await run_export(settings, "158016912301295", output, show_progress=False) == 1
    assert "no record has the INS" in capsys.readouterr().err
    assert not output.exists()
