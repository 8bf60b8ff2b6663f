"""The patients' data keys are kept apart from the backups (docs/security.md): an archive holds
none, so deleting an account reaches the backups taken before; a restore keeps the target's
own keys and imports a keys export (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import sqlite3
import tarfile
from pathlib import Path

import httpx
from tortoise import Tortoise

from api.audit.models import AccessEvent
from api.backup.sqlite import sqlite_path
from api.identity.models import Account, PatientKey, Professional
from api.identity.viewer import SESSION_COOKIE
from api.lifecycle.services import delete_account
from api.messaging.services import NewFile, send_message, start_conversation
from api.records.documents.samples import pdf
from api.records.documents.storage import storage_for
from api.settings import Settings
from tests.backup.support import carnet, reopen, wipe
from tests.consent.support import OPEN_EMERGENCY, session, traits
from tests.factories import make_patient, make_professional, sign_in
from tests.files import read_from_another_process
from tests.records.documents.helpers import uploaded
from tests.records.entries.helpers import Signed, added, error_codes, own_page, read_own

SECRET_PDF = pdf("Zyxwvut-Compte-rendu", ["Zyxwvut-Document-line"]) + b"% Zyxwvut-Bytes-5 " * 40
ATTACHED_PDF = pdf("Zyxwvut-Attached-title", ["Zyxwvut-Attached-line"])
# What the leaving patient and their doctor wrote to each other.
# The reason an emergency physician gave: sealed in its row, and the access history names
# the conversation read and the emergency access by reference only.
MESSAGE_NEEDLES = (b"Zyxwvut-Subject-9", b"Zyxwvut-Body-4", b"Zyxwvut-Reply-2",
                   b"Zyxwvut-Filename-6", b"Zyxwvut-Attached-title", b"Zyxwvut-Attached-line",
                   b"Zyxwvut-Reason-11")
READ_CONVERSATION = """query($id: ID!) { conversation(id: $id) { subject
  messages { items { body } } } }"""
CONVERSATIONS = """query($p: ID!) { conversations(patientId: $p, first: 5) {
  items { id subject messages(first: 5) { items { body attachments { filename url } } } } } }"""


async def _signed(client: httpx.AsyncClient, settings: Settings, name: str) -> Signed:
    patient = await make_patient(first_names="Camille", birth_name=name)
    account = await Account.get(id=patient.account_id)
    return Signed(client, await sign_in(client, account, settings.secret_key), account, patient)


async def _again(signed: Signed, settings: Settings) -> Signed:
    """The same patient signed in again (after a restore, or as the other patient)."""
    account = await Account.get(id=signed.account.id)
    return Signed(signed.client, await sign_in(signed.client, account, settings.secret_key),
                  account, signed.patient)


async def _chunks(content: bytes):  # type: ignore[no-untyped-def]
    yield content


async def _conversation(settings: Settings, signed: Signed) -> Professional:
    """The patient's doctor writes with an attachment; the patient answers."""
    storage = storage_for(settings)
    doctor = await make_professional()
    conversation = await start_conversation(
        storage, patient=signed.patient, professional=doctor,
        subject="Zyxwvut-Subject-9", body="Zyxwvut-Body-4",
        files=[NewFile("Zyxwvut-Filename-6.pdf", _chunks(ATTACHED_PDF))])
    await send_message(storage, conversation=conversation, patient=signed.patient,
                       author_account_id=signed.account.id, body="Zyxwvut-Reply-2")
    return doctor


async def _read_by_others(client: httpx.AsyncClient, settings: Settings, signed: Signed,
                          doctor: Professional, conversation_id: str, attachment_url: str
                          ) -> None:
    """The doctor reads the conversation and downloads its attachment; an emergency
    physician opens an emergency access with a reason; the patient signs in again."""
    pro = await session(client, settings, doctor)
    assert "errors" not in await pro(READ_CONVERSATION, id=conversation_id)
    client.cookies.set(SESSION_COOKIE, pro.token)
    assert (await client.get(attachment_url)).content == ATTACHED_PDF
    urgentist = await session(client, settings, await make_professional("emergency_physician"))
    opened = await urgentist(OPEN_EMERGENCY, **traits(signed.patient), reason="Zyxwvut-Reason-11")
    assert opened["data"]["openEmergencyAccess"]["userErrors"] == [], opened
    kinds = await AccessEvent.filter(patient_id=signed.patient.id).values_list(
        "request_kind", flat=True)
    assert kinds.count("messages") == 2 and kinds.count("emergency_open") == 1, kinds


def _members(archive: Path) -> dict[str, bytes]:
    with tarfile.open(archive) as tar:
        return {member.name: tar.extractfile(member).read()  # type: ignore[union-attr]
                for member in tar if member.isfile()}


def _sqlite_files(settings: Settings) -> bytes:
    live = sqlite_path(settings.database_url)
    return b"".join(read_from_another_process(Path(f"{live}{suffix}"))
                    for suffix in ("", "-wal"))


