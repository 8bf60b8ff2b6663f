"""Reading conversations: a record's (patient side), a professional's (all their patients),
one conversation with its messages, unread counts."""

# strawberry's decorators are untyped for mypy.
# mypy: disable-error-code="untyped-decorator"

from __future__ import annotations

import asyncio

import strawberry
from tortoise.expressions import Subquery
from tortoise.queryset import QuerySet

from api.consent.access import patient_by_id
from api.consent.models import Block
from api.consent.permissions import facts_for
from api.consent.policy import (
    may_list_conversations,
    may_read_conversation,
    may_start_conversation,
)
from api.consent.sections import Basis
from api.graphql.common import Page, decode_number_cursor, encode_cursor, page_of, page_size
from api.graphql.context import Info
from api.identity.models import Professional
from api.messaging.access import conversation_facts, find_conversation, refusal
from api.messaging.models import Conversation, ReadState
from api.messaging.services import has_deposited, unread_of
from api.messaging.types import ConversationPatientType, ConversationType


def _cursor(item: ConversationType) -> str:
    return encode_cursor(item.model.last_message_id)


async def _page(info: Info, query: QuerySet[Conversation], first: int | None,
                after: str | None, basis: Basis | None) -> Page[ConversationType]:
    """Latest activity first. ``basis`` is the viewer's on every row (a record's list), or
    None to ask the policy row by row (a professional's list)."""
    size = page_size(first)
    before = decode_number_cursor(after)
    total = await query.count()
    if before is not None:
        query = query.filter(last_message_id__lt=before)
    rows = await query.order_by("-last_message_id").limit(size + 1).select_related(
        "patient", "professional")
    account = info.context.require_viewer().account_id
    unread = await unread_of(account, [c.id for c in rows])
    bases = [basis] * len(rows) if basis is not None else await _bases(info, rows)
    items = [ConversationType.build(c, b, unread.get(c.id, 0))
             for c, b in zip(rows, bases, strict=True) if b is not None]
    page: Page[ConversationType] = page_of(items, size, total, _cursor)
    return page


async def _bases(info: Info, rows: list[Conversation]) -> list[Basis | None]:
    # Through the request's loaders: every patient's rights in one batch.
    facts = await asyncio.gather(*(facts_for(info.context, c.patient) for c in rows))
    decisions = [may_read_conversation(viewer, rights, conversation_facts(c))
                 for c, (viewer, rights) in zip(rows, facts, strict=True)]
    return [d.basis if d.allowed else None for d in decisions]


@strawberry.type
class MessagingQuery:
    @strawberry.field(description="The conversations of a record, latest activity first: for "
                      "the patient and, while the patient is a minor, a parent.")
    async def conversations(self, info: Info, patient_id: strawberry.ID,
                            first: int | None = None, after: str | None = None
                            ) -> Page[ConversationType]:
        patient = await patient_by_id(patient_id, context=info.context)
        viewer, rights = await facts_for(info.context, patient)
        decision = may_list_conversations(viewer, rights)
        if not decision.allowed:
            raise refusal(decision)
        return await _page(info, Conversation.filter(patient_id=patient.id), first, after,
                           decision.basis)

    @strawberry.field(description="The conversations the viewer started as a professional, "
                      "with every patient, latest activity first. `unread: true` keeps those "
                      "with messages the viewer has not read, `false` the others; `patientId` "
                      "keeps one patient's.")
    async def my_conversations(self, info: Info, first: int | None = None,
                               after: str | None = None, unread: bool | None = None,
                               patient_id: strawberry.ID | None = None
                               ) -> Page[ConversationType]:
        account = info.context.require_viewer().account_id
        # A patient who blocked the professional is out of their reach, conversations too.
        query = Conversation.filter(professional_account_id=account).exclude(
            patient_id__in=Subquery(Block.filter(professional__account_id=account)
                                    .values("patient_id")))
        if patient_id is not None:
            patient = await patient_by_id(patient_id, context=info.context)
            query = query.filter(patient_id=patient.id)
        with_unread = Subquery(ReadState.filter(account_id=account, unread__gt=0)
                               .values("conversation_id"))
        if unread is True:
            query = query.filter(id__in=with_unread)
        elif unread is False:
            query = query.exclude(id__in=with_unread)
        return await _page(info, query, first, after, None)

    @strawberry.field(description="One conversation, for its professional and the patient's "
                      "side; anyone else gets NOT_FOUND, as for an id that does not exist.")
    async def conversation(self, info: Info, id: strawberry.ID) -> ConversationType:
        conversation, decision = await find_conversation(info, id, may_read_conversation)
        assert decision.basis is not None
        account = info.context.require_viewer().account_id
        unread = (await unread_of(account, [conversation.id])).get(conversation.id, 0)
        return ConversationType.build(conversation, decision.basis, unread)

    @strawberry.field(description="The patient, when the viewer (a professional) may start a "
                      "conversation with them: a form asks before showing itself. NOT_FOUND "
                      "without any relation, CONSENT_REQUIRED for a relation that ended.")
    async def conversation_recipient(self, info: Info, patient_id: strawberry.ID
                                     ) -> ConversationPatientType:
        account = info.context.require_viewer().account_id
        patient = await patient_by_id(patient_id, context=info.context)
        viewer, rights = await facts_for(info.context, patient)
        deposited = viewer.professional is not None and await has_deposited(account, patient.id)
        decision = may_start_conversation(viewer, rights, deposited=deposited)
        if not decision.allowed or not await Professional.exists(account_id=account):
            raise refusal(decision)
        return ConversationPatientType(id=strawberry.ID(str(patient.id)),
                                       display_name=patient.display_name)

    @strawberry.field(description="Messages the viewer has not read: in one record's "
                      "conversations (patient side), or, without `patientId`, in the "
                      "conversations they started as a professional.")
    async def unread_message_count(self, info: Info, patient_id: strawberry.ID | None = None
                                   ) -> int:
        account = info.context.require_viewer().account_id
        states = ReadState.filter(account_id=account, unread__gt=0)
        if patient_id is None:
            states = states.filter(conversation__professional_account_id=account).exclude(
                patient_id__in=Subquery(Block.filter(professional__account_id=account)
                                        .values("patient_id")))
        else:
            patient = await patient_by_id(patient_id, context=info.context)
            viewer, rights = await facts_for(info.context, patient)
            decision = may_list_conversations(viewer, rights)
            if not decision.allowed:
                raise refusal(decision)
            states = states.filter(patient_id=patient.id)
        counts: list[int] = await states.values_list("unread", flat=True)  # type: ignore[assignment]
        return sum(counts)
