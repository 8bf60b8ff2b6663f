"""What the people wrote in secure messaging is stored sealed under the patient's data key
(api/identity/sealed.py), like the record's free text: each conversation, message and
attachment gets its random `seal_id`, bound into every ciphertext, and the subject and the
file name become text, since a sealed value is longer than the clear one. Rows and attachment
files written before are sealed by `carnet migrate` (api/records/keys_cli.py)."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

from api.identity.sealed import SealedText


class Migration(migrations.Migration):
    dependencies = [('messaging', '0001_create_messaging'), ('identity', '0006_patient_keys')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Conversation',
            name='seal_id',
            field=fields.CharField(max_length=32, null=True),
        ),
        ops.AlterField(
            model_name='Conversation',
            name='subject',
            field=SealedText(max_length=200),
        ),
        ops.AddField(
            model_name='Message',
            name='seal_id',
            field=fields.CharField(max_length=32, null=True),
        ),
        ops.AlterField(
            model_name='Message',
            name='body',
            field=SealedText(),
        ),
        ops.AddField(
            model_name='Attachment',
            name='seal_id',
            field=fields.CharField(max_length=32, null=True),
        ),
        ops.AlterField(
            model_name='Attachment',
            name='filename',
            field=SealedText(max_length=255, default=""),
        ),
    ]
