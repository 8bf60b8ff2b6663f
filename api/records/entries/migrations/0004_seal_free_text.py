"""The record's free text is stored sealed under the patient's data key
(api/identity/sealed.py): each row gets its random `seal_id`, bound into every ciphertext,
and the columns become text, since a sealed value is longer than the clear one. Rows written
before are sealed by `carnet migrate` (api/identity/sealed.py, `seal_existing`)."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

from api.identity.sealed import SealedText


class Migration(migrations.Migration):
    dependencies = [('entries', '0003_mark_imported_entries'), ('identity', '0006_patient_keys')]

    initial = False

    operations = [
        ops.AddField(
            model_name='HistoryEntry',
            name='seal_id',
            field=fields.CharField(max_length=32, null=True),
        ),
        ops.AlterField(
            model_name='HistoryEntry',
            name='text',
            field=SealedText(max_length=300, null=True),
        ),
        ops.AlterField(
            model_name='HistoryEntry',
            name='note',
            field=SealedText(null=True),
        ),
        ops.AddField(
            model_name='Allergy',
            name='seal_id',
            field=fields.CharField(max_length=32, null=True),
        ),
        ops.AlterField(
            model_name='Allergy',
            name='substance',
            field=SealedText(max_length=200),
        ),
        ops.AlterField(
            model_name='Allergy',
            name='reaction',
            field=SealedText(max_length=500, null=True),
        ),
        ops.AlterField(
            model_name='Allergy',
            name='note',
            field=SealedText(null=True),
        ),
        ops.AddField(
            model_name='Treatment',
            name='seal_id',
            field=fields.CharField(max_length=32, null=True),
        ),
        ops.AlterField(
            model_name='Treatment',
            name='medication',
            field=SealedText(max_length=200),
        ),
        ops.AlterField(
            model_name='Treatment',
            name='dose',
            field=SealedText(max_length=200, null=True),
        ),
        ops.AlterField(
            model_name='Treatment',
            name='route',
            field=SealedText(max_length=100, null=True),
        ),
        ops.AlterField(
            model_name='Treatment',
            name='prescriber',
            field=SealedText(max_length=200, null=True),
        ),
        ops.AlterField(
            model_name='Treatment',
            name='note',
            field=SealedText(null=True),
        ),
        ops.AddField(
            model_name='Vaccination',
            name='seal_id',
            field=fields.CharField(max_length=32, null=True),
        ),
        ops.AlterField(
            model_name='Vaccination',
            name='lot_number',
            field=SealedText(max_length=50, null=True),
        ),
        ops.AlterField(
            model_name='Vaccination',
            name='performer',
            field=SealedText(max_length=200, null=True),
        ),
        ops.AlterField(
            model_name='Vaccination',
            name='note',
            field=SealedText(null=True),
        ),
    ]
