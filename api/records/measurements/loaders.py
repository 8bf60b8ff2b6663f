"""Reading measurements: one statement per list, whatever its length.

First pages asked at once (a professional's list of patients, the summary's latest weight,
height, pressure...) are read together, in one statement however many patients and kinds
(``MeasurementPageByRequestLoader``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from api import per_patient
from api.graphql.common import aware_moment, encode_cursor, read_cursor
from api.graphql.context import Context
from api.graphql.errors import CarnetError
from api.ids import number_from_text
from api.records.measurements.models import Measurement

MAX_SERIES_POINTS = 366


@dataclass(frozen=True)
class Window:
    """Which measurements of a patient: one kind or all, between two instants (inclusive)."""

    patient_id: int
    kind: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def query(self) -> QuerySet[Measurement]:
        return self.matching([self.patient_id])

    def matching(self, patient_ids: list[int]) -> QuerySet[Measurement]:
        """The same kind and instants, for these patients."""
        rows = Measurement.filter(patient_id__in=patient_ids)
        if self.kind is not None:
            rows = rows.filter(kind=self.kind)
        if self.since is not None:
            rows = rows.filter(measured_at__gte=_utc(self.since, "since"))
        if self.until is not None:
            rows = rows.filter(measured_at__lte=_utc(self.until, "until"))
        return rows


def _utc(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise CarnetError(f"`{name}` needs a time zone (for example +01:00).",
                          code="TIME_ZONE_REQUIRED")
    return moment.astimezone(UTC)


def check_window(since: datetime | None, until: datetime | None) -> None:
    """Refuse a window without time zones, or ending before it starts."""
    start = None if since is None else _utc(since, "since")
    end = None if until is None else _utc(until, "until")
    if start is not None and end is not None and start > end:
        raise CarnetError("`since` must not be after `until`.", code="BAD_RANGE")


def cursor_of(measured_at: datetime, entry_id: int | str) -> str:
    return encode_cursor(measured_at.astimezone(UTC).isoformat(), entry_id)


def check_cursor(cursor: str | None) -> None:
    """Refuse a cursor we did not issue (before it reaches a batch of other lists)."""
    _after(cursor)


def _after(cursor: str | None) -> Q | None:
    """Rows older than the cursor's row, in the newest-first order (time, then id)."""
    values = read_cursor(cursor, aware_moment, number_from_text)
    if values is None:
        return None
    moment, entry_id = values
    return Q(measured_at__lt=moment) | Q(measured_at=moment, id__lt=entry_id)


async def page_rows(window: Window, size: int, after: str | None
                    ) -> tuple[list[Measurement], int]:
    """Up to `size + 1` rows after the cursor, newest first, and how many the window holds."""
    check_window(window.since, window.until)
    rows = window.query()
    older = _after(after)
    if older is not None:
        rows = rows.filter(older)
    found = await rows.order_by("-measured_at", "-id").limit(size + 1)
    total = await window.query().count()
    return list(found), total


_NEWEST = ("measured_at", "id")


@dataclass(frozen=True)
class PageRequest:
    window: Window
    size: int
    after: str | None


@dataclass(frozen=True)
class RowsPage:
    rows: list[Measurement]  # up to `size + 1`: the extra one tells there is more
    total: int


async def _first_pages(requests: Sequence[PageRequest]) -> dict[PageRequest, RowsPage]:
    """First pages of the same instants and size for many patients, and for one kind each
    or for all kinds: one statement."""
    first = requests[0]
    patients = sorted({r.window.patient_id for r in requests})
    # The SQL is built once per shape (per_patient): the instants, and the kinds asked.
    window = replace(first.window, patient_id=0, kind=None)
    if first.window.kind is None:
        found: dict[int, list[Measurement]]
        found, totals = await per_patient.first_pages(
            None, _NEWEST, first.size + 1, shape=("measurements", window),
            build=window.matching, patient_ids=patients)
        return {r: RowsPage(found.get(r.window.patient_id, []),
                            totals.get(r.window.patient_id, 0)) for r in requests}
    kinds = sorted({r.window.kind for r in requests if r.window.kind is not None})
    by_kind: dict[tuple[int, str | None], list[Measurement]]
    by_kind, kind_totals = await per_patient.first_pages_by(
        None, "kind", _NEWEST, first.size + 1, shape=("measurements by kind", window,
                                                      tuple(kinds)),
        build=lambda ids: window.matching(ids).filter(kind__in=kinds), patient_ids=patients)
    return {r: RowsPage(by_kind.get((r.window.patient_id, r.window.kind), []),
                        kind_totals.get((r.window.patient_id, r.window.kind), 0))
            for r in requests}


def _batch_of(request: PageRequest) -> tuple[bool, datetime | None, datetime | None, int] | None:
    """First pages of the same instants and size are read together, whatever the patient
    and the kind (the lists of all kinds apart)."""
    if request.after is not None:
        return None
    window = request.window
    return window.kind is None, window.since, window.until, request.size


async def _one_page(request: PageRequest) -> RowsPage:
    return RowsPage(*await page_rows(request.window, request.size, request.after))


class MeasurementPageByRequestLoader(per_patient.PagesByRequestLoader[PageRequest, RowsPage]):
    """Pages of measurement lists: first pages batched per window, later ones one by one."""

    def __init__(self) -> None:
        super().__init__(_batch_of, _first_pages, _one_page)


def measurement_page_loader(context: Context) -> MeasurementPageByRequestLoader:
    return context.loaders.get(MeasurementPageByRequestLoader)


async def series_rows(window: Window) -> tuple[list[Measurement], bool]:
    """The most recent points of the window in time order, and whether older ones were cut."""
    check_window(window.since, window.until)
    newest = await window.query().order_by("-measured_at", "-id").limit(MAX_SERIES_POINTS + 1)
    truncated = len(newest) > MAX_SERIES_POINTS
    return list(reversed(newest[:MAX_SERIES_POINTS])), truncated


async def latest_of(context: Context, patient_id: int, kinds: Sequence[str]
                    ) -> list[Measurement | None]:
    """The latest measurement of each kind, through the request's page loader: asked in the
    same tick as other first pages (the summary's), it costs no statement of its own."""
    pages = await measurement_page_loader(context).load_many(
        [PageRequest(Window(patient_id, kind), 1, None) for kind in kinds])
    return [page.rows[0] if page.rows else None for page in pages]


async def latest(patient_id: int, kind: str) -> Measurement | None:
    return await (Measurement.filter(patient_id=patient_id, kind=kind)
                  .order_by("-measured_at", "-id").first())
