"""The small pieces every FHIR resource Carnet writes is made of: dates, numbers, references,
codings, and a resource's base (its id and Carnet identifier)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from api.dates import DatePrecision, PartialDate

from .systems import carnet_identifier, resource_id

Resource = dict[str, Any]


def partial_date(day: date, precision: DatePrecision | str | None) -> str:
    """A FHIR date at the precision the person gave: "2005", "2019-05" or "2019-05-14"."""
    period = PartialDate.of(day, DatePrecision(precision) if precision else None)
    if period.precision is DatePrecision.YEAR:
        return f"{period.first.year:04d}"
    if period.precision is DatePrecision.MONTH:
        return f"{period.first.year:04d}-{period.first.month:02d}"
    return period.first.isoformat()


def instant(moment: datetime) -> str:
    """A FHIR instant: seconds and a time zone (UTC when the database lost it)."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat(timespec="seconds")


def number(value: Decimal | float | int) -> int | float:
    """A decimal as a JSON number, without the column's padding (72.350 → 72.35)."""
    exact = Decimal(value).normalize()
    return int(exact) if exact == exact.to_integral_value() else float(exact)


def reference(kind: str, row_id: int | str, resource_type: str) -> dict[str, str]:
    return {"reference": f"{resource_type}/{resource_id(kind, row_id)}"}


def patient_reference(patient_id: int) -> dict[str, str]:
    return reference("patient", patient_id, "Patient")


def resource_base(resource_type: str, kind: str, row_id: int | str) -> Resource:
    return {"resourceType": resource_type, "id": resource_id(kind, row_id),
            "identifier": [carnet_identifier(kind, row_id)]}


def notes(text: str | None) -> list[dict[str, str]] | None:
    return [{"text": text}] if text else None


def coding(system: str, code: str, display: str | None = None) -> dict[str, str]:
    found = {"system": system, "code": code}
    if display:
        found["display"] = display
    return found


def codeable(system: str, code: str, display: str | None = None) -> dict[str, Any]:
    return {"coding": [coding(system, code, display)]}


def without_empty(resource: Resource) -> Resource:
    """Without the keys left empty: FHIR forbids empty values."""
    return {key: value for key, value in resource.items() if value not in (None, "", [], {})}
