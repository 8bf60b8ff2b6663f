"""Hiding a document from professionals (its author and the treating doctor still see it).

Sharing sits above the record sections, so the document model and its policy facts come
straight from api.records.documents.
"""

from __future__ import annotations

import strawberry

from api.audit.log import audited_transaction, discard_writes
from api.consent.access import authorized_item
from api.consent.guard import require_manager
from api.consent.sections import Action, Section
from api.graphql.context import Info
from api.records.documents.loaders import item_facts
from api.records.documents.models import Document


async def set_document_hidden(info: Info, raw_id: strawberry.ID, hidden: bool) -> int:
    """Hide or show one document to professionals; only who manages the consent may.

    The change commits with its access event (a parent's, say; the patient's own leaves
    none); asking for the state the document is already in writes nothing.
    """
    # The viewer must see the document itself: one held back from the patient stays unseen.
    document = await authorized_item(info, Document, raw_id, Section.DOCUMENTS, Action.WRITE,
                                     item_facts, "documentId")
    await require_manager(info, document.patient)
    if document.hidden_from_professionals == hidden:
        discard_writes(info.context)
    else:
        async with audited_transaction(info.context) as connection:
            document.hidden_from_professionals = hidden
            await document.save(update_fields=["hidden_from_professionals"], using_db=connection)
    document_id: int = document.id
    return document_id
