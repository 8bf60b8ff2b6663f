"""GraphQL types of the history, allergies, treatments and vaccinations sections."""

from __future__ import annotations

from datetime import date

import strawberry

from api.consent.permissions import section_field
from api.consent.sections import Section
from api.dates import DatePrecision
from api.graphql.common import Page
from api.graphql.context import Info
from api.identity.models import Patient
from api.interop import terminology
from api.interop.queries import ConceptType
from api.records.entries import loaders, models
from api.records.entries.validation import is_current, today
from api.records.provenance import Provenance

# The model enums double as GraphQL enums (strawberry registers them in place).
strawberry.enum(models.HistoryKind, name="HistoryKind",
                description="A condition or past illness, a surgery, or an illness in the family.")
strawberry.enum(models.HistoryStatus, name="HistoryStatus")
strawberry.enum(models.Relative, name="Relative",
                description="The relative a family history entry is about.")
strawberry.enum(models.Severity, name="AllergySeverity")
strawberry.enum(models.Criticality, name="AllergyCriticality",
                description="How dangerous a future reaction could be (FHIR AllergyIntolerance).")
strawberry.enum(DatePrecision, name="DatePrecision",
                description="How much of a date is known: its year, its month, or the day. "
                            "A partial date is given as the first day of its year or month.")


@strawberry.type(name="HistoryEntry", description="A condition, a surgery or a family illness.")
class HistoryEntryType:
    id: strawberry.ID
    patient_id: strawberry.ID = strawberry.field(
        description="The record the item belongs to.")
    kind: models.HistoryKind
    code: str | None = strawberry.field(description="ICD-10 code, when one fits.")
    coded: bool = strawberry.field(description="False when described in the person's words.")
    text: str | None = strawberry.field(description="The description in the person's words.")
    onset_date: date | None = strawberry.field(
        description="The first day of the onset's year or month when only that is known.")
    onset_precision: DatePrecision | None = strawberry.field(
        description="YEAR for « since 2005 », MONTH for « May 2019 »; null without an onset.")
    resolution_date: date | None
    status: models.HistoryStatus
    relative: models.Relative | None
    note: str | None
    confidential_for_minor: bool
    provenance: Provenance

    @strawberry.field(description="The ICD-10 label in the viewer's language, else the text.")
    def label(self, info: Info) -> str:
        concept = terminology.lookup(terminology.System.ICD10, self.code) if self.code else None
        if concept is None:
            return self.text or ""
        return concept.label(info.context.language)

    @classmethod
    def from_model(cls, entry: models.HistoryEntry) -> HistoryEntryType:
        return cls(
            id=strawberry.ID(str(entry.id)), patient_id=strawberry.ID(str(entry.patient_id)),
            kind=entry.kind, code=entry.code,
            coded=entry.coded, text=entry.text, onset_date=entry.onset_date,
            onset_precision=entry.onset_precision if entry.onset_date else None,
            resolution_date=entry.resolution_date, status=entry.status, relative=entry.relative,
            note=entry.note, confidential_for_minor=entry.confidential_for_minor,
            provenance=Provenance.of(entry),
        )


@strawberry.type(name="Allergy", description="An allergy or intolerance.")
class AllergyType:
    id: strawberry.ID
    patient_id: strawberry.ID = strawberry.field(
        description="The record the item belongs to.")
    substance: str
    reaction: str | None
    severity: models.Severity | None
    criticality: models.Criticality | None
    onset_date: date | None
    note: str | None
    confidential_for_minor: bool
    provenance: Provenance

    @classmethod
    def from_model(cls, entry: models.Allergy) -> AllergyType:
        return cls(
            id=strawberry.ID(str(entry.id)), patient_id=strawberry.ID(str(entry.patient_id)),
            substance=entry.substance, reaction=entry.reaction,
            severity=entry.severity, criticality=entry.criticality, onset_date=entry.onset_date,
            note=entry.note, confidential_for_minor=entry.confidential_for_minor,
            provenance=Provenance.of(entry),
        )


