"""Conversations, their messages and attachments, and each account's unread count.

Every table carries ``patient_id`` (sharding by patient) and goes with the record: messages
are kept as long as the record is. What the people wrote (a conversation's subject, a
message's body, an attachment's file name) is sealed under the patient's data key like the
record's free text (api/identity/sealed.py), and so are the attachments' bytes
(api/records/documents/sealed_files.py): it cannot be searched or sorted in SQL.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from api.identity.sealed import SealedModel, SealedText

if TYPE_CHECKING:
    from api.identity.models import Account, Patient, Professional
    from api.records.documents.models import Document


# One conversation started by a professional with a patient. `last_message_id` orders the
# lists by latest activity (a unique, growing number: a stable cursor).
class Conversation(SealedModel):
    id = fields.IntField(primary_key=True)
    patient: fields.ForeignKeyRelation[Patient] = fields.ForeignKeyField(
        "identity.Patient", related_name=False, on_delete=fields.CASCADE
    )
    # Null once the professional (or their account) is gone: the patient keeps the messages.
    professional: fields.ForeignKeyNullableRelation[Professional] = fields.ForeignKeyField(
        "identity.Professional", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    # The account that started it; the policy compares it with the viewer's.
    professional_account: fields.ForeignKeyNullableRelation[Account] = fields.ForeignKeyField(
        "identity.Account", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    subject = SealedText(max_length=200)
    created_at = fields.DatetimeField()
    closed_at = fields.DatetimeField(null=True)
    last_message_id = fields.IntField(default=0)
    last_message_at = fields.DatetimeField()

    patient_id: int
    professional_id: int | None
    professional_account_id: int | None

    class Meta:
        table = "conversation"
        indexes = (("patient_id", "last_message_id"),
                   ("professional_account_id", "last_message_id"))


# One message; `author` is null only once the author's account is gone.
class Message(SealedModel):
    id = fields.IntField(primary_key=True)
    patient: fields.ForeignKeyRelation[Patient] = fields.ForeignKeyField(
        "identity.Patient", related_name=False, on_delete=fields.CASCADE
    )
    conversation: fields.ForeignKeyRelation[Conversation] = fields.ForeignKeyField(
        "messaging.Conversation", related_name="messages", on_delete=fields.CASCADE
    )
    author: fields.ForeignKeyNullableRelation[Account] = fields.ForeignKeyField(
        "identity.Account", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    # True when the author wrote as the professional of the conversation.
    from_professional = fields.BooleanField(default=False)
    body = SealedText()
    created_at = fields.DatetimeField()

    patient_id: int
    conversation_id: int
    author_id: int | None

    class Meta:
        table = "message"
        indexes = (("conversation_id", "id"),)


# A file sent with a message: the bytes live in the documents' storage, checked and sealed the
# same way. Filing it into the record's documents makes a copy, once (`filed_at`).
class Attachment(SealedModel):
    id = fields.IntField(primary_key=True)
    patient: fields.ForeignKeyRelation[Patient] = fields.ForeignKeyField(
        "identity.Patient", related_name=False, on_delete=fields.CASCADE
    )
    message: fields.ForeignKeyRelation[Message] = fields.ForeignKeyField(
        "messaging.Message", related_name="attachments", on_delete=fields.CASCADE
    )
    filename = SealedText(max_length=255, default="")
    content_type = fields.CharField(max_length=32)
    size_bytes = fields.IntField()
    sha256 = fields.CharField(max_length=64)
    storage_key = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField()
    filed_at = fields.DatetimeField(null=True)
    filed_document: fields.ForeignKeyNullableRelation[Document] = fields.ForeignKeyField(
        "documents.Document", related_name=False, null=True, on_delete=fields.SET_NULL
    )

    patient_id: int
    message_id: int
    filed_document_id: int | None

    class Meta:
        table = "message_attachment"
        indexes = (("message_id", "id"),)


# How many messages of the conversation this account has not read yet. Kept up to date on
# every message (the other side's counts go up) and on reading (back to zero).
class ReadState(Model):
    id = fields.IntField(primary_key=True)
    patient: fields.ForeignKeyRelation[Patient] = fields.ForeignKeyField(
        "identity.Patient", related_name=False, on_delete=fields.CASCADE
    )
    conversation: fields.ForeignKeyRelation[Conversation] = fields.ForeignKeyField(
        "messaging.Conversation", related_name="read_states", on_delete=fields.CASCADE
    )
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "identity.Account", related_name=False, on_delete=fields.CASCADE
    )
    unread = fields.IntField(default=0)
    read_at = fields.DatetimeField(null=True)

    patient_id: int
    conversation_id: int
    account_id: int

    class Meta:
        table = "conversation_read_state"
        unique_together = (("conversation", "account"),)
        indexes = (("account_id", "unread"),)


__models__ = [Conversation, Message, Attachment, ReadState]
