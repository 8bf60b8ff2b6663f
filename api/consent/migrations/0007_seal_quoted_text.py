"""What a notification quotes of what a person wrote (a conversation's subject, the reason
given for an emergency access) moves out of its payload into `quoted`, sealed under the
patient's data key (api/identity/sealed.py); each notification gets its random `seal_id`.
Notifications written before are sealed by `carnet migrate` (`seal_existing`, which moves the
quoted text out of their payload)."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

from api.identity.sealed import SealedText


class Migration(migrations.Migration):
    dependencies = [('consent', '0006_add_notification_mail_state'), ('identity', '0006_patient_keys')]

    initial = False

    operations = [
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
