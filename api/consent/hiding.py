"""Hiding a document from professionals (its author and the treating doctor still see it).

The document belongs to the documents domain; its model is imported only when needed, so
consent does not depend on how documents are stored.
"""

from __future__ import annotations

from typing import Any

import strawberry

from api.consent.facts import ItemFacts
from api.consent.guard import require_manager
from api.consent.sections import Action, Section
from api.graphql.common import parse_id
from api.graphql.context import Info
from api.graphql.errors import CarnetError, NotFound
from api.graphql.permissions import authorize
from api.identity.models import Patient


def _document_model() -> Any:
    try:
        from api.documents.models import Document
    except ImportError:  # the documents domain is not installed
        raise CarnetError("Documents are not available.", code="UNAVAILABLE") from None
    return Document


def _item(document: Any) -> ItemFacts:
    return ItemFacts(
        author_account_id=document.created_by_id,
        category=document.category,
        type_code=document.type_code,
        hidden_from_professionals=document.hidden_from_professionals,
        held_back_until=document.held_back_until,
        confidential_for_minor=document.confidential_for_minor,
    )


async def set_document_hidden(info: Info, raw_id: strawberry.ID, hidden: bool) -> int:
    """Hide or show one document to professionals; only who manages the consent may."""
    document = await _document_model().get_or_none(id=parse_id(raw_id, "documentId"))
    if document is None:
        raise NotFound("No such document, or it is out of your reach.")
    patient = await Patient.get(id=document.patient_id)
    # The viewer must see the document itself: one held back from the patient stays unseen.
    await authorize(info, patient, Section.DOCUMENTS, Action.WRITE, _item(document))
    await require_manager(info, patient)
    if document.hidden_from_professionals != hidden:
        document.hidden_from_professionals = hidden
        await document.save(update_fields=["hidden_from_professionals"])
    document_id: int = document.id
    return document_id
