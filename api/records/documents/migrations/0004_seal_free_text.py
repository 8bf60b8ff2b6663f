"""The record's free text is stored sealed under the patient's data key
(api/identity/sealed.py): each row gets its random `seal_id`, bound into every ciphertext,
and the columns become text, since a sealed value is longer than the clear one. Rows written
before are sealed by `carnet migrate` (api/identity/sealed.py, `seal_existing`)."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

from api.identity.sealed import SealedText


class Migration(migrations.Migration):
    dependencies = [('documents', '0003_mark_imported_documents'), ('identity', '0006_patient_keys')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Document',
            name='seal_id',
            field=fields.CharField(max_length=32, null=True),
        ),
        ops.AlterField(
            model_name='Document',
            name='title',
            field=SealedText(max_length=200),
        ),
        ops.AlterField(
            model_name='Document',
            name='original_filename',
            field=SealedText(max_length=255, default=""),
        ),
    ]
