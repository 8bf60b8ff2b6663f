"""GraphQL types of secure messaging."""

from __future__ import annotations

from datetime import datetime

import strawberry

from api.consent.sections import Basis
from api.graphql.common import Page, decode_number_cursor, encode_cursor, page_of, page_size
from api.graphql.context import Info
from api.identity.models import Patient, Professional
from api.identity.types import ProfessionalType
from api.messaging.access import record_reading
from api.messaging.models import Attachment, Conversation, Message


def attachment_url(attachment_id: int) -> str:
    return f"/messages/attachments/{attachment_id}"


@strawberry.type(name="MessageAttachment",
                 description="A file sent with a message (PDF, JPEG or PNG, checked like "
                 "documents). Download it from `url` with the same session or token.")
class AttachmentType:
    id: strawberry.ID
    filename: str
    content_type: str
    size_bytes: int
    url: str
    filed_document_id: strawberry.ID | None = strawberry.field(
        description="The document it was filed as in the record, once filed.")
    filed: bool = strawberry.field(description="Already filed into the record's documents "
                                   "(an attachment is filed once).")

    @classmethod
    def from_model(cls, row: Attachment) -> AttachmentType:
        return cls(id=strawberry.ID(str(row.id)), filename=row.filename,
                   content_type=row.content_type, size_bytes=row.size_bytes,
                   url=attachment_url(row.id),
                   filed_document_id=strawberry.ID(str(row.filed_document_id))
                   if row.filed_document_id else None,
                   filed=row.filed_at is not None)


@strawberry.type(name="Message", description="One message of a conversation.")
class MessageType:
    id: strawberry.ID
    body: str = strawberry.field(description="Plain text; line breaks are the author's.")
    created_at: datetime
    from_professional: bool = strawberry.field(
        description="Written by the conversation's professional (else by the patient's side).")
    from_me: bool = strawberry.field(description="Written by the viewer.")
    author_name: str
    attachments: list[AttachmentType]


@strawberry.type(name="ConversationPatient", description="Whose record a conversation is about.")
class ConversationPatientType:
    id: strawberry.ID
    display_name: str


def cursor_of(message: Message) -> str:
    return encode_cursor(message.id)


async def _authors(rows: list[Message]) -> dict[int, str]:
    ids = list({m.author_id for m in rows if m.author_id is not None})
    if not ids:
        return {}
    names = {p.account_id: p.display_name for p in await Patient.filter(account_id__in=ids)
             if p.account_id is not None}
    names.update({p.account_id: p.display_name
                  for p in await Professional.filter(account_id__in=ids)
                  if p.account_id is not None})
    return names


@strawberry.type(name="Conversation", description="Secure messaging between a professional "
                 "and a patient (or their parent). Only its professional and the patient's "
                 "side see it; every read by someone other than the patient is in the access "
                 "history.")
class ConversationType:
    id: strawberry.ID
    subject: str
    created_at: datetime
    closed_at: datetime | None = strawberry.field(
        description="Set once the professional closed it: nobody writes in it any more.")
    last_message_at: datetime
    unread_count: int = strawberry.field(description="Messages the viewer has not read yet.")
    patient: ConversationPatientType
    professional: ProfessionalType | None = strawberry.field(
        description="Null once the professional left Carnet; the messages stay.")
    may_reply: bool = strawberry.field(description="Whether the viewer may write in it now.")
    may_close: bool = strawberry.field(description="Whether the viewer may close it.")
    model: strawberry.Private[Conversation]
    basis: strawberry.Private[Basis]

    @classmethod
    def build(cls, conversation: Conversation, basis: Basis, unread: int) -> ConversationType:
        closed = conversation.closed_at is not None
        return cls(
            id=strawberry.ID(str(conversation.id)), subject=conversation.subject,
            created_at=conversation.created_at, closed_at=conversation.closed_at,
            last_message_at=conversation.last_message_at, unread_count=unread,
            patient=ConversationPatientType(id=strawberry.ID(str(conversation.patient_id)),
                                            display_name=conversation.patient.display_name),
            professional=ProfessionalType.from_model(conversation.professional)
            if conversation.professional is not None else None,
            may_reply=not closed, may_close=basis is Basis.CONVERSATION and not closed,
            model=conversation, basis=basis,
        )

    @strawberry.field(description="Oldest first. Reading them, for anyone but the patient, "
                      "is written to the patient's access history.")
    async def messages(self, info: Info, first: int | None = None, after: str | None = None
                       ) -> Page[MessageType]:
        size = page_size(first)
        start = decode_number_cursor(after) or 0
        conversation = self.model
        await record_reading(info, conversation, self.basis)
        in_conversation = Message.filter(conversation_id=conversation.id)
        rows = await in_conversation.filter(id__gt=start).order_by("id").limit(size + 1)
        total = await in_conversation.count()
        shown = rows[:size]
        files: dict[int, list[AttachmentType]] = {}
        if shown:
            for row in await Attachment.filter(message_id__in=[m.id for m in shown]
                                               ).order_by("id"):
                files.setdefault(row.message_id, []).append(AttachmentType.from_model(row))
        names = await _authors(shown)
        me = info.context.require_viewer().account_id
        items = [MessageType(
            id=strawberry.ID(str(m.id)), body=m.body, created_at=m.created_at,
            from_professional=m.from_professional, from_me=m.author_id == me,
            author_name=names.get(m.author_id or 0, ""), attachments=files.get(m.id, []),
        ) for m in rows]
        page: Page[MessageType] = page_of(items, size, total,
                                          lambda item: encode_cursor(item.id))
        return page

