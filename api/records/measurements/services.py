"""Checking and writing measurements: callers store a reading only once `check_reading`
found no problem, so nothing is written when there is one. Each write is noted in the change
journal in the caller's transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

import strawberry
from tortoise.backends.base.client import BaseDBAsyncClient

from api import clock, dates
from api.consent.access import authorized_item
from api.consent.policy import ItemFacts
from api.consent.sections import Action, Section
from api.graphql.common import Problem
from api.graphql.context import Info
from api.interop.terminology import MeasurementError, validate_blood_pressure, validate_value
from api.records.measurements.kinds import KindSpec, spec
from api.records.measurements.models import Measurement
from api.records.provenance import stamp_created, stamp_updated
from api.sync.idempotency import Claim, store_key
from api.sync.journal import record_change
from api.sync.models import ChangeKind
from api.sync.sources import FeedSource, register_feed_source

# Measurement lists show every measurement to whoever reads the section.
register_feed_source(FeedSource(Section.MEASUREMENTS, Measurement))

MAX_NOTE_LENGTH = 2000
# A device whose clock runs a little fast must not see its fresh reading refused.
CLOCK_TOLERANCE = timedelta(minutes=5)


@dataclass(frozen=True)
class Reading:
    """What the client asks to store, before any check."""

    value: float
    value2: float | None
    measured_at: datetime
    note: str | None


def kind_from_input(raw: str) -> KindSpec | None:
    """The kind named by a client: its key ("blood_pressure") or enum name ("BLOOD_PRESSURE")."""
    return spec(raw.strip().lower())


def _range_problem(field: str, kind: KindSpec, index: int, value: float,
                   error: MeasurementError) -> Problem:
    component = kind.components[index]
    term = component.term
    params: dict[str, object] = {
        "name": component.name,
        "value": value,
        "unit": kind.display_unit,
        "low": term.minimum,
        "high": term.maximum,
    }
    return Problem(field, error.value.upper(), params)


def check_values(kind: KindSpec, value: float, value2: float | None) -> list[Problem]:
    if not kind.paired:
        problems = []
        if value2 is not None:
            problems.append(Problem("value2", "VALUE2_NOT_ALLOWED",
                                    {"name": kind.label}))
        if (error := validate_value(kind.key, value)) is not None:
            problems.append(_range_problem("value", kind, 0, value, error))
        return problems
    if value2 is None:
        return [Problem("value2", "VALUE2_REQUIRED")]
    errors = validate_blood_pressure(value, value2)
    found = []
    for index, (part, field) in enumerate((("systolic", "value"), ("diastolic", "value2"))):
        if part in errors:
            found.append(_range_problem(field, kind, index, (value, value2)[index], errors[part]))
    if "blood_pressure" in errors:
        found.append(Problem("value", errors["blood_pressure"].value.upper()))
    return found


def check_moment(measured_at: datetime, birth_date: date) -> list[Problem]:
    if measured_at.tzinfo is None or measured_at.utcoffset() is None:
        return [Problem("measuredAt", "TIME_ZONE_REQUIRED")]
    if measured_at > clock.now() + CLOCK_TOLERANCE:
        return [Problem("measuredAt", dates.IN_FUTURE)]
    # The day the measurement was taken (its own offset), by the record's one date rule;
    # the future was checked to the minute above.
    code = dates.date_problem(measured_at.date(), birth_date, dates.Span(future=True))
    return [Problem("measuredAt", code)] if code else []


def clean_note(note: str | None) -> str | None:
    text = (note or "").strip()
    return text or None


def check_reading(kind: KindSpec, reading: Reading, birth_date: date) -> list[Problem]:
    problems = check_values(kind, reading.value, reading.value2)
    problems += check_moment(reading.measured_at, birth_date)
    note = clean_note(reading.note)
    if note is not None and len(note) > MAX_NOTE_LENGTH:
        problems.append(Problem("note", "TOO_LONG", {"limit": MAX_NOTE_LENGTH}))
    return problems


def to_decimal(kind: KindSpec, value: float) -> Decimal:
    """The value at the kind's precision; str() keeps the digits the person typed."""
    step = Decimal(1).scaleb(-kind.decimals)
    return Decimal(str(value)).quantize(step, rounding=ROUND_HALF_UP)


def _columns(kind: KindSpec, reading: Reading) -> dict[str, object]:
    return {
        "value": to_decimal(kind, reading.value),
        "value2": None if reading.value2 is None else to_decimal(kind, reading.value2),
        # Stored in UTC so that times compare and sort the same on every database.
        "measured_at": reading.measured_at.astimezone(UTC),
        "note": clean_note(reading.note),
    }


async def add_measurement(patient_id: int, kind: KindSpec, reading: Reading,
                          author_account_id: int,
                          connection: BaseDBAsyncClient | None = None,
                          claim: Claim | None = None,
                          marks: dict[str, object] | None = None) -> Measurement:
    """Store a reading that passed `check_reading` (and the idempotency key of `claim`);
    `marks`: api.records.provenance.import_marks for an import."""
    values = {"patient_id": patient_id, "kind": kind.key, "unit": kind.ucum,
              **_columns(kind, reading), **(marks or {})}
    entry = await Measurement.create(**stamp_created(values, author_account_id),
                                     using_db=connection)
    await store_key(claim, connection, "Measurement", entry.id)
    await _journal(connection, entry, ChangeKind.CREATED)
    return entry


def current_reading(entry: Measurement) -> Reading:
    return Reading(value=float(entry.value),
                   value2=None if entry.value2 is None else float(entry.value2),
                   measured_at=entry.measured_at, note=entry.note)


def kind_of(entry: Measurement) -> KindSpec:
    kind = spec(entry.kind)
    if kind is None:  # pragma: no cover - rows are only written with known kinds
        raise ValueError(f"unknown measurement kind {entry.kind!r}")
    return kind


async def update_measurement(entry: Measurement, reading: Reading, author_account_id: int,
                             connection: BaseDBAsyncClient | None = None) -> Measurement:
    """Store a corrected reading that passed `check_reading`."""
    columns = _columns(kind_of(entry), reading)
    for name, value in columns.items():
        setattr(entry, name, value)
    changed = stamp_updated(entry, author_account_id)
    await entry.save(update_fields=[*columns, *changed], using_db=connection)
    await _journal(connection, entry, ChangeKind.UPDATED)
    return entry


async def remove_measurement(entry: Measurement,
                             connection: BaseDBAsyncClient | None = None) -> None:
    await entry.delete(using_db=connection)
    await _journal(connection, entry, ChangeKind.DELETED)


def item_facts(entry: Measurement) -> ItemFacts:
    """What the policy needs to know about one measurement."""
    return ItemFacts(author_account_id=entry.created_by_id)  # type: ignore[attr-defined]


async def _journal(connection: BaseDBAsyncClient | None, entry: Measurement,
                   kind: ChangeKind) -> None:
    await record_change(connection, patient_id=entry.patient_id, section=Section.MEASUREMENTS,
                        item_id=entry.id, kind=kind, facts=item_facts(entry))


async def measurement_to(info: Info, raw_id: strawberry.ID | str, action: Action) -> Measurement:
    """The measurement, once the policy lets the viewer do `action` on it; NOT_FOUND otherwise."""
    return await authorized_item(info, Measurement, raw_id, Section.MEASUREMENTS, action,
                                 item_facts)
