"""Missed patient lookups are now throttled by the shared attempt counter: drop their table."""

from tortoise import migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("consent", "0003_create_lookup_handle")]

    operations = [
        ops.DeleteModel(name="FailedPatientLookup"),
    ]
