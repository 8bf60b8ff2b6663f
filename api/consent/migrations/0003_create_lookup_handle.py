"""The opaque handles a successful patient lookup hands a professional (digests only)."""

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("consent", "0002_add_grant_revoked_reason")]

    operations = [
        ops.CreateModel(
            name="LookupHandle",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True,
                                       db_index=True)),
                ("patient", fields.ForeignKeyField(
                    "identity.Patient", source_field="patient_id", db_constraint=True,
                    to_field="id", related_name=False, on_delete=OnDelete.CASCADE)),
                ("account", fields.ForeignKeyField(
                    "identity.Account", source_field="account_id", db_constraint=True,
                    to_field="id", related_name=False, on_delete=OnDelete.CASCADE)),
                ("digest", fields.CharField(max_length=64, unique=True)),
                ("expires_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={"table": "consent_lookup_handle", "app": "consent",
                     "indexes": [Index(fields=["account_id", "expires_at"])], "pk_attr": "id"},
            bases=["Model"],
        ),
    ]
