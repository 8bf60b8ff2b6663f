"""Writing conversations: start, answer, close, read, file an attachment.

Callers asked the consent policy first (api/messaging/access.py). Files are checked and
stored (sealed under the patient's data key, as documents are) before the transaction, and
removed again when anything fails: a failure leaves neither a stray file nor a row. The
message, its attachments, the unread counts and the notifications (the patient's side for a
professional's message, the professional for an answer) commit together.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from api import clock
from api.consent.models import Notification, NotificationKind
from api.consent.notifications import (
    notifications_for,
    patient_recipients,
)
from api.identity.models import Patient, Professional
from api.messaging.messages import (
    MAX_ATTACHMENTS,
    clean_body,
    clean_subject,
    problem,
)
from api.messaging.models import Attachment, Conversation, Message, ReadState
from api.records.documents.content import CheckedFile, check_stream
from api.records.documents.messages import DocumentProblem, DocumentProblems
from api.records.documents.models import Document
from api.records.documents.sealed_files import open_sealed, put_sealed
from api.records.documents.services import DocumentDetails, Transaction, add_document
from api.records.documents.storage import Storage


@dataclass(frozen=True)
class NewFile:
    """A file sent with a message: its name as the client gave it, and its bytes."""

    filename: str
    content: AsyncIterator[bytes]


@dataclass(frozen=True)
class StoredFile:
    filename: str
    key: str
    checked: CheckedFile


async def has_deposited(professional_account_id: int, patient_id: int) -> bool:
    """Whether this professional added a document that is still in the record."""
    return await Document.filter(patient_id=patient_id,
                                 created_by_id=professional_account_id).exists()


async def _store_files(storage: Storage, patient_id: int, files: Sequence[NewFile]
                       ) -> list[StoredFile]:
    """Check and store every file, sealed for the patient; on the first problem, remove those
    already stored."""
    if len(files) > MAX_ATTACHMENTS:
        raise DocumentProblems([problem("TOO_MANY_ATTACHMENTS", "attachments")])
    stored: list[StoredFile] = []
    try:
        for new in files:
            checked, stream = await check_stream(new.content)
            key = await put_sealed(storage, patient_id, stream)
            stored.append(StoredFile(new.filename, key, checked))
    except DocumentProblem as found:
        await _forget(storage, stored)
        raise DocumentProblems([found.for_field("attachments")]) from None
    except BaseException:
        await _forget(storage, stored)
        raise
    return stored


async def _forget(storage: Storage, stored: Sequence[StoredFile]) -> None:
    for item in stored:
        await asyncio.shield(storage.delete(item.key))


async def participants(conversation: Conversation, patient: Patient, now: datetime) -> list[int]:
    """The accounts on either side: the professional, the patient and a minor's parents."""
    recipients = await patient_recipients([patient], now)
    professional = conversation.professional_account_id
    return list(dict.fromkeys([*([professional] if professional else []),
                               *recipients[patient.id]]))


async def _count_unread(connection: BaseDBAsyncClient, conversation: Conversation,
                        accounts: Sequence[int], author_account_id: int) -> None:
    """One more unread message for everyone but the author; the author has read it all."""
    others = [a for a in accounts if a != author_account_id]
    existing = set(await ReadState.filter(conversation_id=conversation.id).using_db(connection)
                   .values_list("account_id", flat=True))
    if others:
        await ReadState.filter(conversation_id=conversation.id, account_id__in=others
                               ).using_db(connection).update(unread=F("unread") + 1)
    new = [ReadState(patient_id=conversation.patient_id, conversation_id=conversation.id,
                     account_id=account, unread=0 if account == author_account_id else 1)
           for account in dict.fromkeys([*others, author_account_id]) if account not in existing]
    if new:
        await ReadState.bulk_create(new, using_db=connection)
    await ReadState.filter(conversation_id=conversation.id, account_id=author_account_id
                           ).using_db(connection).update(unread=0, read_at=clock.now())


async def _notify(connection: BaseDBAsyncClient, conversation: Conversation, patient: Patient,
                  professional: Professional, now: datetime) -> None:
    recipients = (await patient_recipients([patient], now))[patient.id]
    payload = {"patient": patient.display_name, "professional": professional.display_name,
               "profession": professional.profession, "conversation_id": str(conversation.id)}
    rows = notifications_for(recipients, patient, NotificationKind.NEW_MESSAGE, payload, now)
    if rows:
        await Notification.bulk_create(rows, using_db=connection)


async def _notify_professional(connection: BaseDBAsyncClient, conversation: Conversation,
                               patient: Patient, author_account_id: int,
                               now: datetime) -> None:
    """The patient's side answered: the professional is told (in-app, and by e-mail if they
    opted into new-message alerts)."""
    account = conversation.professional_account_id
    if account is None:
        return
    author = await Patient.filter(account_id=author_account_id).using_db(connection).first()
    payload = {"patient": patient.display_name,
               "author": (author or patient).display_name, "subject": conversation.subject,
               "conversation_id": str(conversation.id)}
    await Notification.bulk_create(
        notifications_for([account], patient, NotificationKind.NEW_MESSAGE, payload, now),
        using_db=connection)


