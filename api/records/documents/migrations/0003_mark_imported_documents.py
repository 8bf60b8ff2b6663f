"""Entries brought in from a FHIR file carry `imported`, and the identifier they came with
(`imported_as`, system|value) so that a second import of the same file adds nothing."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


class Migration(migrations.Migration):
    dependencies = [('documents', '0002_store_document_bytes')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Document',
            name='imported',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AddField(
            model_name='Document',
            name='imported_as',
            field=fields.CharField(max_length=200, null=True),
        ),
    ]
