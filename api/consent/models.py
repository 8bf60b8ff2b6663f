"""What the patient decided about access to their record, and what happened because of it.

Every table that belongs to a patient carries ``patient_id`` so data can be sharded by
patient. Rows are read by ``api.consent.rights`` and turned into the policy's facts.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model

from api.consent.sections import Section
from api.identity.models import Account, Patient, Professional
from api.identity.sealed import SealedModel, SealedText

SECTION_SEPARATOR = ","


def encode_sections(sections: frozenset[Section] | set[Section]) -> str:
    """Sections as stored: their values, sorted, comma-separated."""
    return SECTION_SEPARATOR.join(sorted(s.value for s in sections))


def decode_sections(text: str) -> frozenset[Section]:
    return frozenset(Section(part) for part in text.split(SECTION_SEPARATOR) if part)


class GrantEndReason(StrEnum):
    """Why a grant was ended before its expiry."""

    REVOKED = "revoked"  # the patient (or a parent) withdrew it
    BLOCKED = "blocked"  # the patient blocked the professional, which ends every grant


class NotificationKind(StrEnum):
    EMERGENCY_ACCESS = "emergency_access"
    HELD_BACK_DOCUMENT = "held_back_document"
    DOCUMENT_DEPOSITED = "document_deposited"
    NEW_MESSAGE = "new_message"
    GRANT_ENDING = "grant_ending"
    HELD_BACK_RELEASED = "held_back_released"
    APP_CONNECTED = "app_connected"


class MailState(StrEnum):
    """Where a notification's e-mail stands; api.notify.delivery moves it along."""

    UNDECIDED = "undecided"  # just created: the sweep reads the recipient's preference
    NOT_WANTED = "not_wanted"  # the recipient did not opt in for this kind (or has no address)
    PENDING = "pending"  # to send, at mail_next_attempt_at
    SENT = "sent"  # handed to the mail server: never sent again
    FAILED = "failed"  # gave up after many attempts; `carnet jobs retry` puts it back


# The patient let a professional read (and maybe write) some sections until an expiry.
# Expired and revoked grants are kept: they are the patient's history of sharing.
class Grant(Model):
    id = fields.IntField(primary_key=True)
    patient: fields.ForeignKeyRelation[Patient] = fields.ForeignKeyField(
        "identity.Patient", related_name="consent_grants", on_delete=fields.CASCADE
    )
    professional: fields.ForeignKeyRelation[Professional] = fields.ForeignKeyField(
        "identity.Professional", related_name="consent_grants", on_delete=fields.CASCADE
    )
    sections = fields.CharField(max_length=200)
    write = fields.BooleanField(default=False)
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)
    revoked_reason = fields.CharEnumField(GrantEndReason, max_length=16, null=True)
    created_by: fields.ForeignKeyNullableRelation[Account] = fields.ForeignKeyField(
        "identity.Account", related_name=False, null=True, on_delete=fields.SET_NULL
    )

    patient_id: int
    professional_id: int
    created_by_id: int | None

    class Meta:
        table = "consent_grant"
        indexes = (("patient_id", "professional_id"), ("professional_id", "expires_at"))


# The patient's treating doctor (one at most); reads every section the matrix allows.
class TreatingDoctor(Model):
    id = fields.IntField(primary_key=True)
    patient: fields.OneToOneRelation[Patient] = fields.OneToOneField(
        "identity.Patient", related_name="treating_doctor", on_delete=fields.CASCADE
    )
    professional: fields.ForeignKeyRelation[Professional] = fields.ForeignKeyField(
        "identity.Professional", related_name="treated_patients", on_delete=fields.CASCADE
    )
    designated_at = fields.DatetimeField()

    patient_id: int
    professional_id: int

    class Meta:
        table = "consent_treating_doctor"


