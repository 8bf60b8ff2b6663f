"""Encryption at rest (docs/security.md): the record's free text and document bytes are sealed
under each patient's data key; a ciphertext moved elsewhere, or a destroyed key, makes the
read fail with a clear error; rotating the master key keeps everything readable."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx
import pytest

from api import clock
from api.cli import SEALED
from api.identity import patient_keys
from api.identity.models import Account
from api.identity.patient_keys import RecordUnreadable
from api.records.documents.models import Document
from api.records.documents.storage import DatabaseStorage, LocalStorage
from api.records.entries.models import Allergy
from api.records.keys_cli import seal_everything
from api.settings import Settings
from tests.crypto.support import store as _store
from tests.crypto.support import stored as _stored
from tests.crypto.support import tampered as _tampered
from tests.factories import make_patient, sign_in
from tests.files import read_from_another_process
from tests.records.documents.helpers import PDF_BYTES, uploaded
from tests.records.entries.helpers import Signed, added, error_codes, read_own


@pytest.fixture
async def owner(client: httpx.AsyncClient, settings: Settings) -> Signed:
    patient = await make_patient(first_names="Camille", birth_name="MARTIN")
    account = await Account.get(id=patient.account_id)
    return Signed(client, await sign_in(client, account, settings.secret_key), account, patient)


@pytest.fixture(autouse=True)
def _master_key_back(settings: Settings):  # type: ignore[no-untyped-def]
    yield
    patient_keys.configure(settings.data_master_key)  # a test may rotate it


async def test_free_text_is_stored_sealed_and_read_back_clear(owner: Signed) -> None:
    entry = await added(owner, "allergies", {"substance": "Arachides", "reaction": "Urticaire",
                                             "note": "Depuis l'enfance"})
    stored = await _stored("allergy", "substance", int(entry["id"]))
    assert "Arachides" not in stored and len(stored) > 40
    assert (entry["substance"], entry["reaction"], entry["note"]) == (
        "Arachides", "Urticaire", "Depuis l'enfance")
    read = await read_own(owner, "allergies")
    assert read["data"]["me"]["patient"]["allergies"]["items"][0]["substance"] == "Arachides"


async def _allergy(patient_id: int, substance: str, reaction: str | None = None) -> Allergy:
    moment = clock.now()
    return await Allergy.create(patient_id=patient_id, substance=substance, reaction=reaction,
                                created_at=moment, updated_at=moment)


# Where a sealed value is put: (row it comes from, its column, row it goes to, column); or a
# byte of it changed in place. Each must fail to open, never read as text.
MOVES = {
    "to another row of the same patient": ("mine", "substance", "other_row", "substance"),
    "to another patient's row": ("mine", "substance", "theirs", "substance"),
    "to another column of the same row": ("mine", "reaction", "mine", "substance"),
    "with a byte changed": ("mine", "substance", "mine", "substance"),
}


@pytest.mark.parametrize("move", MOVES.values(), ids=MOVES.keys())
async def test_a_sealed_value_moved_or_altered_does_not_open(
        db: None, move: tuple[str, str, str, str]) -> None:
    mine, theirs = await make_patient(), await make_patient()
    rows = {"mine": await _allergy(mine.id, "Latex", "Choc"),
            "other_row": await _allergy(mine.id, "Iode"),
            "theirs": await _allergy(theirs.id, "Pollen")}
    source, source_column, target, target_column = move
    value = await _stored("allergy", source_column, rows[source].id)
    if (source, source_column) == (target, target_column):
        value = _tampered(value)
    await _store("allergy", target_column, rows[target].id, value)
    patient_keys.forget_cached()
    with pytest.raises(RecordUnreadable):
        await Allergy.filter(id=rows[target].id)
    untouched = [row for name, row in rows.items() if name != target]
    assert all([await Allergy.get(id=row.id) for row in untouched])


async def test_an_altered_entry_is_a_clear_error_on_the_record_page_not_garbage(
        owner: Signed) -> None:
    entry = await added(owner, "allergies", {"substance": "Latex", "reaction": "Choc"})
    await _store("allergy", "reaction", int(entry["id"]),
                 _tampered(await _stored("allergy", "reaction", int(entry["id"]))))
    body = await read_own(owner, "allergies")
    assert "RECORD_UNREADABLE" in error_codes(body)
    assert "Latex" not in str(body["data"])


SECTIONS_READ = " ".join([
    "allergies { items { substance reaction note } }",
    "treatments { items { medication dose route prescriber note } }",
    "history { items { text note } }",
    "vaccinations { items { lotNumber performer note } }",
    "documents { items { title } }",
])
RECORD = "query { me { patient { " + SECTIONS_READ + " } } }"


async def _fill(owner: Signed) -> None:
    await added(owner, "allergies", {"substance": "Arachides", "reaction": "Oedème",
                                     "note": "Stylo d'adrénaline"})
    await added(owner, "treatments", {"medication": "Lévothyroxine", "dose": "75 µg"})
    await added(owner, "history", {"kind": "CONDITION", "text": "Hypothyroïdie"})
    await added(owner, "vaccinations", {"vaccineCode": "mmr", "date": "2020-05-04",
                                        "lotNumber": "AB123", "performer": "Dr Petit"})
    await uploaded(owner, title="Bilan thyroïdien")


async def test_rotating_the_master_key_keeps_every_section_readable(
        owner: Signed, tmp_path: Path) -> None:
    await _fill(owner)
    before = await owner.run(RECORD)
    assert "errors" not in before, before
    stored = await _stored("allergy", "substance", (await Allergy.get()).id)
    summary = await patient_keys.rotate(b"\x01" * 32)
    patient_keys.forget_cached()
    assert summary.rewrapped == 1
    assert (await owner.run(RECORD))["data"] == before["data"]
    assert await _stored("allergy", "substance", (await Allergy.get()).id) == stored
    document = (await owner.run("query { me { patient { documents { items { downloadUrl } } }"
                                " } }"))["data"]["me"]["patient"]["documents"]["items"][0]
    assert (await owner.client.get(document["downloadUrl"])).content == PDF_BYTES


async def test_the_old_master_key_opens_nothing_after_a_rotation(owner: Signed,
                                                                 settings: Settings) -> None:
    await added(owner, "allergies", {"substance": "Latex"})
    await patient_keys.rotate(b"\x02" * 32)
    patient_keys.configure(settings.data_master_key)
    with pytest.raises(patient_keys.MasterKeyMismatch, match="rotate"):
        await Allergy.all()


async def test_a_destroyed_key_leaves_the_record_unreadable_with_a_clear_error(
        owner: Signed) -> None:
    await _fill(owner)
    document = (await owner.run("query { me { patient { documents { items { downloadUrl } } }"
                                " } }"))["data"]["me"]["patient"]["documents"]["items"][0]
    await patient_keys.destroy_patient_key(owner.patient.id)
    body = await owner.run(RECORD)
    assert "RECORD_UNREADABLE" in error_codes(body)
    assert not any(text in str(body) for text in ("Arachides", "Lévothyroxine", "Bilan"))
    download = await owner.client.get(document["downloadUrl"])
    assert download.status_code == 404 and PDF_BYTES[:20] not in download.content
    refused = await owner.run(
        'mutation($id: ID!) { addAllergy(input: {patientId: $id, substance: "Iode"}) '
        "{ allergy { id } } }", {"id": str(owner.patient.id)})
    assert "RECORD_UNREADABLE" in error_codes(refused)
    assert await Allergy.filter(patient_id=owner.patient.id).count() == 1
    await patient_keys.destroy_patient_key(owner.patient.id)  # again: nothing more to do
    # The pages say so in words, with nothing of the record.
    page = await owner.client.get(f"/records/{owner.patient.id}/allergies")
    assert page.status_code == 410
    assert "Ce dossier ne peut plus être lu" in page.text and "Arachides" not in page.text


def _files_under(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()]


async def test_no_clear_text_reaches_the_sqlite_file_its_wal_or_the_stored_files(
        owner: Signed, settings: Settings) -> None:
    if not settings.is_sqlite:
        pytest.skip("a byte search of the database file: SQLite only")
    marker = f"Arachides-XYZ-{uuid.uuid4().hex[:8]}"
    file_marker = f"Compte-rendu-XYZ-{uuid.uuid4().hex[:8]}".encode()
    await added(owner, "allergies", {"substance": marker, "note": marker})
    content = PDF_BYTES.replace(b"%%EOF", b"% " + file_marker + b"\n%%EOF")
    await uploaded(owner, content, title=marker)
    assert (await Allergy.get()).substance == marker
    database = Path(settings.database_url.removeprefix("sqlite://"))
    files = [database, database.with_name(database.name + "-wal"),
             *_files_under(settings.var_dir / "documents")]
    assert len([path for path in files if path.exists()]) >= 3
    for path in files:
        if path.exists():
            data = read_from_another_process(path)  # not in this process: its locks
            assert marker.encode() not in data, path
            assert file_marker not in data, path


async def test_rows_and_files_written_before_encryption_are_sealed_by_migrate(
        owner: Signed, settings: Settings) -> None:
    entry = await added(owner, "allergies", {"substance": "Latex"})
    upload = await uploaded(owner, title="Ancien compte rendu")
    document = await Document.get()
    # As an older version wrote them: clear text, no seal id, the file's clear bytes.
    await _store("allergy", "substance", int(entry["id"]), "Latex")
    await _store("allergy", "seal_id", int(entry["id"]), None)
    await _store("document", "title", document.id, "Ancien compte rendu")
    await _store("document", "original_filename", document.id, "scan.pdf")
    await _store("document", "seal_id", document.id, None)
    storage = LocalStorage(settings.var_dir / "documents") if settings.document_storage == \
        "local" else DatabaseStorage()
    await storage.delete(document.storage_key)

    async def clear_bytes():  # type: ignore[no-untyped-def]
        yield PDF_BYTES

    await storage.put_under(document.storage_key, clear_bytes())
    sealed = await seal_everything(settings, SEALED, quiet=True)
    assert (sealed["allergy"], sealed["document"]) == (1, 1)
    assert "Latex" not in await _stored("allergy", "substance", int(entry["id"]))
    assert not await storage.exists(document.storage_key)  # the clear file is gone
    body = await owner.run(RECORD)
    assert body["data"]["me"]["patient"]["allergies"]["items"][0]["substance"] == "Latex"
    assert body["data"]["me"]["patient"]["documents"]["items"][0]["title"] == \
        upload["document"]["title"]
    assert (await seal_everything(settings, SEALED, quiet=True)) == {
        table: 0 for table in sealed}  # nothing left to do


async def test_a_stored_file_altered_or_moved_is_refused_at_download(
        owner: Signed, settings: Settings) -> None:
    first = (await uploaded(owner, title="Un"))["document"]
    second = (await uploaded(owner, PDF_BYTES + b"% autre\n", title="Deux"))["document"]
    documents = {document.title: document for document in await Document.all()}
    storage = LocalStorage(settings.var_dir / "documents") if settings.document_storage == \
        "local" else DatabaseStorage()

    async def read(key: str) -> bytes:
        return b"".join([piece async for piece in storage.open(key)])

    async def put(key: str, data: bytes) -> None:
        async def chunks():  # type: ignore[no-untyped-def]
            yield data
        await storage.delete(key)
        await storage.put_under(key, chunks())

    # The second document's sealed bytes put under the first one's key: they do not open.
    await put(documents["Un"].storage_key, await read(documents["Deux"].storage_key))
    moved = await owner.client.get(first["downloadUrl"])
    assert moved.status_code == 410 and b"autre" not in moved.content
    sealed = bytearray(await read(documents["Deux"].storage_key))
    sealed[40] ^= 1
    await put(documents["Deux"].storage_key, bytes(sealed))
    assert (await owner.client.get(second["downloadUrl"])).status_code == 410
