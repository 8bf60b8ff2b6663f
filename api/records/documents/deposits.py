"""A professional's own deposits: the list of what they deposited, and releasing one they
held back once they have seen the patient.

The list shows what the depositor typed and nothing of the record: the title, the
document's date, when it was deposited, whether it is still held back. Not the patient,
not the file, not whether the patient hid it; and nothing in a record whose patient blocked
the professional (a block beats every rule). Releasing asks the consent policy, as the
deposit did (``Action.DEPOSIT``: a block ends it), and only the document's author may:
anyone else, and any document that is not held back, is NOT_FOUND. The patient (the
parents of a minor) is told the document now shows.
"""

# strawberry's decorators are untyped for mypy.
# mypy: disable-error-code="untyped-decorator"

from __future__ import annotations

from datetime import date, datetime

import strawberry
from tortoise.expressions import Subquery

from api import clock
from api.audit.log import audited_transaction
from api.consent.models import Block, Notification, NotificationKind
from api.consent.notifications import (
    notifications_for,
    patient_recipients,
)
from api.consent.permissions import OUT_OF_REACH, authorize
from api.consent.sections import Action, Section
from api.graphql.common import (
    Page,
    UserError,
    decode_number_cursor,
    encode_cursor,
    page_of,
    page_size,
    parse_id,
)
from api.graphql.context import Info
from api.graphql.errors import CarnetError, NotFound
from api.identity.models import Professional
from api.records.documents.loaders import item_facts
from api.records.documents.models import Document
from api.sync.journal import record_change
from api.sync.models import ChangeKind


@strawberry.type(name="Deposit", description="A document the viewer deposited, as they sent "
                                              "it: nothing else of the record.")
class DepositType:
    id: strawberry.ID
    title: str
    document_date: date
    deposited_at: datetime
    held_back_until: datetime | None = strawberry.field(
        description="Until when the patient does not see it; null once it shows.")

    @classmethod
    def from_model(cls, document: Document, now: datetime) -> DepositType:
        held = document.held_back_until
        return cls(id=strawberry.ID(str(document.id)), title=document.title,
                   document_date=document.document_date, deposited_at=document.created_at,
                   held_back_until=held if held is not None and held > now else None)


@strawberry.type
class ReleaseHeldBackDocumentPayload:
    deposit: DepositType | None
    user_errors: list[UserError]


async def _professional(info: Info) -> Professional:
    viewer = info.context.require_viewer()
    professional = await Professional.get_or_none(account_id=viewer.account_id)
    if professional is None:
        raise CarnetError("Only health professionals deposit documents.",
                          code="PROFESSIONALS_ONLY")
    return professional


def _by_id(deposit: DepositType) -> str:
    return encode_cursor(deposit.id)


async def my_deposits(info: Info, first: int | None, after: str | None) -> Page[DepositType]:
    professional = await _professional(info)
    size, last = page_size(first), decode_number_cursor(after)
    blocked = Block.filter(professional_id=professional.id).values("patient_id")
    query = Document.filter(created_by_id=professional.account_id).exclude(
        patient_id__in=Subquery(blocked))
    total = await query.count()
    page = query.filter(id__lt=last) if last is not None else query
    rows = await page.order_by("-id").limit(size + 1)
    now = clock.now()
    return page_of([DepositType.from_model(d, now) for d in rows], size, total, _by_id)


async def release_held_back_document(info: Info, raw_id: strawberry.ID
                                     ) -> ReleaseHeldBackDocumentPayload:
    """Show the patient a document the viewer held back; they are told it now shows."""
    professional = await _professional(info)
    now = clock.now()
    document = await Document.filter(
        id=parse_id(raw_id, "documentId"), created_by_id=professional.account_id,
        held_back_until__gt=now).select_related("patient").first()
    if document is None:
        raise NotFound(OUT_OF_REACH)
    patient = document.patient
    await authorize(info, patient, Section.DOCUMENTS, Action.DEPOSIT, item_facts(document))
    recipients = (await patient_recipients([patient], now))[patient.id]
    async with audited_transaction(info.context) as connection:
        # Only while still held back: two releases at once tell the patient once.
        changed = await Document.filter(id=document.id, held_back_until__gt=now).using_db(
            connection).update(held_back_until=None)
        if not changed:
            raise NotFound(OUT_OF_REACH)
        document.held_back_until = None
        await record_change(connection, patient_id=patient.id, section=Section.DOCUMENTS,
                            item_id=document.id, kind=ChangeKind.UPDATED,
                            facts=item_facts(document))
        payload = {"patient": patient.display_name,
                   "professional": professional.display_name,
                   "profession": professional.profession, "document_id": str(document.id)}
        rows = notifications_for(recipients, patient, NotificationKind.HELD_BACK_RELEASED,
                                 payload, now)
        if rows:
            await Notification.bulk_create(rows, using_db=connection)
    return ReleaseHeldBackDocumentPayload(deposit=DepositType.from_model(document, now),
                                          user_errors=[])