@strawberry.type(name="Treatment", description="A medication taken now or in the past.")
class TreatmentType:
    id: strawberry.ID
    patient_id: strawberry.ID = strawberry.field(
        description="The record the item belongs to.")
    medication: str
    dose: str | None
    route: str | None = strawberry.field(description="How it is taken, e.g. by mouth.")
    start_date: date | None
    end_date: date | None
    prescriber: str | None
    note: str | None
    confidential_for_minor: bool
    provenance: Provenance

    @strawberry.field(description="True once started and until the end date has passed.")
    def current(self) -> bool:
        return is_current(self.start_date, self.end_date, today())

    @classmethod
    def from_model(cls, entry: models.Treatment) -> TreatmentType:
        return cls(
            id=strawberry.ID(str(entry.id)), patient_id=strawberry.ID(str(entry.patient_id)),
            medication=entry.medication, dose=entry.dose,
            route=entry.route, start_date=entry.start_date, end_date=entry.end_date,
            prescriber=entry.prescriber, note=entry.note,
            confidential_for_minor=entry.confidential_for_minor,
            provenance=Provenance.of(entry),
        )


@strawberry.type(name="Vaccination", description="A vaccine given, with its date and lot.")
class VaccinationType:
    id: strawberry.ID
    patient_id: strawberry.ID = strawberry.field(
        description="The record the item belongs to.")
    vaccine_code: str = strawberry.field(description="Code in the list of vaccines.")
    date: date = strawberry.field(
        description="The first day of the year or month when only that is known.")
    date_precision: DatePrecision = strawberry.field(
        description="YEAR or MONTH when the day (or the month) is not known.")
    lot_number: str | None
    performer: str | None = strawberry.field(description="Who gave it.")
    dose_number: int | None
    note: str | None
    confidential_for_minor: bool
    provenance: Provenance

    @strawberry.field(description="The vaccine, labelled in the viewer's language.")
    def vaccine(self, info: Info) -> ConceptType | None:
        concept = terminology.vaccine(self.vaccine_code)
        return ConceptType.of(concept, info.context.language) if concept else None

    @classmethod
    def from_model(cls, entry: models.Vaccination) -> VaccinationType:
        return cls(
            id=strawberry.ID(str(entry.id)), patient_id=strawberry.ID(str(entry.patient_id)),
            vaccine_code=entry.vaccine_code, date=entry.date, date_precision=entry.date_precision,
            lot_number=entry.lot_number, performer=entry.performer,
            dose_number=entry.dose_number, note=entry.note,
            confidential_for_minor=entry.confidential_for_minor,
            provenance=Provenance.of(entry),
        )


@strawberry.type
class PatientEntriesFields:
    """The four sections as fields of the Patient type (which inherits this class)."""

    model: strawberry.Private[Patient]

    @section_field(Section.HISTORY, description="Conditions, past illnesses, surgeries and "
                   "family history, newest first.")
    async def history(self, info: Info, first: int | None = None,
                      after: str | None = None) -> Page[HistoryEntryType] | None:
        return await loaders.section_page(info, self.model, loaders.HISTORY, first, after,
                                          HistoryEntryType.from_model)

    @section_field(Section.ALLERGIES, description="Allergies and intolerances, newest first.")
    async def allergies(self, info: Info, first: int | None = None,
                        after: str | None = None) -> Page[AllergyType] | None:
        return await loaders.section_page(info, self.model, loaders.ALLERGIES, first, after,
                                          AllergyType.from_model)

    @section_field(Section.TREATMENTS, description="Current and past medications, "
                   "most recently started first.")
    async def treatments(self, info: Info, first: int | None = None,
                         after: str | None = None) -> Page[TreatmentType] | None:
        return await loaders.section_page(info, self.model, loaders.TREATMENTS, first, after,
                                          TreatmentType.from_model)

    @section_field(Section.VACCINATIONS, description="Vaccinations, most recent first.")
    async def vaccinations(self, info: Info, first: int | None = None,
                           after: str | None = None) -> Page[VaccinationType] | None:
        return await loaders.section_page(info, self.model, loaders.VACCINATIONS, first, after,
                                          VaccinationType.from_model)
