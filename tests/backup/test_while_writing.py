"""A backup taken while the server keeps writing (access events, documents added and
removed) restores to a consistent state: the history verifies, every document is there."""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

from api import clock
from api.audit.log import record_event
from api.audit.models import AccessEvent, RequestKind
from api.audit.verify import verify_chains
from api.consent.sections import Basis
from api.identity.models import Patient
from api.records.documents.models import Document
from api.records.documents.services import remove_document
from api.records.documents.storage import storage_for
from api.settings import Settings
from tests.backup.support import carnet, carnet_async, reopen, wipe
from tests.factories import make_patient, make_professional


async def _one(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def _add_document(settings: Settings, patient: Patient, n: int) -> None:
    data = f"%PDF-1.4 written while the backup runs, number {n}".encode()
    key = await storage_for(settings).put(_one(data))
    moment = clock.now()
    await Document.create(
        patient_id=patient.id, title=f"Document {n}", type_code="11488-4", category="report",
        content_type="application/pdf", size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(), storage_key=key,
        document_date=date(2024, 1, 1), created_at=moment, updated_at=moment,
        created_by_id=patient.account_id, updated_by_id=patient.account_id)


async def _keep_writing(settings: Settings, patients: list[Patient], doctor_account: int,
                        stop: asyncio.Event) -> int:
    n = 0
    while not stop.is_set():
        n += 1
        patient = patients[n % len(patients)]
        await record_event(patient_id=patient.id, viewer_account_id=doctor_account,
                           basis=Basis.EMERGENCY, sections=(), actions=(),
                           request_kind=RequestKind.EMERGENCY_OPEN, detail=f"visit {n}")
        if n % 3 == 0:
            await _add_document(settings, patient, n)
        if n % 7 == 0:
            oldest = await Document.filter(patient_id=patient.id).order_by("id").first()
            if oldest is not None:
                await remove_document(storage_for(settings), oldest)
        await asyncio.sleep(0)
    return n


async def test_a_backup_taken_while_writing_restores_consistently(
        settings: Settings, db: None, tmp_path: Path) -> None:
    patients = [await make_patient(), await make_patient()]
    doctor = await make_professional()
    for n in range(6):
        await _add_document(settings, patients[n % 2], n)
    stop = asyncio.Event()
    writer = asyncio.create_task(_keep_writing(settings, patients, doctor.account_id, stop))
    await asyncio.sleep(0.2)
    events_before = await AccessEvent.all().count()
    archive = tmp_path / "busy.tar"
    code, _, err = await carnet_async(settings, "backup", str(archive))
    stop.set()
    await writer
    events_after = await AccessEvent.all().count()
    assert code == 0, err
    assert events_after > events_before > 0  # the writer went on during the backup
    keys = tmp_path / "keys.json"
    assert carnet(settings, "keys", "export", str(keys)).returncode == 0

    await wipe(settings)
    restored = carnet(settings, "restore", str(archive), "--keys", str(keys))
    assert restored.returncode == 0, restored.stderr
    assert "imported from the keys file" in restored.stdout
    assert "have no data key" not in restored.stdout
    await reopen(settings)
    report = await verify_chains(settings)
    assert report.ok, report.lines()
    assert events_before <= report.events <= events_after
    storage = storage_for(settings)
    documents = await Document.all()
    assert documents
    for document in documents:
        data = b"".join([chunk async for chunk in storage.open(document.storage_key)])
        assert hashlib.sha256(data).hexdigest() == document.sha256
