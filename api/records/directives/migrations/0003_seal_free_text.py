"""The record's free text is stored sealed under the patient's data key
(api/identity/sealed.py): each row gets its random `seal_id`, bound into every ciphertext,
and the columns become text, since a sealed value is longer than the clear one. Rows written
before are sealed by `carnet migrate` (api/identity/sealed.py, `seal_existing`)."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

from api.identity.sealed import SealedText


class Migration(migrations.Migration):
    dependencies = [('directives', '0002_mark_imported_directives'), ('identity', '0006_patient_keys')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Directives',
            name='seal_id',
            field=fields.CharField(max_length=32, null=True),
        ),
        ops.AlterField(
            model_name='Directives',
            name='advance_directives',
            field=SealedText(default=""),
        ),
        ops.AlterField(
            model_name='Directives',
            name='trusted_person_name',
            field=SealedText(max_length=200, null=True),
        ),
        ops.AlterField(
            model_name='Directives',
            name='trusted_person_relation',
            field=SealedText(max_length=100, null=True),
        ),
        ops.AlterField(
            model_name='Directives',
            name='trusted_person_phone',
            field=SealedText(max_length=20, null=True),
        ),
        ops.AlterField(
            model_name='Directives',
            name='trusted_person_email',
            field=SealedText(max_length=254, null=True),
        ),
        ops.AlterField(
            model_name='Directives',
            name='organ_donation_limits',
            field=SealedText(null=True),
        ),
    ]
