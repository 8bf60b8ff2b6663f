"""The reason a professional gives for an emergency access, and what a notification quotes
of what a person wrote (a conversation's subject, that reason), are sealed under the
patient's data key (api/identity/sealed.py): each row gets its random `seal_id`; the quoted
text moves out of the notification's payload into `quoted`. Rows written before are sealed
by `carnet migrate` (`seal_existing`, which moves the quoted text out of the payload)."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

from api.identity.sealed import SealedText


class Migration(migrations.Migration):
    dependencies = [('consent', '0006_add_notification_mail_state'), ('identity', '0006_patient_keys')]

    initial = False

    operations = [
        ops.AddField(
            model_name='EmergencyAccess',
            name='seal_id',
            field=fields.CharField(max_length=32, null=True),
        ),
        ops.AlterField(
            model_name='EmergencyAccess',
            name='reason',
            field=SealedText(),
        ),
        ops.AddField(
            model_name='Notification',
            name='seal_id',
            field=fields.CharField(max_length=32, null=True),
        ),
        ops.AddField(
            model_name='Notification',
            name='quoted',
            field=SealedText(null=True),
        ),
    ]
