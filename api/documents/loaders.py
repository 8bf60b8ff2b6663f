"""Reading documents: a page of a patient's list, filtered by the policy in SQL."""

from __future__ import annotations

from datetime import date

from tortoise.expressions import Q

from api.consent.policy import DocumentVisibility, ItemFacts
from api.documents.models import Document
from api.documents.visibility import visibility_condition
from api.graphql.common import decode_cursor, encode_cursor
from api.graphql.errors import CarnetError


def item_facts(document: Document) -> ItemFacts:
    """What the policy needs to know about one document."""
    return ItemFacts(
        author_account_id=document.created_by_id,
        category=document.category,
        type_code=document.type_code,
        hidden_from_professionals=document.hidden_from_professionals,
        held_back_until=document.held_back_until,
        confidential_for_minor=document.confidential_for_minor,
    )


def cursor_of(document: Document) -> str:
    return encode_cursor(document.document_date.isoformat(), document.id)


def _after(cursor: str | None) -> Q | None:
    values = decode_cursor(cursor, 2)
    if values is None:
        return None
    try:
        day, last_id = date.fromisoformat(values[0]), int(values[1])
    except ValueError:
        raise CarnetError("This cursor is not valid.", code="BAD_CURSOR") from None
    return Q(document_date__lt=day) | Q(document_date=day, id__lt=last_id)


async def document_page(
    patient_id: int,
    visibility: DocumentVisibility,
    *,
    size: int,
    after: str | None = None,
    category: str | None = None,
) -> tuple[list[Document], int]:
    """Up to `size + 1` visible documents, newest first, and how many are visible in all.

    Two statements whatever the number of documents; nothing when nothing is visible.
    """
    after_condition = _after(after)
    if not visibility.visible:
        return [], 0
    visible = Document.filter(patient_id=patient_id)
    condition = visibility_condition(visibility)
    if condition is not None:
        visible = visible.filter(condition)
    if category is not None:
        visible = visible.filter(category=category)
    total = await visible.count()
    page = visible if after_condition is None else visible.filter(after_condition)
    rows = await page.order_by("-document_date", "-id").limit(size + 1)
    return list(rows), total
