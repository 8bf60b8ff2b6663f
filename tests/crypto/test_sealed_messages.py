"""Secure messaging is sealed at rest like the record (docs/security.md): a conversation's
subject, each message's body, an attachment's file name and its bytes are stored sealed under
the patient's data key; moved to another row, another patient's row or another column, or
altered, they do not open; read through GraphQL, the pages and the download route, they are
the clear text."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import httpx
import pytest

from api import clock
from api.cli import SEALED
from api.consent.models import Notification
from api.identity import patient_keys
from api.identity.models import Account, Patient
from api.identity.patient_keys import RecordUnreadable
from api.messaging.models import Attachment, Conversation, Message
from api.records.documents.models import Document
from api.records.documents.samples import pdf
from api.records.documents.storage import DatabaseStorage, LocalStorage, Storage
from api.records.keys_cli import seal_everything
from api.settings import Settings
from tests.consent.support import session
from tests.crypto.support import store, stored, tampered
from tests.factories import make_patient, make_professional
from tests.files import read_from_another_process
from tests.messaging.support import FILE, READ, designate, send_with_files, started

ATTACHED = pdf("Compte-rendu-XYZ", ["Ferritine basse"])


def _storage(settings: Settings) -> Storage:
    return LocalStorage(settings.var_dir / "documents") if settings.document_storage == \
        "local" else DatabaseStorage()


async def _thread(client: httpx.AsyncClient, settings: Settings, subject: str, body: str,
                  filename: str) -> tuple[Patient, str, str]:
    """A doctor's conversation with a patient and the patient's answer with an attachment;
    the patient, the conversation id, the attachment's download url."""
    patient, doctor = await make_patient(), await make_professional()
    await designate(patient, doctor)
    conversation_id = await started(await session(client, settings, doctor), patient,
                                    subject=subject, body=body)
    me = await session(client, settings, await Account.get(id=patient.account_id))
    sent = await send_with_files(me, conversation_id, body,
                                 [(filename, ATTACHED, "application/pdf")])
    assert sent["data"]["sendMessage"]["userErrors"] == [], sent
    read = (await me(READ, id=conversation_id))["data"]["conversation"]
    return patient, conversation_id, read["messages"]["items"][1]["attachments"][0]["url"]


async def test_messages_are_stored_sealed_and_read_back_clear(client, settings, db):
    marker = f"Ferritine-XYZ-{uuid.uuid4().hex[:8]}"
    patient, conversation_id, url = await _thread(client, settings, f"Bilan {marker}",
                                                  f"Bonjour,\n{marker}", f"{marker}.pdf")
    conversation = await Conversation.get(id=int(conversation_id))
    message = await Message.filter(conversation_id=conversation.id).order_by("id").first()
    attachment = await Attachment.get()
    assert message is not None
    assert (conversation.subject, message.body, attachment.filename) == (
        f"Bilan {marker}", f"Bonjour,\n{marker}", f"{marker}.pdf")
    for table, column, row_id in (("conversation", "subject", conversation.id),
                                  ("message", "body", message.id),
                                  ("message_attachment", "filename", attachment.id)):
        raw = await stored(table, column, row_id)
        assert marker not in raw and len(raw) > 40, (table, column)
    raw_file = b"".join([piece async for piece in _storage(settings).open(
        attachment.storage_key)])
    assert b"Compte-rendu-XYZ" not in raw_file and b"Ferritine basse" not in raw_file
    # Read back clear: GraphQL, the download, and the pages of both sides.
    me = await session(client, settings, await Account.get(id=patient.account_id))
    thread = (await me(READ, id=conversation_id))["data"]["conversation"]
    assert thread["subject"] == f"Bilan {marker}"
    assert [m["body"] for m in thread["messages"]["items"]] == [f"Bonjour,\n{marker}"] * 2
    assert thread["messages"]["items"][1]["attachments"][0]["filename"] == f"{marker}.pdf"
    download = await client.get(url)
    assert download.status_code == 200 and download.content == ATTACHED
    assert marker in download.headers["content-disposition"]
    page = await client.get(f"/records/{patient.id}/messages/{conversation_id}")
    assert page.status_code == 200 and marker in page.text
    # Filed into the record, the attachment becomes a sealed document that opens as one.
    filed = (await me(FILE, id=thread["messages"]["items"][1]["attachments"][0]["id"])
             )["data"]["fileAttachmentIntoDocuments"]
    assert filed["userErrors"] == [] and filed["document"]["title"] == marker
    document = await Document.get(patient_id=patient.id)
    assert document.storage_key != attachment.storage_key
    documents = await me("query { me { patient { documents { items { downloadUrl } } } } }")
    [item] = documents["data"]["me"]["patient"]["documents"]["items"]
    assert (await client.get(item["downloadUrl"])).content == ATTACHED


