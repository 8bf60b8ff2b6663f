"""The register of chains: which patients have an access chain, and anchors of their lengths.

`access_register` is a global, hash-chained list of entries (a chain started, or an operator's
anchor); `access_register_tip` keeps its sealed end; `access_anchor_chain` keeps, per anchor,
the length of every chain. On PostgreSQL a trigger refuses UPDATE and DELETE on the register
and the anchored lengths. Chains written before this migration are registered here, in
patient order, and the tip is sealed: that needs the key, which `carnet migrate`
(api.db.apply_migrations) configures from SECRET_KEY.
"""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from api import clock
from api.audit.register import RegisterEnd, append_entries, chain_entries
from api.audit.seal import sealing_key

APPEND_ONLY = [
    """
    CREATE OR REPLACE FUNCTION access_register_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER access_register_append_only BEFORE UPDATE OR DELETE ON access_register
        FOR EACH ROW EXECUTE FUNCTION access_register_append_only()
    """,
    """
    CREATE TRIGGER access_anchor_chain_append_only BEFORE UPDATE OR DELETE
        ON access_anchor_chain FOR EACH ROW EXECUTE FUNCTION access_register_append_only()
    """,
]
DROP_APPEND_ONLY = [
    "DROP TRIGGER IF EXISTS access_register_append_only ON access_register",
    "DROP TRIGGER IF EXISTS access_anchor_chain_append_only ON access_anchor_chain",
    "DROP FUNCTION IF EXISTS access_register_append_only()",
]
# Every patient with events or a head, i.e. every chain that exists.
EXISTING_CHAINS = (
    'SELECT "patient_id" FROM "access_event" UNION '
    'SELECT "patient_id" FROM "access_chain_head" ORDER BY 1'
)
_BATCH = 500


def _on_postgres(statements):
    async def run(apps, schema_editor):
        if schema_editor.client.capabilities.dialect != "postgres":
            return
        for statement in statements:
            await schema_editor._run_sql(statement)

    return run


async def register_existing_chains(apps, schema_editor):
    client = schema_editor.client
    patient_ids = [row["patient_id"] for row in await client.execute_query_dict(EXISTING_CHAINS)]
    if not patient_ids:
        return
    key, moment = sealing_key(), clock.now()
    end = RegisterEnd(0, "0" * 64, True)
    for start in range(0, len(patient_ids), _BATCH):
        entries = chain_entries(end, patient_ids[start:start + _BATCH], moment)
        await append_entries(client, key, end, entries)
        end = RegisterEnd(entries[-1].position, entries[-1].hash, True)


class Migration(migrations.Migration):
    dependencies = [('audit', '0003_seal_chain_heads')]

    initial = False

    operations = [
        ops.CreateModel(
            name='RegisterEntry',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('position', fields.IntField(unique=True)),
                ('kind', fields.CharField(max_length=16)),
                ('patient_id', fields.IntField(null=True)),
                ('chains', fields.IntField(default=0)),
                ('digest', fields.CharField(default='', max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('prev_hash', fields.CharField(max_length=64)),
                ('hash', fields.CharField(max_length=64)),
            ],
            options={'table': 'access_register', 'app': 'audit', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RegisterTip',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('position', fields.IntField()),
                ('hash', fields.CharField(max_length=64)),
                ('seal', fields.CharField(max_length=64)),
            ],
            options={'table': 'access_register_tip', 'app': 'audit', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AnchoredChain',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('anchor_position', fields.IntField(db_index=True)),
                ('patient_id', fields.IntField()),
                ('sequence', fields.IntField()),
                ('hash', fields.CharField(max_length=64)),
            ],
            options={'table': 'access_anchor_chain', 'app': 'audit',
                     'unique_together': (('anchor_position', 'patient_id'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.RunPython(_on_postgres(APPEND_ONLY), _on_postgres(DROP_APPEND_ONLY)),
        ops.RunPython(register_existing_chains, ops.RunPython.noop),
    ]
