"""Who wants which notifications by e-mail, and which periodic notices were already given."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model

from api.identity.models import Account


# An account's choice of e-mail alerts: the notification kinds, comma-separated (none when
# there is no row: e-mail is opt-in).
class MailPreference(Model):
    id = fields.IntField(primary_key=True)
    account: fields.OneToOneRelation[Account] = fields.OneToOneField(
        "identity.Account", related_name="mail_preference", on_delete=fields.CASCADE
    )
    kinds = fields.CharField(max_length=300, default="")
    updated_at = fields.DatetimeField()

    account_id: int

    class Meta:
        table = "notify_mail_preference"


# A periodic notice given once: its key names the event (e.g. "grant_ending:12:2026-03-01").
# Written in the same transaction as the notifications, so a notice is given exactly once.
class NoticeGiven(Model):
    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=120, unique=True)
    given_at = fields.DatetimeField()

    class Meta:
        table = "notify_notice_given"
