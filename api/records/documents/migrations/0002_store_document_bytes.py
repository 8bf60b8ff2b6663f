"""Document bytes in the database (api/records/documents/storage_database.py): a row per stored file
and its bytes in rows of 256 KiB.

On PostgreSQL the chunks are stored out of line without compression (STORAGE EXTERNAL): PDF,
JPEG and PNG are compressed already, so trying again costs CPU and saves nothing. SQLite
gets the two tables, which stay empty unless CARNET_DOCUMENT_STORAGE=database.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields


def _on_postgres(statement):
    async def run(apps, schema_editor):
        if schema_editor.client.capabilities.dialect == "postgres":
            await schema_editor._run_sql(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [('documents', '0001_create_documents'), ('identity', '0004_describe_session_stages')]

    initial = False

    operations = [
        ops.CreateModel(
            name='StoredChunk',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharField(max_length=32)),
                ('seq', fields.IntField()),
                ('data', fields.BinaryField()),
            ],
            options={'table': 'stored_chunk', 'app': 'documents', 'unique_together': (('key', 'seq'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='StoredFile',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharField(unique=True, max_length=32)),
                ('size_bytes', fields.BigIntField()),
                ('chunk_count', fields.IntField()),
                ('stored_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'stored_file', 'app': 'documents', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.RunPython(
            _on_postgres('ALTER TABLE "stored_chunk" ALTER COLUMN "data" SET STORAGE EXTERNAL'),
            _on_postgres('ALTER TABLE "stored_chunk" ALTER COLUMN "data" SET STORAGE EXTENDED'),
        ),
    ]
