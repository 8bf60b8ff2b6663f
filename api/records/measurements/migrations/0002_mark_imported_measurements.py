"""Entries brought in from a FHIR file carry `imported`, and the identifier they came with
(`imported_as`, system|value) so that a second import of the same file adds nothing."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [('measurements', '0001_create_measurements')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Measurement',
            name='imported',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AddField(
            model_name='Measurement',
            name='imported_as',
            field=fields.CharField(max_length=200, null=True),
        ),
    ]
