"""What a client needs to sync: idempotency keys of creations, and the change journal.

A `Change` names an item of a record and what happened to it, never its content. It keeps
the item's visibility facts as they were at that change (the columns the consent policy's
list filters read, under the same names), so a deleted item stays filtered like a live one.
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from api.identity.models import Account, Patient


class ChangeKind(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    DELETED = "deleted"


# One write to one item of a patient's record; `id` orders the feed (per patient, in commit
# order: api/sync/journal.py).
class Change(Model):
    id = fields.BigIntField(primary_key=True)
    patient: fields.ForeignKeyRelation[Patient] = fields.ForeignKeyField(
        "identity.Patient", related_name=False, on_delete=fields.CASCADE
    )
    section = fields.CharField(max_length=32)
    item_id = fields.BigIntField()
    kind = fields.CharEnumField(ChangeKind, max_length=16)
    occurred_at = fields.DatetimeField()
    # The visibility facts of the item, as the policy's filters name them.
    created_by_id = fields.IntField(null=True)
    category = fields.CharField(max_length=32, null=True)
    type_code = fields.CharField(max_length=16, null=True)
    hidden_from_professionals = fields.BooleanField(default=False)
    held_back_until = fields.DatetimeField(null=True)
    confidential_for_minor = fields.BooleanField(default=False)

    patient_id: int

    class Meta:
        table = "sync_change"
        indexes = (("patient_id", "id"), ("occurred_at",))


# A creation made with an idempotency key: the same key again replays `result_id`.
# Unique per person and app, so two requests racing with one key write once.
class IdempotencyKey(Model):
    id = fields.BigIntField(primary_key=True)
    account: fields.ForeignKeyRelation[Account] = fields.ForeignKeyField(
        "identity.Account", related_name=False, on_delete=fields.CASCADE
    )
    # The OAuth client the request came through; empty for the site and first-party calls.
    client_id = fields.CharField(max_length=100, default="")
    key = fields.CharField(max_length=200)
    operation = fields.CharField(max_length=64)
    input_hash = fields.CharField(max_length=64)
    result_type = fields.CharField(max_length=32)
    result_id = fields.BigIntField()
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()

    account_id: int

    class Meta:
        table = "sync_idempotency_key"
        unique_together = (("account_id", "client_id", "key"),)
        indexes = (("expires_at",),)


__models__ = [Change, IdempotencyKey]