async def test_no_message_reaches_the_sqlite_file_its_wal_or_the_stored_files(
        client, settings, db):
    if not settings.is_sqlite:
        pytest.skip("a byte search of the database file: SQLite only")
    marker = f"Ordonnance-XYZ-{uuid.uuid4().hex[:8]}"
    await _thread(client, settings, marker, marker, f"{marker}.pdf")
    database = Path(settings.database_url.removeprefix("sqlite://"))
    files = [database, database.with_name(database.name + "-wal"),
             *(path for path in (settings.var_dir / "documents").rglob("*") if path.is_file())]
    for path in files:
        if path.exists():
            data = read_from_another_process(path)
            for needle in (marker.encode(), b"Compte-rendu-XYZ", b"Ferritine basse"):
                assert needle not in data, (needle, path)


async def _conversation(patient: Patient, subject: str, body: str) -> tuple[int, int]:
    now = clock.now()
    conversation = await Conversation.create(patient_id=patient.id, subject=subject,
                                             created_at=now, last_message_at=now)
    message = await Message.create(patient_id=patient.id, conversation_id=conversation.id,
                                   body=body, created_at=now)
    return conversation.id, message.id


# Where a sealed value is put: (row it comes from, its table and column, row it goes to, its
# table and column); or a byte of it changed in place. Each must fail to open.
MOVES = {
    "a body to another message of the same patient": (
        "mine", "message", "body", "other_row", "message", "body"),
    "a body to another patient's message": (
        "mine", "message", "body", "theirs", "message", "body"),
    "a subject to another patient's conversation": (
        "mine", "conversation", "subject", "theirs", "conversation", "subject"),
    "a body as a subject of the same patient": (
        "mine", "message", "body", "other_row", "conversation", "subject"),
    "a body with a byte changed": ("mine", "message", "body", "mine", "message", "body"),
}


@pytest.mark.parametrize("move", MOVES.values(), ids=MOVES.keys())
async def test_a_sealed_message_moved_or_altered_does_not_open(
        db: None, move: tuple[str, str, str, str, str, str]) -> None:
    mine, theirs = await make_patient(), await make_patient()
    rows = {"mine": await _conversation(mine, "Tension", "Vos chiffres sont bons"),
            "other_row": await _conversation(mine, "Vaccin", "Rappel en mai"),
            "theirs": await _conversation(theirs, "Dermato", "Photo reçue")}
    models = {"conversation": (Conversation, 0), "message": (Message, 1)}
    source, source_table, source_column, target, target_table, target_column = move
    value = await stored(source_table, source_column, rows[source][models[source_table][1]])
    if (source, source_table) == (target, target_table):
        value = tampered(value)
    model, index = models[target_table]
    await store(target_table, target_column, rows[target][index], value)
    patient_keys.forget_cached()
    with pytest.raises(RecordUnreadable):
        await model.filter(id=rows[target][index])
    for name, ids in rows.items():
        if name != target:
            assert await Conversation.get(id=ids[0]) and await Message.get(id=ids[1])


