"""Four sections of the record: history, allergies, treatments and vaccinations.

Each entry belongs to one patient (`patient_id`, the sharding key), carries its provenance
and whether a minor keeps it from their parents (`confidential_for_minor`, read by the policy).
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields

from api.dates import DatePrecision
from api.identity.models import Patient
from api.identity.sealed import SealedModel, SealedText
from api.records.provenance import ProvenanceMixin


class HistoryKind(StrEnum):
    CONDITION = "condition"
    SURGERY = "surgery"
    FAMILY = "family"


class HistoryStatus(StrEnum):
    ACTIVE = "active"
    RESOLVED = "resolved"


# The relatives a family history entry can be about (FHIR FamilyMemberHistory.relationship).
class Relative(StrEnum):
    MOTHER = "mother"
    FATHER = "father"
    SIBLING = "sibling"
    CHILD = "child"
    GRANDPARENT = "grandparent"
    AUNT_OR_UNCLE = "aunt_or_uncle"
    COUSIN = "cousin"
    OTHER = "other"


class Severity(StrEnum):
    MILD = "mild"
    MODERATE = "moderate"
    SEVERE = "severe"


class Criticality(StrEnum):
    LOW = "low"
    HIGH = "high"
    UNABLE_TO_ASSESS = "unable-to-assess"


# A condition or past illness, a surgery, or an illness in the family; ICD-10 coded or free text.
class HistoryEntry(ProvenanceMixin, SealedModel):
    id = fields.IntField(primary_key=True)
    patient: fields.ForeignKeyRelation[Patient] = fields.ForeignKeyField(
        "identity.Patient", related_name=False, on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(HistoryKind, max_length=16)
    # The ICD-10 code (canonical spelling) when one fits; `text` holds the person's own words.
    code = fields.CharField(max_length=8, null=True)
    text = SealedText(max_length=300, null=True)
    # « depuis 2005 », « mai 2019 »: the onset as precisely as the person gave it, stored as
    # its first day (so it sorts by it) and its precision (api.dates.PartialDate).
    onset_date = fields.DateField(null=True)
    onset_precision = fields.CharEnumField(DatePrecision, max_length=8,
                                           default=DatePrecision.DAY, db_default=DatePrecision.DAY)
    resolution_date = fields.DateField(null=True)
    status = fields.CharEnumField(HistoryStatus, max_length=16)
    relative = fields.CharEnumField(Relative, max_length=16, null=True)
    note = SealedText(null=True)
    confidential_for_minor = fields.BooleanField(default=False)

    patient_id: int

    class Meta:
        table = "history_entry"
        indexes = (("patient_id", "onset_date"),)

    @property
    def coded(self) -> bool:
        return self.code is not None


class Allergy(ProvenanceMixin, SealedModel):
    id = fields.IntField(primary_key=True)
    patient: fields.ForeignKeyRelation[Patient] = fields.ForeignKeyField(
        "identity.Patient", related_name=False, on_delete=fields.CASCADE
    )
    substance = SealedText(max_length=200)
    reaction = SealedText(max_length=500, null=True)
    severity = fields.CharEnumField(Severity, max_length=16, null=True)
    criticality = fields.CharEnumField(Criticality, max_length=16, null=True)
    onset_date = fields.DateField(null=True)
    note = SealedText(null=True)
    confidential_for_minor = fields.BooleanField(default=False)

    patient_id: int

    class Meta:
        table = "allergy"
        indexes = (("patient_id", "id"),)


# A medication the person takes or took; whether it is current follows from its dates.
class Treatment(ProvenanceMixin, SealedModel):
    id = fields.IntField(primary_key=True)
    patient: fields.ForeignKeyRelation[Patient] = fields.ForeignKeyField(
        "identity.Patient", related_name=False, on_delete=fields.CASCADE
    )
    medication = SealedText(max_length=200)
    dose = SealedText(max_length=200, null=True)
    route = SealedText(max_length=100, null=True)
    start_date = fields.DateField(null=True)
    end_date = fields.DateField(null=True)
    prescriber = SealedText(max_length=200, null=True)
    note = SealedText(null=True)
    confidential_for_minor = fields.BooleanField(default=False)

    patient_id: int

    class Meta:
        table = "treatment"
        indexes = (("patient_id", "start_date"),)


class Vaccination(ProvenanceMixin, SealedModel):
    id = fields.IntField(primary_key=True)
    patient: fields.ForeignKeyRelation[Patient] = fields.ForeignKeyField(
        "identity.Patient", related_name=False, on_delete=fields.CASCADE
    )
    # The local code of the curated vaccine list (api.interop.terminology.vaccines).
    vaccine_code = fields.CharField(max_length=32)
    # As precisely as the booklet or the memory gives it: a day, a month, or a year.
    date = fields.DateField()
    # The database default keeps the rows written before precisions existed full dates.
    date_precision = fields.CharEnumField(DatePrecision, max_length=8, default=DatePrecision.DAY,
                                          db_default=DatePrecision.DAY)
    lot_number = SealedText(max_length=50, null=True)
    performer = SealedText(max_length=200, null=True)
    dose_number = fields.IntField(null=True)
    note = SealedText(null=True)
    confidential_for_minor = fields.BooleanField(default=False)

    patient_id: int

    class Meta:
        table = "vaccination"
        indexes = (("patient_id", "date"),)
