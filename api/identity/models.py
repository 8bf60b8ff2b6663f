"""Accounts, the people behind them (patients, professionals), and their sessions."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model

from api.identity.normalise import search_text


class Role(StrEnum):
    PATIENT = "patient"
    PROFESSIONAL = "professional"


class AccountStatus(StrEnum):
    PENDING = "pending"
    ACTIVE = "active"
    OPPOSED = "opposed"
    CLOSED = "closed"


class SecondFactor(StrEnum):
    TOTP = "totp"
    EMAIL = "email"


class SessionStage(StrEnum):
    SECOND_FACTOR = "second_factor"
    # Password and e-mailed enrolment code done: a first authenticator may now be added.
    ENROLMENT = "enrolment"
    ACTIVE = "active"


class Account(Model):
    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=254, unique=True, null=True)
    password_hash = fields.CharField(max_length=255, null=True)
    role = fields.CharEnumField(Role, max_length=16)
    status = fields.CharEnumField(AccountStatus, max_length=16, default=AccountStatus.PENDING)
    second_factor = fields.CharEnumField(SecondFactor, max_length=8, default=SecondFactor.EMAIL)
    totp_secret = fields.CharField(max_length=64, null=True)
    totp_pending_secret = fields.CharField(max_length=64, null=True)
    totp_last_counter = fields.BigIntField(null=True)
    # The language chosen with the switch while signed in; None until then (api.texts).
    language = fields.CharField(max_length=5, null=True)
    created_at = fields.DatetimeField(auto_now_add=True)
    activated_at = fields.DatetimeField(null=True)
    closed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "account"


# A person's health record and identity. A child's record has no account of its own.
class Patient(Model):
    id = fields.IntField(primary_key=True)
    account: fields.OneToOneNullableRelation[Account] = fields.OneToOneField(
        "identity.Account", related_name="patient", null=True, on_delete=fields.CASCADE
    )
    account_id: int | None
    ins_nir = fields.CharField(max_length=13, unique=True)
    ins_key = fields.CharField(max_length=2)
    birth_name = fields.CharField(max_length=100)
    first_names = fields.CharField(max_length=200)
    used_name = fields.CharField(max_length=100, null=True)
    birth_date = fields.DateField()
    sex = fields.CharField(max_length=1)
    birthplace_insee = fields.CharField(max_length=5)
    phone = fields.CharField(max_length=32, null=True)
    contact_email = fields.CharField(max_length=254, null=True)
    activation_code_hash = fields.CharField(max_length=255, null=True)
    activation_expires_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "patient"

    @property
    def display_name(self) -> str:
        """The name shown for the record everywhere: the first given name and the used name
        (the birth name when there is none)."""
        first = self.first_names.split(" ")[0] if self.first_names else ""
        return f"{first} {self.used_name or self.birth_name}".strip()


# A parent (or other legal representative) who manages a minor's record.
class Guardianship(Model):
    id = fields.IntField(primary_key=True)
    guardian: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "identity.Account", related_name="guardianships", on_delete=fields.CASCADE
    )
    patient: fields.ForeignKeyRelation[Patient] = fields.ForeignKeyField(
        "identity.Patient", related_name="guardians", on_delete=fields.CASCADE
    )
    guardian_id: int
    patient_id: int
    relation = fields.CharField(max_length=32, default="parent")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "guardianship"
        unique_together = (("guardian", "patient"),)


# A professional of the directory. Entries imported from an RPPS extract have no account
# until the professional signs up; only those with an account can be granted access.
class Professional(Model):
    id = fields.IntField(primary_key=True)
    account: fields.OneToOneNullableRelation[Account] = fields.OneToOneField(
        "identity.Account", related_name="professional", null=True, on_delete=fields.CASCADE
    )
    account_id: int | None
    rpps = fields.CharField(max_length=11, unique=True)
    last_name = fields.CharField(max_length=100)
    first_name = fields.CharField(max_length=100)
    profession = fields.CharField(max_length=32, db_index=True)
    specialty = fields.CharField(max_length=100, default="")
    practice_name = fields.CharField(max_length=200, default="")
    practice_city = fields.CharField(max_length=100, default="")
    practice_postcode = fields.CharField(max_length=10, default="")
    # Lowercase, accent-free forms (api.identity.normalise), filled by `save`.
    name_search = fields.CharField(max_length=201, default="", db_index=True)
    city_search = fields.CharField(max_length=100, default="", db_index=True)

    class Meta:
        table = "professional"

    @property
    def display_name(self) -> str:
        """The name shown for a professional everywhere: first name, then last name."""
        return f"{self.first_name} {self.last_name}"

    async def save(self, *args: Any, **kwargs: Any) -> None:
        self.fill_search_columns()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = list({*update_fields, "name_search", "city_search"})
        await super().save(*args, **kwargs)

    def fill_search_columns(self) -> None:
        self.name_search = search_text(f"{self.last_name} {self.first_name}")[:201]
        self.city_search = search_text(self.practice_city)[:100]


# A server-side session; the browser holds only a random token whose hash is stored.
class Session(Model):
    id = fields.IntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "identity.Account", related_name="sessions", on_delete=fields.CASCADE
    )
    account_id: int
    stage = fields.CharEnumField(SessionStage, max_length=16)
    created_at = fields.DatetimeField()
    last_seen_at = fields.DatetimeField()
    absolute_expires_at = fields.DatetimeField()
    revoked_at = fields.DatetimeField(null=True)
    email_code_hash = fields.CharField(max_length=64, null=True)
    email_code_expires_at = fields.DatetimeField(null=True)
    code_attempts = fields.IntField(default=0)
    user_agent = fields.CharField(max_length=200, default="")
    ip_address = fields.CharField(max_length=45, default="")

    class Meta:
        table = "session"


# Someone opposed the creation of their record: remembered by a keyed hash of the NIR only.
class Opposition(Model):
    id = fields.IntField(primary_key=True)
    nir_digest = fields.CharField(max_length=64, unique=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "opposition"


# Failed attempts at something guessable (a password, a code), counted per keyed hash of
# what was typed (an e-mail address, a NIR): known and unknown identifiers get the same row.
class AttemptThrottle(Model):
    id = fields.IntField(primary_key=True)
    key_digest = fields.CharField(max_length=64, unique=True)
    failures = fields.IntField(default=0)
    locked_until = fields.DatetimeField(null=True)
    last_attempt_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "attempt_throttle"


# The data key of one patient's record (api/identity/patient_keys.py), wrapped (AES-GCM)
# under the master key named by `master_id`. Destroying it overwrites `wrapped`: every
# ciphertext of the record becomes unreadable.
class PatientKey(Model):
    id = fields.IntField(primary_key=True)
    patient: fields.OneToOneRelation[Patient] = fields.OneToOneField(
        "identity.Patient", related_name=False, on_delete=fields.CASCADE
    )
    patient_id: int
    wrapped = fields.BinaryField()
    master_id = fields.CharField(max_length=16)
    created_at = fields.DatetimeField()
    destroyed_at = fields.DatetimeField(null=True)

    class Meta:
        table = "patient_key"
