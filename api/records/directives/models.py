"""Advance directives, trusted person and organ-donation stance: one row per patient."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields

from api.identity.models import Account, Patient
from api.identity.sealed import SealedModel, SealedText
from api.records.provenance import ProvenanceMixin

MAX_TEXT_LENGTH = 20_000


class OrganDonation(StrEnum):
    NOT_STATED = "not_stated"
    CONSENTS = "consents"
    # Registered in the national refusal register (registre national des refus).
    REFUSES = "refuses"
    # Consents with limits the patient writes down (some organs only, ...).
    LIMITED = "limited"


# At most one row per patient (the unique patient column); saving upserts it.
class Directives(ProvenanceMixin, SealedModel):
    id = fields.IntField(primary_key=True)
    patient: fields.OneToOneRelation[Patient] = fields.OneToOneField(
        "identity.Patient", related_name=False, on_delete=fields.CASCADE
    )
    advance_directives = SealedText(default="")
    # An uploaded document holding the signed directives; owned by the documents domain.
    document_id = fields.IntField(null=True)
    trusted_person_name = SealedText(max_length=200, null=True)
    trusted_person_relation = SealedText(max_length=100, null=True)
    trusted_person_phone = SealedText(max_length=20, null=True)
    trusted_person_email = SealedText(max_length=254, null=True)
    organ_donation = fields.CharEnumField(OrganDonation, max_length=16,
                                          default=OrganDonation.NOT_STATED)
    organ_donation_limits = SealedText(null=True)
    last_confirmed_at = fields.DatetimeField(null=True)
    last_confirmed_by: fields.ForeignKeyNullableRelation[Account] = fields.ForeignKeyField(
        "identity.Account", related_name=False, null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "directives"
