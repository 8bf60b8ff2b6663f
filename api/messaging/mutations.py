"""Messaging mutations: start, answer (with attachments: a GraphQL multipart request), close,
mark read, file an attachment into the record's documents."""

# strawberry's decorators are untyped for mypy.
# mypy: disable-error-code="untyped-decorator"

from __future__ import annotations

import strawberry
from starlette.datastructures import UploadFile
from strawberry.file_uploads import Upload

from api.audit.log import audited_transaction, discard_writes
from api.consent.access import patient_by_id
from api.consent.permissions import authorize, facts_for
from api.consent.policy import (
    may_close_conversation,
    may_file_attachment,
    may_read_conversation,
    may_start_conversation,
    may_write_in_conversation,
)
from api.consent.sections import Action, Refusal, Section
from api.graphql.common import UserError
from api.graphql.context import Info
from api.identity.models import Professional
from api.messaging import services
from api.messaging.access import decide_on, find_attachment, find_conversation, refusal
from api.messaging.messages import problem
from api.messaging.services import NewFile
from api.messaging.types import ConversationType
from api.records.documents.content import chunks_of, clean_filename
from api.records.documents.messages import DocumentProblems
from api.records.documents.storage import storage_for
from api.records.documents.types import DocumentType

ATTACHMENTS = "A PDF, JPEG or PNG of at most 20 MB each, checked like documents; 5 at most."


@strawberry.input(description="A new conversation with a patient and its first message.")
class StartConversationInput:
    patient_id: strawberry.ID
    subject: str = strawberry.field(description="200 characters at most.")
    body: str = strawberry.field(description="The first message; line breaks are kept.")
    attachments: list[Upload] | None = strawberry.field(default=None, description=ATTACHMENTS)


@strawberry.input(description="A message in an open conversation.")
class SendMessageInput:
    conversation_id: strawberry.ID
    body: str = strawberry.field(description="Line breaks are kept; 10,000 characters at most.")
    attachments: list[Upload] | None = strawberry.field(default=None, description=ATTACHMENTS)


@strawberry.type
class ConversationPayload:
    conversation: ConversationType | None
    user_errors: list[UserError]


@strawberry.type
class SendMessagePayload:
    conversation: ConversationType | None
    message_id: strawberry.ID | None
    user_errors: list[UserError]


@strawberry.type
class FileAttachmentPayload:
    document: DocumentType | None
    user_errors: list[UserError]


def _files(uploads: list[Upload] | None) -> list[NewFile]:
    # An empty file input still sends a part, with no name and no bytes: not a file.
    found = [u for u in uploads or [] if isinstance(u, UploadFile) and (u.filename or u.size)]
    return [NewFile(clean_filename(u.filename), chunks_of(u)) for u in found]


async def _payload(info: Info, conversation_id: int) -> ConversationType:
    conversation, decision = await find_conversation(info, conversation_id,
                                                     may_read_conversation)
    assert decision.basis is not None
    account = info.context.require_viewer().account_id
    unread = (await services.unread_of(account, [conversation.id])).get(conversation.id, 0)
    return ConversationType.build(conversation, decision.basis, unread)


@strawberry.type
class MessagingMutation:
    @strawberry.mutation(description="Start a conversation with a patient (professionals with "
                         "a relation to the patient: a current grant, treating doctor, a "
                         "document they deposited, an emergency access). The patient's side is "
                         "told in-app.")
    async def start_conversation(self, info: Info, input: StartConversationInput
                                 ) -> ConversationPayload:
        language = info.context.language
        account = info.context.require_viewer().account_id
        patient = await patient_by_id(input.patient_id)
        viewer, rights = await facts_for(info.context, patient)
        professional = await Professional.filter(account_id=account).first()
        deposited = professional is not None and await services.has_deposited(account,
                                                                              patient.id)
        decision = may_start_conversation(viewer, rights, deposited=deposited)
        if not decision.allowed or professional is None:
            raise refusal(decision)
        try:
            conversation = await services.start_conversation(
                storage_for(info.context.settings), patient=patient, professional=professional,
                subject=input.subject, body=input.body, files=_files(input.attachments))
        except DocumentProblems as problems:
            return ConversationPayload(conversation=None,
                                       user_errors=problems.user_errors(language))
        return ConversationPayload(conversation=await _payload(info, conversation.id),
                                   user_errors=[])

    @strawberry.mutation(description="Write in a conversation: its professional, the patient, "
                         "a parent of a minor. A closed conversation refuses it "
                         "(userError CONVERSATION_CLOSED).")
    async def send_message(self, info: Info, input: SendMessageInput) -> SendMessagePayload:
        language = info.context.language
        conversation, _ = await find_conversation(info, input.conversation_id,
                                                  may_read_conversation, "conversationId")
        decision = await decide_on(info, conversation, may_write_in_conversation)
        if decision.reason is Refusal.CONVERSATION_CLOSED:
            closed = problem("CONVERSATION_CLOSED", "conversationId").user_error(language)
            return SendMessagePayload(conversation=None, message_id=None, user_errors=[closed])
        if not decision.allowed:
            raise refusal(decision)
        try:
            message = await services.send_message(
                storage_for(info.context.settings), conversation=conversation,
                patient=conversation.patient,
                author_account_id=info.context.require_viewer().account_id,
                body=input.body, files=_files(input.attachments))
        except DocumentProblems as problems:
            return SendMessagePayload(conversation=None, message_id=None,
                                      user_errors=problems.user_errors(language))
        return SendMessagePayload(conversation=await _payload(info, conversation.id),
                                  message_id=strawberry.ID(str(message.id)), user_errors=[])

    @strawberry.mutation(description="Close a conversation to replies (its professional only); "
                         "closing it again changes nothing.")
    async def close_conversation(self, info: Info, id: strawberry.ID) -> ConversationPayload:
        conversation, _ = await find_conversation(info, id, may_close_conversation)
        await services.close_conversation(conversation)
        return ConversationPayload(conversation=await _payload(info, conversation.id),
                                   user_errors=[])

    @strawberry.mutation(description="Mark every message of the conversation read by the "
                         "viewer.")
    async def mark_conversation_read(self, info: Info, id: strawberry.ID
                                     ) -> ConversationPayload:
        conversation, _ = await find_conversation(info, id, may_read_conversation)
        await services.mark_read(conversation, info.context.require_viewer().account_id)
        return ConversationPayload(conversation=await _payload(info, conversation.id),
                                   user_errors=[])

    @strawberry.mutation(description="File an attachment into the record's documents (the "
                         "patient's side; once per attachment). The document is the patient's, "
                         "typed 51855-5 (patient document) unless `typeCode` says otherwise.")
    async def file_attachment_into_documents(
        self, info: Info, attachment_id: strawberry.ID, title: str | None = None,
        type_code: str | None = None,
    ) -> FileAttachmentPayload:
        language = info.context.language
        attachment, conversation, _ = await find_attachment(info, attachment_id,
                                                            may_file_attachment)
        await authorize(info, conversation.patient, Section.DOCUMENTS, Action.WRITE)
        try:
            document = await services.file_attachment(
                storage_for(info.context.settings), attachment,
                author_account_id=info.context.require_viewer().account_id, title=title,
                type_code=type_code, language=language,
                transaction=lambda: audited_transaction(info.context))
        except DocumentProblems as problems:
            discard_writes(info.context)
            return FileAttachmentPayload(document=None, user_errors=problems.user_errors(language))
        return FileAttachmentPayload(document=DocumentType.from_model(document, language),
                                     user_errors=[])
