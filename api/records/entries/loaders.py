"""Reading the sections of a record: one statement per section (its page and its count).

Entries come newest first by their date (onset, start, vaccination date), entries without a
date last, then by id; cursors carry (date, id) so pages stay stable while entries are added.
Items the viewer may not see (a minor's confidential entries, for a parent) are left out in
SQL, before pagination, as the policy says.

The sections asked for in one request are read in one batch; the authors of their entries
are read only when asked for (``provenance``), all at once: the statement count does not
depend on the number of entries.
First pages are read for every patient of the batch at once (``api.per_patient``), so a
professional listing many patients' allergies costs the same statements for 5 or 50.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

from pypika_tortoise.functions import Coalesce
from pypika_tortoise.terms import Field, Term, ValueWrapper
from tortoise import functions
from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from api import per_patient
from api.consent.permissions import facts_for
from api.consent.policy import ItemFacts, Rights, ViewerFacts, decide
from api.consent.sections import Action, Section
from api.graphql.common import Page, build_page, encode_cursor, page_size, read_cursor
from api.graphql.context import Context, Info
from api.identity.models import Patient
from api.ids import number_from_text
from api.records.entries.models import Allergy, HistoryEntry, Treatment, Vaccination

# Entries without a date sort as if dated on this day, i.e. after every dated one.
UNDATED = date(1, 1, 1)

M = TypeVar("M", HistoryEntry, Allergy, Treatment, Vaccination)
T = TypeVar("T")


@dataclass(frozen=True)
class SectionRows(Generic[M]):
    model: type[M]
    section: Section
    # The date entries are sorted by; None sorts by id only (most recently added first).
    date_field: str | None


HISTORY = SectionRows(HistoryEntry, Section.HISTORY, "onset_date")
ALLERGIES = SectionRows(Allergy, Section.ALLERGIES, None)
TREATMENTS = SectionRows(Treatment, Section.TREATMENTS, "start_date")
VACCINATIONS = SectionRows(Vaccination, Section.VACCINATIONS, "date")


@dataclass(frozen=True)
class PageRequest:
    rows: SectionRows[Any]
    patient_id: int
    size: int
    after: tuple[date | None, int] | None
    with_confidential: bool


@dataclass(frozen=True)
class RowsPage:
    rows: list[Any]
    has_next: bool
    total: int


def _visible(rows: SectionRows[Any], patient_ids: list[int],
             with_confidential: bool) -> QuerySet[Any]:
    query = rows.model.filter(patient_id__in=patient_ids)
    if not with_confidential:
        query = query.filter(confidential_for_minor=False)
    return query


def _sort_keys(rows: SectionRows[Any]) -> list[str | Term]:
    if rows.date_field is None:
        return ["id"]
    return [Coalesce(Field(rows.date_field), ValueWrapper(UNDATED)), "id"]


async def _fetch(request: PageRequest) -> RowsPage:
    """A page after a cursor: two statements for this one patient."""
    rows = request.rows
    query = _visible(rows, [request.patient_id], request.with_confidential)
    total = await query.count()
    if rows.date_field is None:
        ordered = query.order_by("-id")
        if request.after is not None:
            ordered = ordered.filter(id__lt=request.after[1])
    else:
        ordered = query.annotate(sort_date=functions.Coalesce(rows.date_field, UNDATED)
                                 ).order_by("-sort_date", "-id")
        if request.after is not None:
            sort_date, entry_id = request.after
            ordered = ordered.filter(
                Q(sort_date__lt=sort_date) | Q(sort_date=sort_date, id__lt=entry_id))
    fetched = list(await ordered.limit(request.size + 1))
    return RowsPage(rows=fetched[:request.size], has_next=len(fetched) > request.size,
                    total=total)


async def _first_pages(requests: Sequence[PageRequest]) -> dict[PageRequest, RowsPage]:
    """First pages of one section for many patients (same size, same confidential rule):
    one statement however many patients (the rows and each patient's total together)."""
    first = requests[0]
    section, with_confidential = first.rows, first.with_confidential
    # The SQL is built once per section and confidentiality rule (per_patient).
    found: dict[int, list[Any]]
    found, totals = await per_patient.first_pages(
        None, _sort_keys(section), first.size + 1,
        shape=("entries", section.model, section.date_field, with_confidential),
        build=lambda ids: _visible(section, ids, with_confidential),
        patient_ids=sorted({r.patient_id for r in requests}))
    pages = {}
    for request in requests:
        rows = found.get(request.patient_id, [])
        pages[request] = RowsPage(rows=rows[:request.size], has_next=len(rows) > request.size,
                                  total=totals.get(request.patient_id, 0))
    return pages


def _batch_of(request: PageRequest) -> tuple[Any, ...] | None:
    """First pages of the same section, size and confidentiality rule are read together."""
    if request.after is not None:
        return None
    return request.rows, request.size, request.with_confidential


class SectionPageByRequestLoader(per_patient.PagesByRequestLoader[PageRequest, RowsPage]):
    """The pages of every section asked for at once.

    Their authors are not read here: only a query that asks for ``provenance`` reads them,
    through ``author_loader``, whose batch gathers the entries resolved in the same tick.
    """

    def __init__(self, context: Context) -> None:
        super().__init__(_batch_of, _first_pages, _fetch)
        self.context = context


def section_page_loader(context: Context) -> SectionPageByRequestLoader:
    return context.loaders.get(SectionPageByRequestLoader,
                               lambda: SectionPageByRequestLoader(context))


def reads_confidential_entries(viewer: ViewerFacts, rights: Rights, section: Section) -> bool:
    """Whether the policy lets the viewer read entries a minor keeps from their parents."""
    item = ItemFacts(confidential_for_minor=True)
    return decide(viewer, rights, section, Action.READ, item).allowed


def visible_entries(viewer: ViewerFacts, rights: Rights, section: Section) -> Q | None:
    """The condition lists of `section` apply for this viewer (None: every entry)."""
    if reads_confidential_entries(viewer, rights, section):
        return None
    return Q(confidential_for_minor=False)


async def sees_confidential_entries(info: Info, patient: Patient, section: Section) -> bool:
    """Whether the policy lets the viewer read entries a minor keeps from their parents."""
    viewer, rights = await facts_for(info.context, patient)
    return reads_confidential_entries(viewer, rights, section)


def _cursor_of(rows: SectionRows[Any], entry: Any) -> str:
    if rows.date_field is None:
        return encode_cursor("", entry.id)
    sort_date = getattr(entry, rows.date_field) or UNDATED
    return encode_cursor(sort_date.isoformat(), entry.id)


def _no_date(text: str) -> None:
    """The empty date of a cursor on a section sorted by id alone."""
    if text:
        raise ValueError("a date in the cursor of an undated section")


def _position(rows: SectionRows[Any], after: str | None) -> tuple[date | None, int] | None:
    values = read_cursor(after, date.fromisoformat if rows.date_field else _no_date,
                         number_from_text)
    return None if values is None else (values[0], values[1])


async def section_page(
    info: Info,
    patient: Patient,
    rows: SectionRows[M],
    first: int | None,
    after: str | None,
    convert: Callable[[M], T],
) -> Page[T]:
    """A page of the patient's entries in one section, as the viewer may see them."""
    request = PageRequest(
        rows=rows, patient_id=patient.id, size=page_size(first), after=_position(rows, after),
        with_confidential=await sees_confidential_entries(info, patient, rows.section),
    )
    page = await section_page_loader(info.context).load(request)
    return build_page([convert(entry) for entry in page.rows],
                      [_cursor_of(rows, entry) for entry in page.rows], page.has_next, page.total)