async def test_an_attachment_moved_to_another_patient_or_altered_does_not_open(
        client, settings, db):
    me, _, mine = await _thread(client, settings, "Bilan", "Voici", "bilan.pdf")
    them, _, theirs = await _thread(client, settings, "Radio", "Voici", "radio.pdf")
    first, second = await Attachment.all().order_by("id")
    storage = _storage(settings)

    async def read(key: str) -> bytes:
        return b"".join([piece async for piece in storage.open(key)])

    async def put(key: str, data: bytes) -> None:
        async def chunks():  # type: ignore[no-untyped-def]
            yield data
        await storage.delete(key)
        await storage.put_under(key, chunks())

    # The other patient's sealed bytes put under the first attachment's key: they do not open.
    await put(first.storage_key, await read(second.storage_key))
    await session(client, settings, await Account.get(id=me.account_id))
    moved = await client.get(mine)
    assert moved.status_code == 410 and ATTACHED not in moved.content
    sealed = bytearray(await read(second.storage_key))
    sealed[40] ^= 1
    await put(second.storage_key, bytes(sealed))
    await session(client, settings, await Account.get(id=them.account_id))
    assert (await client.get(theirs)).status_code == 410
    # The name, moved to the other patient's attachment, does not open either.
    await store("message_attachment", "filename", second.id,
                await stored("message_attachment", "filename", first.id))
    patient_keys.forget_cached()
    with pytest.raises(RecordUnreadable):
        await Attachment.get(id=second.id)


async def test_messages_and_notifications_written_before_encryption_are_sealed_by_migrate(
        client, settings, db):
    patient, conversation_id, _ = await _thread(client, settings, "Bilan", "Voici",
                                                  "bilan.pdf")
    conversation = await Conversation.get(id=int(conversation_id))
    messages = await Message.filter(conversation_id=conversation.id).order_by("id")
    attachment = await Attachment.get()
    reply = await Notification.get(recipient_id=conversation.professional_account_id)
    # As an older version wrote them: clear text, no seal id, the file's clear bytes, the
    # subject in the notification's payload.
    for table, column, row_id, value in (
            ("conversation", "subject", conversation.id, "Bilan"),
            *(("message", "body", message.id, "Voici") for message in messages),
            ("message_attachment", "filename", attachment.id, "bilan.pdf")):
        await store(table, column, row_id, value)
        await store(table, "seal_id", row_id, None)
    await store("consent_notification", "payload", reply.id,
                json.dumps({**reply.payload, "subject": "Bilan"}))
    await store("consent_notification", "quoted", reply.id, None)
    await store("consent_notification", "seal_id", reply.id, None)
    storage = _storage(settings)
    await storage.delete(attachment.storage_key)

    async def clear_bytes():  # type: ignore[no-untyped-def]
        yield ATTACHED

    await storage.put_under(attachment.storage_key, clear_bytes())
    sealed = await seal_everything(settings, SEALED, quiet=True)
    assert (sealed["conversation"], sealed["message"], sealed["message attachment"],
            sealed["consent_notification"]) == (1, 2, 1, 1)
    assert "Bilan" not in await stored("conversation", "subject", conversation.id)
    assert "Bilan" not in await stored("consent_notification", "payload", reply.id)
    assert not await storage.exists(attachment.storage_key)  # the clear file is gone
    me = await session(client, settings, await Account.get(id=patient.account_id))
    thread = (await me(READ, id=conversation_id))["data"]["conversation"]
    assert thread["subject"] == "Bilan"
    assert [m["body"] for m in thread["messages"]["items"]] == ["Voici", "Voici"]
    [file] = thread["messages"]["items"][1]["attachments"]
    assert file["filename"] == "bilan.pdf"
    assert (await client.get(file["url"])).content == ATTACHED
    assert (await Notification.get(id=reply.id)).content()["subject"] == "Bilan"
    assert (await seal_everything(settings, SEALED, quiet=True)) == {
        table: 0 for table in sealed}  # nothing left to do
