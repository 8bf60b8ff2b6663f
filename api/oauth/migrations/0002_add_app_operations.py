"""The operations registered for an app, and the app's allowlist mode.

Apps registered before this migration are not in allowlist mode: they run any query.
"""

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [("oauth", "0001_create_oauth")]

    operations = [
        ops.AddField(
            model_name="OAuthApp",
            name="allowlist_mode",
            field=fields.BooleanField(default=False),
        ),
        ops.CreateModel(
            name="AppOperation",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True,
                                       db_index=True)),
                ("app", fields.ForeignKeyField(
                    "oauth.OAuthApp", source_field="app_id", db_constraint=True,
                    to_field="id", related_name="operations", on_delete=OnDelete.CASCADE)),
                ("name", fields.CharField(max_length=200)),
                ("sha256", fields.CharField(max_length=64)),
                ("query", fields.TextField(unique=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={"table": "oauth_operation", "app": "oauth",
                     "unique_together": (("app", "sha256"),), "pk_attr": "id",
                     "table_description": "A GraphQL operation registered for an app "
                                          "(`carnet apps operations`)."},
            bases=["Model"],
        ),
    ]
