"""`measurementKinds`: the catalogue forms and charts are built from (no patient data);
`measurement`: one value by id, if the policy lets the viewer read it."""

from __future__ import annotations

import strawberry

from api.consent.sections import Action
from api.graphql.context import Info
from api.records.measurements import services
from api.records.measurements.kinds import KindSpec, all_specs
from api.records.measurements.types import MeasurementKindType, MeasurementType


@strawberry.type(description="One number of a kind, with its plausible range.")
class MeasurementComponentInfo:
    loinc: str
    label: str
    minimum: float
    maximum: float


@strawberry.type(description="A kind of measurement: codes, unit, and the plausible range "
                             "a value must fall in (a check for typing mistakes, not a norm).")
class MeasurementKindInfo:
    kind: MeasurementKindType
    loinc: str
    label: str
    unit: str = strawberry.field(description="UCUM unit the values are stored in.")
    display_unit: str
    decimals: int = strawberry.field(description="Digits kept after the decimal point.")
    minimum: float = strawberry.field(description="Lowest plausible value (the systolic one "
                                                  "for a blood pressure).")
    maximum: float
    components: list[MeasurementComponentInfo] = strawberry.field(
        description="The numbers to give: one, or systolic then diastolic for a blood pressure."
    )

    @classmethod
    def of(cls, spec: KindSpec, language: str) -> MeasurementKindInfo:
        parts = [MeasurementComponentInfo(loinc=part.loinc, label=part.name(language),
                                          minimum=part.term.minimum, maximum=part.term.maximum)
                 for part in spec.components]
        return cls(kind=MeasurementKindType(spec.key), loinc=spec.loinc,
                   label=spec.label(language), unit=spec.ucum,
                   display_unit=spec.display_unit(language), decimals=spec.decimals,
                   minimum=parts[0].minimum, maximum=parts[0].maximum, components=parts)


@strawberry.type
class MeasurementsQuery:
    @strawberry.field(description="Every kind of measurement, for forms and charts.")
    def measurement_kinds(self, info: Info) -> list[MeasurementKindInfo]:
        info.context.require_viewer()
        language = info.context.language
        return [MeasurementKindInfo.of(spec, language) for spec in all_specs()]

    @strawberry.field(description="One measurement; NOT_FOUND when out of reach.")
    async def measurement(self, info: Info, id: strawberry.ID) -> MeasurementType | None:
        entry = await services.measurement_to(info, id, Action.READ)
        return MeasurementType.from_model(entry, info.context.language)
