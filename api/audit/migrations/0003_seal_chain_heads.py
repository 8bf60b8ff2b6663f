"""One sealed head per patient's access chain, so deleting a chain's newest events shows.

`access_chain_head` keeps, per patient, the sequence and hash of the newest event and an
HMAC of them under a key derived from the server's secret (api/audit/seal.py). The heads of
chains written before this migration are sealed here, as the chains stand: that needs the
key, which `carnet migrate` (api.db.apply_migrations) configures from SECRET_KEY.
"""

from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.migrations import operations as ops

from api.audit.seal import seal, sealing_key

# The newest event of every chain (one index lookup per chain, on patient and sequence).
NEWEST_EVENTS = (
    'SELECT "event"."patient_id", "event"."sequence", "event"."hash" FROM "access_event" "event" '
    'WHERE "event"."sequence" = (SELECT MAX("last"."sequence") FROM "access_event" "last" '
    'WHERE "last"."patient_id" = "event"."patient_id") ORDER BY "event"."patient_id"'
)
_BATCH = 500


def _insert_heads_sql(dialect, count):
    marks = []
    for row in range(count):
        if dialect == "postgres":
            marks.append("(" + ",".join(f"${4 * row + n}" for n in range(1, 5)) + ")")
        else:
            marks.append("(?,?,?,?)")
    return ('INSERT INTO "access_chain_head" ("patient_id","sequence","hash","seal") VALUES '
            + ",".join(marks))


async def seal_existing_heads(apps, schema_editor):
    client = schema_editor.client
    rows = await client.execute_query_dict(NEWEST_EVENTS)
    if not rows:
        return
    key = sealing_key()
    for start in range(0, len(rows), _BATCH):
        batch = rows[start:start + _BATCH]
        values = []
        for row in batch:
            values += [row["patient_id"], row["sequence"], row["hash"],
                       seal(key, row["patient_id"], row["sequence"], row["hash"])]
        await client.execute_query(
            _insert_heads_sql(client.capabilities.dialect, len(batch)), values)


class Migration(migrations.Migration):
    dependencies = [('audit', '0002_guard_access_event'), ('identity', '0001_create_identity')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AccessChainHead',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('patient', fields.OneToOneField('identity.Patient', source_field='patient_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('sequence', fields.IntField()),
                ('hash', fields.CharField(max_length=64)),
                ('seal', fields.CharField(max_length=64)),
            ],
            options={'table': 'access_chain_head', 'app': 'audit', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.RunPython(seal_existing_heads, ops.RunPython.noop),
    ]
