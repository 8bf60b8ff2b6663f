"""On PostgreSQL, refuse UPDATE and DELETE on access_event: the access history is append-only.

Rows may only go away with their patient (ON DELETE CASCADE when a record is destroyed).
SQLite gets no trigger: the test suite empties tables with DELETE there, and the hash
chain (`carnet audit verify`) detects tampering on every database anyway.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

FORWARD = [
    """
    CREATE OR REPLACE FUNCTION access_event_append_only() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM patient WHERE id = OLD.patient_id) THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'access_event is append-only: % refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER access_event_append_only
        BEFORE UPDATE OR DELETE ON access_event
        FOR EACH ROW EXECUTE FUNCTION access_event_append_only()
    """,
]
BACKWARD = [
    "DROP TRIGGER IF EXISTS access_event_append_only ON access_event",
    "DROP FUNCTION IF EXISTS access_event_append_only()",
]


def _on_postgres(statements):
    async def run(apps, schema_editor):
        if schema_editor.client.capabilities.dialect != "postgres":
            return
        for statement in statements:
            await schema_editor._run_sql(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_create_access_event")]

    operations = [
        ops.RunPython(_on_postgres(FORWARD), _on_postgres(BACKWARD)),
    ]
