"""Measurements: one row per measured value (a blood pressure keeps its two numbers)."""

from __future__ import annotations

from tortoise import fields

from api.identity.models import Patient
from api.identity.sealed import SealedModel, SealedText
from api.records.provenance import ProvenanceMixin

# Values are exact decimals: each kind has a fixed precision (grams for a newborn's
# weight, hundredths of g/L for glucose), FHIR Quantity.value is a decimal, and a
# decimal column keeps 72.35 as 72.35 on SQLite and PostgreSQL alike.
VALUE_DIGITS = 12
VALUE_DECIMALS = 3


# One measured value. The kind is a key of api.records.measurements.kinds (a plain string
# column, so a new kind needs no migration); the unit is copied from the kind when the
# row is written, so a row keeps its meaning even if a kind's unit ever changes.
class Measurement(ProvenanceMixin, SealedModel):
    id = fields.IntField(primary_key=True)
    patient: fields.ForeignKeyRelation[Patient] = fields.ForeignKeyField(
        "identity.Patient", related_name=False, on_delete=fields.CASCADE
    )
    kind = fields.CharField(max_length=24)
    value = fields.DecimalField(max_digits=VALUE_DIGITS, decimal_places=VALUE_DECIMALS)
    # The diastolic pressure of a blood pressure; null for every other kind.
    value2 = fields.DecimalField(max_digits=VALUE_DIGITS, decimal_places=VALUE_DECIMALS,
                                 null=True)
    unit = fields.CharField(max_length=16)
    measured_at = fields.DatetimeField()
    note = SealedText(null=True)

    patient_id: int

    class Meta:
        table = "measurement"
        indexes = (("patient_id", "measured_at"), ("patient_id", "kind", "measured_at"))
