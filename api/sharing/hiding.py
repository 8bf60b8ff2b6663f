"""Hiding a document from professionals (its author and the treating doctor still see it).

The document belongs to the documents domain; its model is imported only when needed, so
consent does not depend on how documents are stored.
"""

from __future__ import annotations

from typing import Any

import strawberry

from api.audit.log import audited_transaction, discard_writes
from api.consent.access import authorized_item
from api.consent.guard import require_manager
from api.consent.sections import Action, Section
from api.graphql.context import Info
from api.graphql.errors import CarnetError


def _documents() -> tuple[Any, Any]:
    """The Document model and what the policy needs to know about one."""
    try:
        from api.records.documents.loaders import item_facts
        from api.records.documents.models import Document
    except ImportError:  # the documents domain is not installed
        raise CarnetError("Documents are not available.", code="UNAVAILABLE") from None
    return Document, item_facts


async def set_document_hidden(info: Info, raw_id: strawberry.ID, hidden: bool) -> int:
    """Hide or show one document to professionals; only who manages the consent may.

    The change commits with its access event (a parent's, say; the patient's own leaves
    none); asking for the state the document is already in writes nothing.
    """
    model, item_facts = _documents()
    # The viewer must see the document itself: one held back from the patient stays unseen.
    document = await authorized_item(info, model, raw_id, Section.DOCUMENTS, Action.WRITE,
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
