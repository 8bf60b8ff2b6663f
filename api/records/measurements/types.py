"""GraphQL types of the measurements section, and its fields on the Patient type."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING

import strawberry

from api.consent.permissions import section_field
from api.consent.sections import Section
from api.graphql.common import Page, page_of, page_size
from api.graphql.context import Info
from api.records.measurements import bmi, kinds
from api.records.measurements.loaders import (
    MAX_SERIES_POINTS,
    PageRequest,
    Window,
    check_cursor,
    check_window,
    cursor_of,
    measurement_page_loader,
    series_rows,
)
from api.records.measurements.messages import format_number
from api.records.measurements.models import Measurement
from api.records.provenance import Provenance

if TYPE_CHECKING:
    from api.identity.models import Patient


if TYPE_CHECKING:
    class MeasurementKindType(Enum):
        """For the type checker, which cannot read an enum built from data."""

        value: str
else:
    # The enum is the catalogue's keys, in its order: a kind added there is offered here.
    MeasurementKindType = strawberry.enum(
        Enum("MeasurementKindType", [(key.upper(), key) for key in kinds.KEYS]),
        name="MeasurementKind", description="What was measured.")


@strawberry.type(name="Measurement", description="One measured value (or a blood pressure).")
class MeasurementType:
    id: strawberry.ID
    patient_id: strawberry.ID = strawberry.field(
        description="The record the item belongs to.")
    kind: MeasurementKindType
    loinc: str = strawberry.field(description="LOINC code; the panel 85354-9 for a blood "
                                              "pressure (components 8480-6 and 8462-4).")
    label: str = strawberry.field(description="The kind's name in the viewer's language.")
    value: float = strawberry.field(description="The value; the systolic pressure for a "
                                                "blood pressure.")
    value2: float | None = strawberry.field(description="The diastolic pressure of a blood "
                                                        "pressure; null for other kinds.")
    unit: str = strawberry.field(description="UCUM unit, e.g. kg, mm[Hg], Cel.")
    display_unit: str = strawberry.field(description="The unit as people write it: °C, mmHg.")
    display_value: str = strawberry.field(description="Value and unit written for the viewer, "
                                                      "e.g. « 72,5 kg », « 120/80 mmHg ».")
    measured_at: datetime
    note: str | None
    provenance: Provenance

    @classmethod
    def from_model(cls, entry: Measurement, language: str) -> MeasurementType:
        spec = kinds.SPECS[entry.kind]
        value2 = None if entry.value2 is None else float(entry.value2)
        shown = format_number(entry.value, language)
        if entry.value2 is not None:
            shown = f"{shown}/{format_number(entry.value2, language)}"
        unit = spec.display_unit(language)
        return cls(
            id=strawberry.ID(str(entry.id)), patient_id=strawberry.ID(str(entry.patient_id)),
            kind=MeasurementKindType(entry.kind),
            loinc=spec.loinc, label=spec.label(language), value=float(entry.value),
            value2=value2, unit=entry.unit, display_unit=unit,
            display_value=f"{shown} {unit}", measured_at=entry.measured_at, note=entry.note,
            provenance=Provenance.of(entry),
        )


@strawberry.type(description="One point of a chart.")
class MeasurementPoint:
    measured_at: datetime
    value: float
    value2: float | None


@strawberry.type(description=f"One kind's values in time order, at most {MAX_SERIES_POINTS} "
                             "points: the most recent ones when `truncated`.")
class MeasurementSeries:
    kind: MeasurementKindType
    label: str
    unit: str
    display_unit: str
    points: list[MeasurementPoint]
    truncated: bool = strawberry.field(description="Older points of the window were left "
                                                   "out: narrow `since`/`until` to see them.")


@strawberry.type(description="A body mass index worked out from the latest weight and height; "
                             "not stored: add it as a measurement of kind BMI to keep it.")
class ComputedBmi:
    value: float
    weight: MeasurementType
    height: MeasurementType


@strawberry.type
class PatientMeasurementsFields:
    """The measurements section on the Patient type (a base class of PatientType)."""

    if TYPE_CHECKING:
        model: Patient

    @section_field(Section.MEASUREMENTS, description="Measurements, newest first; one kind "
                   "or all, between `since` and `until` (inclusive).")
    async def measurements(
        self, info: Info, kind: MeasurementKindType | None = None, first: int | None = None,
        after: str | None = None, since: datetime | None = None, until: datetime | None = None,
    ) -> Page[MeasurementType] | None:
        size = page_size(first)
        window = Window(self.model.id, kind.value if kind else None, since, until)
        check_window(since, until)
        check_cursor(after)
        page = await measurement_page_loader(info.context).load(
            PageRequest(window, size, after))
        rows, total = page.rows, page.total
        language = info.context.language
        items = [MeasurementType.from_model(row, language) for row in rows]
        return page_of(items, size, total, lambda item: cursor_of(item.measured_at, item.id))

    @section_field(Section.MEASUREMENTS, description="One kind's values in time order, for "
                   f"charts: at most {MAX_SERIES_POINTS} points, no pagination.")
    async def measurement_series(
        self, info: Info, kind: MeasurementKindType, since: datetime | None = None,
        until: datetime | None = None,
    ) -> MeasurementSeries | None:
        rows, truncated = await series_rows(Window(self.model.id, kind.value, since, until))
        spec = kinds.SPECS[kind.value]
        language = info.context.language
        points = [MeasurementPoint(measured_at=row.measured_at, value=float(row.value),
                                   value2=None if row.value2 is None else float(row.value2))
                  for row in rows]
        return MeasurementSeries(kind=kind, label=spec.label(language), unit=spec.ucum,
                                 display_unit=spec.display_unit(language), points=points,
                                 truncated=truncated)

    @section_field(Section.MEASUREMENTS, description="The BMI of the latest weight and height, "
                   "to offer before adding it; null without both (or with a child's height "
                   "taken more than 90 days from the weight).")
    async def computed_bmi(self, info: Info) -> ComputedBmi | None:
        found = await bmi.latest_bmi(self.model.id, self.model.birth_date, info.context)
        if found is None:
            return None
        language = info.context.language
        return ComputedBmi(value=found.value,
                           weight=MeasurementType.from_model(found.weight, language),
                           height=MeasurementType.from_model(found.height, language))
