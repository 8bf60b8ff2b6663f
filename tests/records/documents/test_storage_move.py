"""`carnet documents move-storage`: every document's bytes copied, checked, resumable."""

from __future__ import annotations

import asyncio
import os
import secrets
import subprocess
import sys
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest

from api.identity.models import Patient
from api.records.documents.models import Document, StoredChunk
from api.records.documents.sealed_files import open_sealed
from api.records.documents.services import DocumentDetails, add_document
from api.records.documents.storage import DatabaseStorage, LocalStorage, Storage
from api.records.documents.storage_move import run_move
from api.settings import Settings
from tests.factories import make_patient
from tests.records.documents.helpers import PDF_BYTES

BIG_PDF = b"%PDF-1.4\n" + secrets.token_bytes(600_000)  # three chunks in the database


async def _once(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def _upload(storage: Storage, patient: Patient, content: bytes) -> Document:
    return await add_document(storage, patient_id=patient.id,
                              author_account_id=patient.account_id, content=_once(content),
                              filename="scan.pdf", details=DocumentDetails())


async def _read(storage: Storage, key: str) -> bytes:
    return b"".join([chunk async for chunk in storage.open(key)])


async def _opened(storage: Storage, document: Document) -> bytes:
    """A document's clear bytes: they are stored sealed under the patient's key."""
    return b"".join([chunk async for chunk in await open_sealed(
        storage, document.patient_id, document.storage_key)])


async def _carnet(environment: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "api.cli", *args], env=environment,
        capture_output=True, text=True, timeout=120)


@pytest.fixture
def local_settings(settings: Settings, tmp_path: Path) -> Settings:
    return replace(settings, var_dir=tmp_path, document_storage="local")


@pytest.fixture
async def three_local(db: None, local_settings: Settings) -> list[Document]:
    patient = await make_patient()
    local = LocalStorage(local_settings.var_dir / "documents")
    return [await _upload(local, patient, content)
            for content in (PDF_BYTES, BIG_PDF, PDF_BYTES + b"%% another one")]


async def test_every_document_is_copied_into_the_database_and_reads_back_the_same(
        three_local: list[Document], local_settings: Settings,
        capsys: pytest.CaptureFixture[str]):
    status = await run_move(local_settings, "database", show_progress=False)
    assert status == 0
    out = capsys.readouterr().out
    assert "From local to database: 3 stored files" in out
    assert "3 copied, 0 already there, 0 not copied." in out
    assert "set CARNET_DOCUMENT_STORAGE=database, then run this command once more" in out
    local = LocalStorage(local_settings.var_dir / "documents")
    for document in three_local:
        assert (await _read(DatabaseStorage(), document.storage_key)
                == await _read(local, document.storage_key))
    assert await StoredChunk.all().count() == 1 + 3 + 1


async def test_a_second_run_copies_only_what_is_not_there_yet(
        three_local: list[Document], local_settings: Settings,
        capsys: pytest.CaptureFixture[str]):
    first = three_local[0]
    local = LocalStorage(local_settings.var_dir / "documents")
    await DatabaseStorage().put_under(first.storage_key, local.open(first.storage_key))
    assert await run_move(local_settings, "database", show_progress=False) == 0
    assert "2 copied, 1 already there" in capsys.readouterr().out
    switched = replace(local_settings, document_storage="database")
    assert await run_move(switched, "database", show_progress=False) == 0
    out = capsys.readouterr().out
    assert "0 copied, 3 already there" in out
    assert "still uses" not in out


async def test_missing_or_damaged_bytes_are_reported_and_never_copied(
        three_local: list[Document], local_settings: Settings,
        capsys: pytest.CaptureFixture[str]):
    local = LocalStorage(local_settings.var_dir / "documents")
    missing, damaged, sound = three_local
    local.path_of(missing.storage_key).unlink()
    path = local.path_of(damaged.storage_key)
    path.write_bytes(path.read_bytes()[:-1] + b"!")  # same size, other bytes
    assert await run_move(local_settings, "database", show_progress=False) == 1
    captured = capsys.readouterr()
    assert f"document {missing.id}: its bytes are missing from the source" in captured.err
    assert f"document {damaged.id}: not copied, the source does not match" in captured.err
    assert "1 copied, 0 already there, 2 not copied." in captured.out
    database = DatabaseStorage()
    assert not await database.exists(missing.storage_key)
    assert not await database.exists(damaged.storage_key)
    assert await StoredChunk.filter(key=damaged.storage_key).count() == 0
    assert await database.exists(sound.storage_key)


async def test_documents_move_back_from_the_database_to_local_files(
        db: None, settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    patient = await make_patient()
    document = await _upload(DatabaseStorage(), patient, BIG_PDF)
    on_database = replace(settings, var_dir=tmp_path, document_storage="database")
    assert await run_move(on_database, "local", show_progress=True) == 0
    assert "1 copied" in capsys.readouterr().out
    local = LocalStorage(tmp_path / "documents")
    stored = local.path_of(document.storage_key).read_bytes()
    assert BIG_PDF[:64] not in stored  # sealed in either storage
    assert await _opened(local, document) == BIG_PDF


async def test_the_command_copies_with_the_deployment_settings(
        three_local: list[Document], settings: Settings, local_settings: Settings):
    environment = {**os.environ, "DATABASE_URL": settings.database_url,
                   "SECRET_KEY": settings.secret_key,
                   "CARNET_VAR_DIR": str(local_settings.var_dir),
                   "CARNET_DOCUMENT_STORAGE": "local"}
    done = await _carnet(environment, "documents", "move-storage", "--to", "database")
    assert done.returncode == 0, done.stderr
    assert "3 copied, 0 already there, 0 not copied." in done.stdout
    for document in three_local:
        assert await DatabaseStorage().exists(document.storage_key)
    refused = await _carnet(environment, "documents", "move-storage", "--to", "s3")
    assert refused.returncode == 2
    assert "invalid choice: 's3'" in refused.stderr


async def test_message_attachments_move_with_the_documents(
        db: None, local_settings: Settings, capsys: pytest.CaptureFixture[str]):
    """Attachments share the documents storage: a switch that left them behind would lose
    them (the command line names every holder of stored bytes)."""
    from api.cli import STORED_BYTES_HOLDERS
    from api.messaging.models import Attachment
    from api.messaging.services import NewFile, start_conversation
    from tests.factories import make_professional

    patient = await make_patient()
    professional = await make_professional()
    local = LocalStorage(local_settings.var_dir / "documents")
    document = await _upload(local, patient, PDF_BYTES)
    await start_conversation(local, patient=patient, professional=professional,
                             subject="Vos résultats", body="Voici le compte rendu.",
                             files=[NewFile("compte-rendu.pdf", _once(BIG_PDF))])
    attachment = await Attachment.get()
    status = await run_move(local_settings, "database", show_progress=False,
                            holders=STORED_BYTES_HOLDERS)
    assert status == 0
    assert "2 stored files" in capsys.readouterr().out
    # Sealed like documents: moved as they are, opened with the patient's key.
    assert BIG_PDF[:64] not in await _read(DatabaseStorage(), attachment.storage_key)
    assert b"".join([chunk async for chunk in await open_sealed(
        DatabaseStorage(), patient.id, attachment.storage_key)]) == BIG_PDF
    assert await _opened(DatabaseStorage(), document) == PDF_BYTES
