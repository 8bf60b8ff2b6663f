"""The directory: entries without an account, and indexed accent-free search columns.

A professional imported from an RPPS extract has no account until they sign up, so the
account link becomes optional. `name_search` and `city_search` hold the lowercase,
accent-free words of the name and city (api/identity/normalise.py); the rows already there
get theirs here, in batches.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

from api.identity.normalise import search_text

_BATCH = 500


def _update_sql(dialect):
    if dialect == "postgres":
        return 'UPDATE "professional" SET "name_search" = $1, "city_search" = $2 WHERE "id" = $3'
    return 'UPDATE "professional" SET "name_search" = ?, "city_search" = ? WHERE "id" = ?'


async def fill_search_columns(apps, schema_editor):
    client = schema_editor.client
    sql = _update_sql(client.capabilities.dialect)
    last = 0
    while True:
        rows = await client.execute_query_dict(
            'SELECT "id", "last_name", "first_name", "practice_city" FROM "professional" '
            f'WHERE "id" > {int(last)} ORDER BY "id" LIMIT {_BATCH}')
        if not rows:
            return
        for row in rows:
            name = search_text(f"{row['last_name']} {row['first_name']}")[:201]
            await client.execute_query(
                sql, [name, search_text(row["practice_city"])[:100], row["id"]])
        last = rows[-1]["id"]


class Migration(migrations.Migration):
    dependencies = [('identity', '0002_throttle_attempts')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='Professional',
            name='account',
            field=fields.OneToOneField('identity.Account', source_field='account_id', null=True, db_constraint=True, to_field='id', related_name='professional', on_delete=OnDelete.CASCADE),
        ),
        ops.AlterField(
            model_name='Professional',
            name='profession',
            field=fields.CharField(db_index=True, max_length=32),
        ),
        ops.AddField(
            model_name='Professional',
            name='city_search',
            field=fields.CharField(default='', db_index=True, max_length=100),
        ),
        ops.AddField(
            model_name='Professional',
            name='name_search',
            field=fields.CharField(default='', db_index=True, max_length=201),
        ),
        ops.RunPython(fill_search_columns, ops.RunPython.noop),
    ]
