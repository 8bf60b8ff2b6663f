from tortoise import migrations
from tortoise.migrations import operations as ops
from api.sync.models import ChangeKind
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('identity', '0001_create_identity')]

    initial = True

    operations = [
        ops.CreateModel(
            name='Change',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('patient', fields.ForeignKeyField('identity.Patient', source_field='patient_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('section', fields.CharField(max_length=32)),
                ('item_id', fields.BigIntField()),
                ('kind', fields.CharEnumField(description='CREATED: created\nUPDATED: updated\nDELETED: deleted', enum_type=ChangeKind, max_length=16)),
                ('occurred_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('created_by_id', fields.IntField(null=True)),
                ('category', fields.CharField(null=True, max_length=32)),
                ('type_code', fields.CharField(null=True, max_length=16)),
                ('hidden_from_professionals', fields.BooleanField(default=False)),
                ('held_back_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('confidential_for_minor', fields.BooleanField(default=False)),
            ],
            options={'table': 'sync_change', 'app': 'sync', 'indexes': [Index(fields=['patient_id', 'id']), Index(fields=['occurred_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='IdempotencyKey',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('account', fields.ForeignKeyField('identity.Account', source_field='account_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('client_id', fields.CharField(default='', max_length=100)),
                ('key', fields.CharField(max_length=200)),
                ('operation', fields.CharField(max_length=64)),
                ('input_hash', fields.CharField(max_length=64)),
                ('result_type', fields.CharField(max_length=32)),
                ('result_id', fields.BigIntField()),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'sync_idempotency_key', 'app': 'sync', 'unique_together': (('account_id', 'client_id', 'key'),), 'indexes': [Index(fields=['expires_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
