"""Reading a patient's measurements: one statement per list, whatever its length."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from api.graphql.common import decode_cursor, encode_cursor
from api.graphql.errors import CarnetError
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
        rows = Measurement.filter(patient_id=self.patient_id)
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
    if since is not None and until is not None and _utc(since, "since") > _utc(until, "until"):
        raise CarnetError("`since` must not be after `until`.", code="BAD_RANGE")


def cursor_of(measured_at: datetime, entry_id: int | str) -> str:
    return encode_cursor(measured_at.astimezone(UTC).isoformat(), entry_id)


def _after(cursor: str | None) -> Q | None:
    """Rows older than the cursor's row, in the newest-first order (time, then id)."""
    values = decode_cursor(cursor, 2)
    if values is None:
        return None
    try:
        moment, entry_id = datetime.fromisoformat(values[0]), int(values[1])
    except ValueError:
        raise CarnetError("This cursor is not valid.", code="BAD_CURSOR") from None
    if moment.tzinfo is None:
        raise CarnetError("This cursor is not valid.", code="BAD_CURSOR")
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


async def series_rows(window: Window) -> tuple[list[Measurement], bool]:
    """The most recent points of the window in time order, and whether older ones were cut."""
    check_window(window.since, window.until)
    newest = await window.query().order_by("-measured_at", "-id").limit(MAX_SERIES_POINTS + 1)
    truncated = len(newest) > MAX_SERIES_POINTS
    return list(reversed(newest[:MAX_SERIES_POINTS])), truncated


async def latest(patient_id: int, kind: str) -> Measurement | None:
    return await (Measurement.filter(patient_id=patient_id, kind=kind)
                  .order_by("-measured_at", "-id").first())
