"""Reading documents: a page of a patient's list, filtered by the policy in SQL."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from api import per_patient
from api.consent.policy import DocumentVisibility, ItemFacts
from api.graphql.common import encode_cursor, read_cursor
from api.graphql.context import Context
from api.ids import number_from_text
from api.records.documents.models import Document
from api.records.documents.visibility import visibility_condition


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


def check_cursor(cursor: str | None) -> None:
    """Refuse a cursor we did not issue (before it reaches a batch of other lists)."""
    _after(cursor)


def _after(cursor: str | None) -> Q | None:
    values = read_cursor(cursor, date.fromisoformat, number_from_text)
    if values is None:
        return None
    day, last_id = values
    return Q(document_date__lt=day) | Q(document_date=day, id__lt=last_id)


def _visible(patient_ids: list[int], visibility: DocumentVisibility,
             category: str | None) -> QuerySet[Document]:
    """The documents of these patients the viewer may list (callers check `visible`)."""
    visible = Document.filter(patient_id__in=patient_ids)
    condition = visibility_condition(visibility)
    if condition is not None:
        visible = visible.filter(condition)
    if category is not None:
        visible = visible.filter(category=category)
    return visible


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
    visible = _visible([patient_id], visibility, category)
    total = await visible.count()
    page = visible if after_condition is None else visible.filter(after_condition)
    rows = await page.order_by("-document_date", "-id").limit(size + 1)
    return list(rows), total


@dataclass(frozen=True)
class PageRequest:
    patient_id: int
    visibility: DocumentVisibility
    size: int
    after: str | None = None
    category: str | None = None


async def _one_page(request: PageRequest) -> tuple[list[Document], int]:
    return await document_page(request.patient_id, request.visibility, size=request.size,
                               after=request.after, category=request.category)


def _batch_of(request: PageRequest) -> tuple[DocumentVisibility, int, str | None] | None:
    """First pages seen through the same visibility, of the same size and category."""
    if request.after is not None or not request.visibility.visible:
        return None
    return request.visibility, request.size, request.category


async def _first_pages(requests: list[PageRequest]
                       ) -> dict[PageRequest, tuple[list[Document], int]]:
    first = requests[0]
    visibility, category = first.visibility, first.category
    # One statement (the rows and each patient's total), built once per visibility and
    # category (per_patient): the visibility's values are constants of the shape.
    found: dict[int, list[Document]]
    found, totals = await per_patient.first_pages(
        None, ["document_date", "id"], first.size + 1,
        shape=("documents", visibility, category),
        build=lambda ids: _visible(ids, visibility, category),
        patient_ids=sorted({r.patient_id for r in requests}))
    return {r: (found.get(r.patient_id, []), totals.get(r.patient_id, 0)) for r in requests}


class DocumentPageByRequestLoader(
    per_patient.PagesByRequestLoader[PageRequest, tuple[list[Document], int]]
):
    """Document lists of many patients: first pages read together (two statements for all
    the patients seen through the same visibility), pages after a cursor one by one."""

    def __init__(self) -> None:
        super().__init__(_batch_of, _first_pages, _one_page)


def document_page_loader(context: Context) -> DocumentPageByRequestLoader:
    return context.loaders.get(DocumentPageByRequestLoader)
