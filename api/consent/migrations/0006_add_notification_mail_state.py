from tortoise import migrations
from tortoise.migrations import operations as ops
from api.consent.models import MailState
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('consent', '0005_add_notification_kinds'), ('identity', '0004_describe_session_stages')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Notification',
            name='mail_attempts',
            field=fields.IntField(default=0),
        ),
        ops.AddField(
            model_name='Notification',
            name='mail_error',
            field=fields.CharField(null=True, max_length=200),
        ),
        ops.AddField(
            model_name='Notification',
            name='mail_lease_until',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Notification',
            name='mail_next_attempt_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Notification',
            name='mail_sent_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Notification',
            name='mail_state',
            field=fields.CharEnumField(default=MailState.UNDECIDED, description='UNDECIDED: undecided\nNOT_WANTED: not_wanted\nPENDING: pending\nSENT: sent\nFAILED: failed', enum_type=MailState, max_length=12),
        ),
        ops.AddIndex(
            model_name='Notification',
            index=Index(fields=['mail_state', 'mail_next_attempt_at']),
        ),
    ]