async def _write(connection: BaseDBAsyncClient, conversation: Conversation, patient: Patient,
                 author_account_id: int, from_professional: bool, body: str,
                 stored: Sequence[StoredFile], now: datetime) -> Message:
    message = await Message.create(
        using_db=connection, patient_id=patient.id, conversation_id=conversation.id,
        author_id=author_account_id, from_professional=from_professional, body=body,
        created_at=now)
    if stored:
        await Attachment.bulk_create([
            Attachment(patient_id=patient.id, message_id=message.id, filename=item.filename,
                       content_type=item.checked.content_type,
                       size_bytes=item.checked.size_bytes, sha256=item.checked.sha256,
                       storage_key=item.key, created_at=now)
            for item in stored], using_db=connection)
    conversation.last_message_id, conversation.last_message_at = message.id, now
    await conversation.save(update_fields=["last_message_id", "last_message_at"],
                            using_db=connection)
    await _count_unread(connection, conversation,
                        await participants(conversation, patient, now), author_account_id)
    return message


async def start_conversation(storage: Storage, *, patient: Patient, professional: Professional,
                             subject: str, body: str, files: Sequence[NewFile] = (),
                             transaction: Transaction = in_transaction) -> Conversation:
    """A new conversation and its first message; the patient's side is told in-app."""
    subject, found = clean_subject(subject)
    body, body_problems = clean_body(body)
    if found or body_problems:
        raise DocumentProblems(found + body_problems)
    assert professional.account_id is not None  # only a professional with an account writes
    stored = await _store_files(storage, patient.id, files)
    now = clock.now()
    try:
        async with transaction() as connection:
            conversation = await Conversation.create(
                using_db=connection, patient_id=patient.id, professional_id=professional.id,
                professional_account_id=professional.account_id, subject=subject,
                created_at=now, last_message_at=now)
            await _write(connection, conversation, patient, professional.account_id, True,
                         body, stored, now)
            await _notify(connection, conversation, patient, professional, now)
    except BaseException:
        await _forget(storage, stored)
        raise
    return conversation


async def send_message(storage: Storage, *, conversation: Conversation, patient: Patient,
                       author_account_id: int, body: str, files: Sequence[NewFile] = (),
                       transaction: Transaction = in_transaction) -> Message:
    """A message in an open conversation (the caller checked it may write, and that it is
    open; the row is locked again here so a close at the same moment wins cleanly)."""
    body, found = clean_body(body)
    if found:
        raise DocumentProblems(found)
    from_professional = author_account_id == conversation.professional_account_id
    stored = await _store_files(storage, patient.id, files)
    now = clock.now()
    try:
        async with transaction() as connection:
            current = await Conversation.filter(id=conversation.id).using_db(connection
                                                                              ).first()
            if current is None or current.closed_at is not None:
                raise DocumentProblems([problem("CONVERSATION_CLOSED", "conversationId")])
            message = await _write(connection, current, patient, author_account_id,
                                   from_professional, body, stored, now)
            if from_professional and current.professional_id is not None:
                professional = await Professional.get(id=current.professional_id,
                                                      using_db=connection)
                await _notify(connection, current, patient, professional, now)
            elif not from_professional:
                await _notify_professional(connection, current, patient, author_account_id,
                                           now)
    except BaseException:
        await _forget(storage, stored)
        raise
    conversation.last_message_id, conversation.last_message_at = message.id, now
    return message


async def close_conversation(conversation: Conversation) -> Conversation:
    if conversation.closed_at is None:
        conversation.closed_at = clock.now()
        await Conversation.filter(id=conversation.id, closed_at__isnull=True).update(
            closed_at=conversation.closed_at)
    return conversation


async def mark_read(conversation: Conversation, account_id: int) -> None:
    now = clock.now()
    updated = await ReadState.filter(conversation_id=conversation.id, account_id=account_id
                                     ).update(unread=0, read_at=now)
    if not updated:
        await ReadState.create(patient_id=conversation.patient_id,
                               conversation_id=conversation.id, account_id=account_id,
                               unread=0, read_at=now)


async def unread_of(account_id: int, conversation_ids: Sequence[int]) -> dict[int, int]:
    """The account's unread count in each of these conversations (absent: none)."""
    if not conversation_ids:
        return {}
    rows = await ReadState.filter(account_id=account_id, conversation_id__in=list(
        conversation_ids), unread__gt=0).values_list("conversation_id", "unread")
    return {int(c): int(n) for c, n in rows}


async def file_attachment(storage: Storage, attachment: Attachment, *, author_account_id: int,
                          title: str | None, type_code: str | None, language: str,
                          transaction: Transaction = in_transaction) -> Document:
    """Copy an attachment into the record's documents, once; the copy is the patient's (its
    bytes opened with the patient's key and sealed again under the document's own key)."""
    # Claimed first, so two filings at once make one document; given back on failure.
    won = await Attachment.filter(id=attachment.id, filed_at__isnull=True).update(
        filed_at=clock.now())
    if not won:
        raise DocumentProblems([problem("ALREADY_FILED", "attachmentId")])
    try:
        content = await open_sealed(storage, attachment.patient_id, attachment.storage_key)
        document = await add_document(
            storage, patient_id=attachment.patient_id, author_account_id=author_account_id,
            content=content, filename=attachment.filename,
            details=DocumentDetails(title=title, type_code=type_code), language=language,
            transaction=transaction)
    except BaseException:
        await asyncio.shield(Attachment.filter(id=attachment.id).update(filed_at=None))
        raise
    await Attachment.filter(id=attachment.id).update(filed_document_id=document.id)
    attachment.filed_at, attachment.filed_document_id = clock.now(), document.id
    return document
