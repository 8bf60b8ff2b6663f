"""The access history: one append-only, hash-chained log of events per patient.

Nothing in the code updates or deletes an event; on PostgreSQL a trigger refuses it too
(migration 0002). The viewer's name and profession are copied as text when the event is
written, so the history stays readable when an account changes or disappears.

Beside the events, one sealed chain head per patient (``AccessChainHead``, migration 0003)
records where the chain ended: a chain cut short no longer passes for a whole one.

Above the chains, one global register (``RegisterEntry``, migration 0004) records which
chains exist: an entry when a patient's chain starts, and an anchor entry listing every
chain's length (``AnchoredChain``) each time an operator runs ``carnet audit anchor``. Its
entries are hash-chained and its end is kept in a sealed tip (``RegisterTip``).
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from api.consent.sections import Basis
from api.identity.models import Patient


class RequestKind(StrEnum):
    """What kind of request touched the record."""

    GRAPHQL = "graphql"
    DOWNLOAD = "download"
    EMERGENCY_OPEN = "emergency_open"
    EMERGENCY_REFUSED = "emergency_refused"  # break-glass refused: the patient opposed it
    DEPOSIT = "deposit"
    MESSAGES = "messages"  # a professional (or a parent) read messages of a conversation
    FHIR_EXPORT = "fhir_export"  # the whole record downloaded as one FHIR file
    RECORD_CLOSED = "record_closed"  # the account was closed: the record archived
    RECORD_REOPENED = "record_reopened"  # the account was reopened from its archive


# One access to a patient's record by someone else than the patient: who, on what basis,
# which sections, when. `sequence` numbers a patient's events from 1 without gaps; `hash`
# covers the event and `prev_hash` (the hash of the event before it).
class AccessEvent(Model):
    id = fields.BigIntField(primary_key=True)
    patient: fields.ForeignKeyRelation[Patient] = fields.ForeignKeyField(
        "identity.Patient", related_name=False, on_delete=fields.CASCADE
    )
    sequence = fields.IntField()
    occurred_at = fields.DatetimeField()
    # Not foreign keys: the history outlives the viewer's account.
    viewer_account_id = fields.IntField()
    viewer_professional_id = fields.IntField(null=True)
    viewer_name = fields.CharField(max_length=200)
    viewer_profession = fields.CharField(max_length=32, default="")
    basis = fields.CharEnumField(Basis, max_length=16)
    # Sorted, comma-joined values of Section and Action.
    sections = fields.CharField(max_length=200)
    actions = fields.CharField(max_length=32)
    emergency = fields.BooleanField(default=False)
    request_kind = fields.CharField(max_length=24)
    # A note for some kinds: an app's name, or a reference to a row whose text is sealed
    # (api/audit/references.py); events written before references hold that text.
    detail = fields.CharField(max_length=500, default="")
    prev_hash = fields.CharField(max_length=64)
    hash = fields.CharField(max_length=64)

    patient_id: int

    class Meta:
        table = "access_event"
        unique_together = (("patient", "sequence"),)


# Where a patient's chain ends: the sequence and hash of its newest event, moved in the same
# transaction as every append (api/audit/log.py). `seal` is an HMAC-SHA256 of (patient,
# sequence, hash) under a key derived from the server's secret, which is not in the
# database: whoever deletes a chain's newest events cannot seal a head that hides it
# (api/audit/seal.py; `carnet audit verify` checks it).
class AccessChainHead(Model):
    id = fields.BigIntField(primary_key=True)
    patient: fields.OneToOneRelation[Patient] = fields.OneToOneField(
        "identity.Patient", related_name=False, on_delete=fields.CASCADE
    )
    sequence = fields.IntField()
    hash = fields.CharField(max_length=64)
    seal = fields.CharField(max_length=64)

    patient_id: int

    class Meta:
        table = "access_chain_head"


class RegisterKind(StrEnum):
    CHAIN = "chain"  # a patient's chain started
    ANCHOR = "anchor"  # an operator anchored every chain's length


# One entry of the global register, numbered from 1 without gaps and hash-chained like the
# events (api/audit/register.py). Not a foreign key to the patient: the register outlives a
# deleted record, and says its history existed.
class RegisterEntry(Model):
    id = fields.BigIntField(primary_key=True)
    position = fields.IntField(unique=True)
    kind = fields.CharField(max_length=16)
    patient_id = fields.IntField(null=True)  # the chain started (kind chain)
    chains = fields.IntField(default=0)  # how many chains the anchor lists (kind anchor)
    digest = fields.CharField(max_length=64, default="")  # of the anchor's list of chains
    created_at = fields.DatetimeField()
    prev_hash = fields.CharField(max_length=64)
    hash = fields.CharField(max_length=64)

    class Meta:
        table = "access_register"


# Where the register ends (one row, id 1), sealed like the chain heads with the server's key
# and moved in the transaction that appends to the register.
class RegisterTip(Model):
    id = fields.IntField(primary_key=True)
    position = fields.IntField()
    hash = fields.CharField(max_length=64)
    seal = fields.CharField(max_length=64)

    class Meta:
        table = "access_register_tip"


# How long each chain was when an anchor was written: the sequence and hash of its newest
# event. The anchor entry's digest covers these rows, and its hash covers the digest.
class AnchoredChain(Model):
    id = fields.BigIntField(primary_key=True)
    anchor_position = fields.IntField(db_index=True)
    patient_id = fields.IntField()
    sequence = fields.IntField()
    hash = fields.CharField(max_length=64)

    class Meta:
        table = "access_anchor_chain"
        unique_together = (("anchor_position", "patient_id"),)