async def test_a_restore_over_the_same_database_keeps_its_keys(
        client: httpx.AsyncClient, settings: Settings, tmp_path: Path) -> None:
    signed = await _signed(client, settings, "MARTIN")
    await added(signed, "allergies", {"substance": "Arachides"})
    url = (await uploaded(signed, SECRET_PDF, title="Bilan"))["document"]["downloadUrl"]
    keys = await PatientKey.all().count()

    archive = tmp_path / "carnet.tar.gz"
    assert carnet(settings, "backup", str(archive)).returncode == 0
    await Tortoise.close_connections()  # the server is stopped for a restore
    restored = carnet(settings, "restore", str(archive), "--force")
    assert restored.returncode == 0, restored.stderr
    assert f"Data keys: {keys} kept from this database, 0 imported" in restored.stdout
    assert "have no data key" not in restored.stdout

    await reopen(settings)
    back = await _again(signed, settings)
    assert [item["substance"] for item in (await own_page(back, "allergies"))["items"]] == [
        "Arachides"]
    download = await client.get(url)
    assert download.status_code == 200 and download.content == SECRET_PDF


async def test_a_deletion_reaches_a_backup_taken_before_it(
        client: httpx.AsyncClient, settings: Settings, tmp_path: Path) -> None:
    leaving = await _signed(client, settings, "PARTANT")
    await added(leaving, "allergies", {"substance": "Zyxwvut-Allergy-7"})
    url = (await uploaded(leaving, SECRET_PDF, title="Zyxwvut-Title"))["document"]["downloadUrl"]
    assert (await client.get(url)).content == SECRET_PDF
    doctor = await _conversation(settings, leaving)
    read = await leaving.run(CONVERSATIONS, {"p": str(leaving.patient.id)})
    assert "errors" not in read, read
    [conversation] = read["data"]["conversations"]["items"]
    assert conversation["subject"] == "Zyxwvut-Subject-9"
    attachment_url = conversation["messages"]["items"][0]["attachments"][0]["url"]
    assert (await client.get(attachment_url)).content == ATTACHED_PDF
    await _read_by_others(client, settings, leaving, doctor, conversation["id"], attachment_url)
    leaving = await _again(leaving, settings)
    wrapped = bytes((await PatientKey.get(patient_id=leaving.patient.id)).wrapped)
    staying = await _signed(client, settings, "RESTANT")
    await added(staying, "allergies", {"substance": "Pollen de bouleau"})

    archive = tmp_path / "before.tar"  # not compressed: the byte search reads it as it is
    assert carnet(settings, "backup", str(archive)).returncode == 0
    await delete_account(settings, leaving.account)
    keys = tmp_path / "keys.json"  # the current export, taken after the deletion
    assert carnet(settings, "keys", "export", str(keys)).returncode == 0
    assert str(leaving.patient.id) not in {str(key["patient_id"]) for key in
                                           json.loads(keys.read_text())["keys"]}

    await wipe(settings)
    restored = carnet(settings, "restore", str(archive), "--keys", str(keys))
    assert restored.returncode == 0, restored.stderr  # the access history verifies
    assert "every chain is intact" in restored.stdout
    assert "1 records have no data key: their sealed data" in restored.stdout

    await reopen(settings)
    # The record is back, and unreadable: its key is gone for good.
    back = await _again(leaving, settings)
    assert error_codes(await read_own(back, "allergies")) == ["RECORD_UNREADABLE"]
    download = await client.get(url)
    assert download.status_code != 200 and SECRET_PDF not in download.content
    messages = await back.run(CONVERSATIONS, {"p": str(back.patient.id)})
    assert error_codes(messages) == ["RECORD_UNREADABLE"]
    assert b"Zyxwvut" not in str(messages).encode()
    attached = await client.get(attachment_url)
    assert attached.status_code != 200 and ATTACHED_PDF not in attached.content
    # Another patient of the same backup reads everything.
    other = await _again(staying, settings)
    assert [item["substance"] for item in (await own_page(other, "allergies"))["items"]] == [
        "Pollen de bouleau"]

    searched = b"".join(_members(archive).values())
    if settings.is_sqlite:
        searched += _sqlite_files(settings)
    for needle in (b"Zyxwvut-Allergy-7", b"Zyxwvut-Title", b"Zyxwvut-Bytes-5",
                   b"Zyxwvut-Compte-rendu", *MESSAGE_NEEDLES, wrapped):
        assert needle not in searched, needle


async def test_the_archive_holds_no_data_key(
        client: httpx.AsyncClient, settings: Settings, tmp_path: Path) -> None:
    signed = await _signed(client, settings, "MARTIN")
    await added(signed, "allergies", {"substance": "Arachides"})
    rows = await PatientKey.all()
    assert rows

    archive = tmp_path / "carnet.tar"
    assert carnet(settings, "backup", str(archive)).returncode == 0
    members = _members(archive)
    manifest = json.loads(members["manifest.json"])
    assert manifest["keys"] == "kept apart"
    assert manifest["keys_left_out"] == len(rows)
    assert "patient_key" not in manifest["sequences"]
    if settings.is_sqlite:
        assert manifest["tables"]["patient_key"] == 0
        copy = tmp_path / "copy.sqlite3"
        copy.write_bytes(members["database/carnet.sqlite3"])
        connection = sqlite3.connect(copy)
        try:
            assert connection.execute("SELECT count(*) FROM patient_key").fetchone() == (0,)
        finally:
            connection.close()
    else:
        assert "patient_key" not in manifest["tables"]
        assert "database/patient_key.copy" not in members
    everything = b"".join(members.values())
    for row in rows:
        assert bytes(row.wrapped) not in everything
