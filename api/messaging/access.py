"""Finding a conversation and asking the policy about it; writing professional reads to the
access history.

A conversation the viewer may not see and one that does not exist get the same answer
(NOT_FOUND, the words of ``api.consent.permissions.OUT_OF_REACH``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection

import strawberry

from api.audit.log import record_event
from api.audit.models import RequestKind
from api.audit.references import (
    CONVERSATION,
    ReferenceSource,
    reference,
    register_reference_source,
)
from api.consent.facts import ConversationFacts, Decision, Rights, ViewerFacts
from api.consent.permissions import OUT_OF_REACH, facts_for
from api.consent.sections import Action, Basis
from api.graphql.common import parse_id
from api.graphql.context import Info
from api.graphql.errors import ConsentRequired, NotFound
from api.messaging.models import Attachment, Conversation, Message

Rule = Callable[[ViewerFacts, Rights, ConversationFacts], Decision]


def conversation_facts(conversation: Conversation) -> ConversationFacts:
    return ConversationFacts(professional_account_id=conversation.professional_account_id,
                             closed=conversation.closed_at is not None)


def refusal(decision: Decision) -> Exception:
    if decision.not_found:
        return NotFound(OUT_OF_REACH)
    reason = decision.reason.value if decision.reason else "denied"
    return ConsentRequired("You may not do this in this conversation.", reason=reason)


async def decide_on(info: Info, conversation: Conversation, rule: Rule) -> Decision:
    viewer, rights = await facts_for(info.context, conversation.patient)
    return rule(viewer, rights, conversation_facts(conversation))


async def conversation_by_id(raw_id: strawberry.ID | str | int, what: str = "id"
                             ) -> Conversation:
    conversation = await Conversation.filter(id=parse_id(raw_id, what)).select_related(
        "patient", "professional").first()
    if conversation is None:
        raise NotFound(OUT_OF_REACH)
    return conversation


async def find_conversation(info: Info, raw_id: strawberry.ID | str | int, rule: Rule,
                            what: str = "id") -> tuple[Conversation, Decision]:
    """The conversation once ``rule`` allows the viewer; else NOT_FOUND or CONSENT_REQUIRED."""
    conversation = await conversation_by_id(raw_id, what)
    decision = await decide_on(info, conversation, rule)
    if not decision.allowed:
        raise refusal(decision)
    return conversation, decision


async def _conversation_of(attachment: Attachment) -> int | None:
    # Not through select_related: a message joined that way would skip its row hook and
    # keep its body sealed; only its conversation is wanted.
    found = await Message.filter(id=attachment.message_id).values_list("conversation_id",
                                                                       flat=True)
    return int(found[0]) if found else None  # type: ignore[call-overload]


async def attachment_and_conversation(attachment_id: int
                                      ) -> tuple[Attachment, Conversation] | None:
    """The attachment and its conversation (with its patient), None when either is missing."""
    attachment = await Attachment.filter(id=attachment_id).first()
    conversation_id = None if attachment is None else await _conversation_of(attachment)
    if attachment is None or conversation_id is None:
        return None
    conversation = await Conversation.filter(id=conversation_id).select_related(
        "patient").first()
    return None if conversation is None else (attachment, conversation)


async def find_attachment(info: Info, raw_id: strawberry.ID | str | int, rule: Rule
                          ) -> tuple[Attachment, Conversation, Decision]:
    attachment = await Attachment.filter(id=parse_id(raw_id, "attachmentId")).first()
    conversation_id = None if attachment is None else await _conversation_of(attachment)
    if attachment is None or conversation_id is None:
        raise NotFound(OUT_OF_REACH)
    conversation, decision = await find_conversation(info, conversation_id, rule,
                                                     "attachmentId")
    return attachment, conversation, decision


def conversation_reference(conversation: Conversation) -> str:
    """How the access history names a conversation whose messages were read."""
    return reference(CONVERSATION, conversation.id)


async def _subjects(patient_id: int, conversation_ids: Collection[int]) -> dict[int, str]:
    rows = await Conversation.filter(patient_id=patient_id, id__in=list(conversation_ids))
    return {row.id: row.subject for row in rows}


# The access history shows the subject of the conversation an event names, while it exists.
register_reference_source(ReferenceSource(CONVERSATION, frozenset({RequestKind.MESSAGES}),
                                          _subjects))


async def record_reading(info: Info, conversation: Conversation, basis: Basis) -> None:
    """A read of the conversation's messages by anyone but the patient goes in the patient's
    access history (once per conversation and request), naming the conversation by
    reference: its subject is sealed, the history is not (api/audit/references.py)."""
    if basis is Basis.OWNER:
        return
    noted = info.context.conversations_read
    if conversation.id in noted:
        return
    noted.add(conversation.id)
    await record_event(patient_id=conversation.patient_id,
                       viewer_account_id=info.context.require_viewer().account_id,
                       basis=basis, sections=(), actions=(Action.READ,),
                       request_kind=RequestKind.MESSAGES,
                       detail=conversation_reference(conversation))
