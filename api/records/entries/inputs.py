"""Inputs and payloads of the entry mutations.

Add inputs name the patient; update inputs name the entry and change only the fields given
(an explicit null clears an optional field).
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

import strawberry

from api.dates import DatePrecision
from api.graphql.common import UserError
from api.records.entries.models import Criticality, HistoryKind, HistoryStatus, Relative, Severity
from api.records.entries.types import (
    AllergyType,
    HistoryEntryType,
    TreatmentType,
    VaccinationType,
)

UNSET: Any = strawberry.UNSET
# A partial date (« depuis 2005 », « mai 2019 ») is its first day plus its precision.
ONSET = ("How much of `onsetDate` is known: YEAR or MONTH for « 2005 » or « May 2019 » "
         "(the date's year or month is kept, as its first day); DAY when not given, or when "
         "`onsetDate` changes without it.")
GIVEN = ("How much of `date` is known: YEAR, MONTH, or DAY when not given (or when `date` "
         "changes without it); the date is kept as the first day of that year or month.")
_IDS = ("id", "patient_id")


def given(data: Any) -> dict[str, Any]:
    """The fields the client sent, by model field name, without the ids."""
    return {
        item.name: getattr(data, item.name)
        for item in dataclasses.fields(data)
        if item.name not in _IDS and getattr(data, item.name) is not UNSET
    }


@strawberry.input(description="Leave `code` empty and fill `text` when no ICD-10 code fits.")
class AddHistoryEntryInput:
    patient_id: strawberry.ID
    kind: HistoryKind
    code: str | None = strawberry.field(default=None, description="An ICD-10 code.")
    text: str | None = None
    onset_date: date | None = None
    onset_precision: DatePrecision | None = strawberry.field(default=None, description=ONSET)
    resolution_date: date | None = None
    status: HistoryStatus | None = strawberry.field(
        default=None, description="Defaults to resolved when it ended (or for a surgery).")
    relative: Relative | None = strawberry.field(
        default=None, description="Required for family history, only for it.")
    note: str | None = None
    confidential_for_minor: bool = False


@strawberry.input
class UpdateHistoryEntryInput:
    id: strawberry.ID
    kind: HistoryKind | None = UNSET
    code: str | None = UNSET
    text: str | None = UNSET
    onset_date: date | None = UNSET
    onset_precision: DatePrecision | None = strawberry.field(default=UNSET, description=ONSET)
    resolution_date: date | None = UNSET
    status: HistoryStatus | None = UNSET
    relative: Relative | None = UNSET
    note: str | None = UNSET
    confidential_for_minor: bool | None = UNSET


@strawberry.input
class AddAllergyInput:
    patient_id: strawberry.ID
    substance: str
    reaction: str | None = None
    severity: Severity | None = None
    criticality: Criticality | None = None
    onset_date: date | None = None
    note: str | None = None
    confidential_for_minor: bool = False


@strawberry.input
class UpdateAllergyInput:
    id: strawberry.ID
    substance: str | None = UNSET
    reaction: str | None = UNSET
    severity: Severity | None = UNSET
    criticality: Criticality | None = UNSET
    onset_date: date | None = UNSET
    note: str | None = UNSET
    confidential_for_minor: bool | None = UNSET


@strawberry.input(description="Leave `endDate` empty while the treatment goes on.")
class AddTreatmentInput:
    patient_id: strawberry.ID
    medication: str
    dose: str | None = None
    route: str | None = None
    start_date: date | None = None
    end_date: date | None = None
    prescriber: str | None = None
    note: str | None = None
    confidential_for_minor: bool = False


@strawberry.input
class UpdateTreatmentInput:
    id: strawberry.ID
    medication: str | None = UNSET
    dose: str | None = UNSET
    route: str | None = UNSET
    start_date: date | None = UNSET
    end_date: date | None = UNSET
    prescriber: str | None = UNSET
    note: str | None = UNSET
    confidential_for_minor: bool | None = UNSET


@strawberry.input(description="`vaccineCode` comes from `terminology(system: VACCINE)`.")
class AddVaccinationInput:
    patient_id: strawberry.ID
    vaccine_code: str
    date: date
    date_precision: DatePrecision | None = strawberry.field(default=None, description=GIVEN)
    lot_number: str | None = None
    performer: str | None = strawberry.field(default=None, description="Who gave it.")
    dose_number: int | None = None
    note: str | None = None
    confidential_for_minor: bool = False


@strawberry.input
class UpdateVaccinationInput:
    id: strawberry.ID
    vaccine_code: str | None = UNSET
    date: date | None = UNSET
    date_precision: DatePrecision | None = strawberry.field(default=UNSET, description=GIVEN)
    lot_number: str | None = UNSET
    performer: str | None = UNSET
    dose_number: int | None = UNSET
    note: str | None = UNSET
    confidential_for_minor: bool | None = UNSET


@strawberry.type
class HistoryEntryPayload:
    history_entry: HistoryEntryType | None
    user_errors: list[UserError]


@strawberry.type
class AllergyPayload:
    allergy: AllergyType | None
    user_errors: list[UserError]


@strawberry.type
class TreatmentPayload:
    treatment: TreatmentType | None
    user_errors: list[UserError]


@strawberry.type
class VaccinationPayload:
    vaccination: VaccinationType | None
    user_errors: list[UserError]


@strawberry.type
class RemoveEntryPayload:
    removed_id: strawberry.ID | None
    user_errors: list[UserError]