# The patient blocked a professional: beats every other rule.
class Block(Model):
    id = fields.IntField(primary_key=True)
    patient: fields.ForeignKeyRelation[Patient] = fields.ForeignKeyField(
        "identity.Patient", related_name="consent_blocks", on_delete=fields.CASCADE
    )
    professional: fields.ForeignKeyRelation[Professional] = fields.ForeignKeyField(
        "identity.Professional", related_name="blocked_by", on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField()

    patient_id: int
    professional_id: int

    class Meta:
        table = "consent_block"
        unique_together = (("patient", "professional"),)


# Break-glass: an emergency professional opened read-only access for a few hours. The reason
# they gave is sealed under the patient's key; the access history names this row, and shows
# the reason from here (api/audit/references.py). Events written before that keep a copy in
# clear: the history's hash chain covers it.
class EmergencyAccess(SealedModel):
    id = fields.IntField(primary_key=True)
    patient: fields.ForeignKeyRelation[Patient] = fields.ForeignKeyField(
        "identity.Patient", related_name="emergency_accesses", on_delete=fields.CASCADE
    )
    professional: fields.ForeignKeyRelation[Professional] = fields.ForeignKeyField(
        "identity.Professional", related_name="emergency_accesses", on_delete=fields.CASCADE
    )
    reason = SealedText()
    opened_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()

    patient_id: int
    professional_id: int

    class Meta:
        table = "consent_emergency_access"
        indexes = (("patient_id", "professional_id", "opened_at"),)


# The patient's consent settings; a patient without a row has the defaults.
class ConsentSettings(Model):
    id = fields.IntField(primary_key=True)
    patient: fields.OneToOneRelation[Patient] = fields.OneToOneField(
        "identity.Patient", related_name="consent_settings", on_delete=fields.CASCADE
    )
    emergency_opposed = fields.BooleanField(default=False)
    updated_at = fields.DatetimeField()

    patient_id: int

    class Meta:
        table = "consent_settings"


# What a notification quotes of what a person wrote (a conversation's subject, the reason
# given for an emergency access): kept out of `payload`, sealed under the patient's key.
QUOTED_KEYS = ("subject", "reason")


# An in-app notification to one account about one patient's record. `payload` holds names,
# ids and moments; `quoted`, the JSON of the QUOTED_KEYS it has, is sealed.
class Notification(SealedModel):
    id = fields.IntField(primary_key=True)
    patient: fields.ForeignKeyRelation[Patient] = fields.ForeignKeyField(
        "identity.Patient", related_name="notifications", on_delete=fields.CASCADE
    )
    recipient: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "identity.Account", related_name="notifications", on_delete=fields.CASCADE
    )
    kind = fields.CharEnumField(NotificationKind, max_length=32)
    payload: fields.JSONField[dict[str, str]] = fields.JSONField(default=dict)
    quoted = SealedText(null=True)
    created_at = fields.DatetimeField()
    read_at = fields.DatetimeField(null=True)
    # The e-mail about it, kept here so that no delivery is lost whatever happens to the
    # job queue: a worker claims it with a lease, sends it, marks it sent.
    mail_state = fields.CharEnumField(MailState, max_length=12, default=MailState.UNDECIDED)
    mail_attempts = fields.IntField(default=0)
    mail_next_attempt_at = fields.DatetimeField(null=True)
    mail_lease_until = fields.DatetimeField(null=True)
    mail_sent_at = fields.DatetimeField(null=True)
    mail_error = fields.CharField(max_length=200, null=True)

    patient_id: int
    recipient_id: int

    class Meta:
        table = "consent_notification"
        indexes = (("recipient_id", "id"), ("mail_state", "mail_next_attempt_at"))

    @classmethod
    def of(cls, payload: dict[str, str], **columns: Any) -> Notification:
        """A new notification: the quoted text out of `payload`, into the sealed column."""
        clear, quoted = split_quoted(payload)
        return cls(payload=clear, quoted=json.dumps(quoted) if quoted else None, **columns)

    def content(self) -> dict[str, str]:
        """Everything the notification says: its payload and what it quotes."""
        quoted: dict[str, str] = json.loads(self.quoted) if self.quoted else {}
        return {**self.payload, **quoted}

    def sealing_existing(self) -> list[str]:
        # Written before sealing: the quoted text was in the payload, in clear.
        self.payload, quoted = split_quoted(self.payload)
        if quoted:
            self.quoted = json.dumps(quoted)
        return ["payload"]


def split_quoted(payload: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """`payload` without the QUOTED_KEYS, and those alone."""
    return ({key: value for key, value in payload.items() if key not in QUOTED_KEYS},
            {key: value for key, value in payload.items() if key in QUOTED_KEYS})


# The two-week notice about a document held back from the patient was sent (once).
class HeldBackNotice(Model):
    id = fields.IntField(primary_key=True)
    patient: fields.ForeignKeyRelation[Patient] = fields.ForeignKeyField(
        "identity.Patient", related_name=False, on_delete=fields.CASCADE
    )
    document_id = fields.IntField(unique=True)
    sent_at = fields.DatetimeField()

    patient_id: int

    class Meta:
        table = "consent_held_back_notice"


# What a successful lookup by INS and birth date hands the professional instead of the
# record's id: an opaque handle, usable by that account only, for a short while, to deposit
# a document. Only the handle's keyed digest is kept.
class LookupHandle(Model):
    id = fields.IntField(primary_key=True)
    patient: fields.ForeignKeyRelation[Patient] = fields.ForeignKeyField(
        "identity.Patient", related_name=False, on_delete=fields.CASCADE
    )
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "identity.Account", related_name=False, on_delete=fields.CASCADE
    )
    digest = fields.CharField(max_length=64, unique=True)
    expires_at = fields.DatetimeField()

    patient_id: int
    account_id: int

    class Meta:
        table = "consent_lookup_handle"
        indexes = (("account_id", "expires_at"),)
