from tortoise import migrations
from tortoise.migrations import operations as ops
from api.records.entries.models import Criticality, HistoryKind, HistoryStatus, Relative, Severity
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('identity', '0001_create_identity')]

    initial = True

    operations = [
        ops.CreateModel(
            name='Allergy',
            fields=[
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('created_by', fields.ForeignKeyField('identity.Account', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_by', fields.ForeignKeyField('identity.Account', source_field='updated_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('patient', fields.ForeignKeyField('identity.Patient', source_field='patient_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('substance', fields.CharField(max_length=200)),
                ('reaction', fields.CharField(null=True, max_length=500)),
                ('severity', fields.CharEnumField(null=True, description='MILD: mild\nMODERATE: moderate\nSEVERE: severe', enum_type=Severity, max_length=16)),
                ('criticality', fields.CharEnumField(null=True, description='LOW: low\nHIGH: high\nUNABLE_TO_ASSESS: unable-to-assess', enum_type=Criticality, max_length=16)),
                ('onset_date', fields.DateField(null=True)),
                ('note', fields.TextField(null=True, unique=False)),
                ('confidential_for_minor', fields.BooleanField(default=False)),
            ],
            options={'table': 'allergy', 'app': 'entries', 'indexes': [Index(fields=['patient_id', 'id'])], 'pk_attr': 'id'},
            bases=['ProvenanceMixin'],
        ),
        ops.CreateModel(
            name='HistoryEntry',
            fields=[
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('created_by', fields.ForeignKeyField('identity.Account', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_by', fields.ForeignKeyField('identity.Account', source_field='updated_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('patient', fields.ForeignKeyField('identity.Patient', source_field='patient_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='CONDITION: condition\nSURGERY: surgery\nFAMILY: family', enum_type=HistoryKind, max_length=16)),
                ('code', fields.CharField(null=True, max_length=8)),
                ('text', fields.CharField(null=True, max_length=300)),
                ('onset_date', fields.DateField(null=True)),
                ('resolution_date', fields.DateField(null=True)),
                ('status', fields.CharEnumField(description='ACTIVE: active\nRESOLVED: resolved', enum_type=HistoryStatus, max_length=16)),
                ('relative', fields.CharEnumField(null=True, description='MOTHER: mother\nFATHER: father\nSIBLING: sibling\nCHILD: child\nGRANDPARENT: grandparent\nAUNT_OR_UNCLE: aunt_or_uncle\nCOUSIN: cousin\nOTHER: other', enum_type=Relative, max_length=16)),
                ('note', fields.TextField(null=True, unique=False)),
                ('confidential_for_minor', fields.BooleanField(default=False)),
            ],
            options={'table': 'history_entry', 'app': 'entries', 'indexes': [Index(fields=['patient_id', 'onset_date'])], 'pk_attr': 'id'},
            bases=['ProvenanceMixin'],
        ),
        ops.CreateModel(
            name='Treatment',
            fields=[
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('created_by', fields.ForeignKeyField('identity.Account', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_by', fields.ForeignKeyField('identity.Account', source_field='updated_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('patient', fields.ForeignKeyField('identity.Patient', source_field='patient_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('medication', fields.CharField(max_length=200)),
                ('dose', fields.CharField(null=True, max_length=200)),
                ('route', fields.CharField(null=True, max_length=100)),
                ('start_date', fields.DateField(null=True)),
                ('end_date', fields.DateField(null=True)),
                ('prescriber', fields.CharField(null=True, max_length=200)),
                ('note', fields.TextField(null=True, unique=False)),
                ('confidential_for_minor', fields.BooleanField(default=False)),
            ],
            options={'table': 'treatment', 'app': 'entries', 'indexes': [Index(fields=['patient_id', 'start_date'])], 'pk_attr': 'id'},
            bases=['ProvenanceMixin'],
        ),
        ops.CreateModel(
            name='Vaccination',
            fields=[
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('created_by', fields.ForeignKeyField('identity.Account', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_by', fields.ForeignKeyField('identity.Account', source_field='updated_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('patient', fields.ForeignKeyField('identity.Patient', source_field='patient_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('vaccine_code', fields.CharField(max_length=32)),
                ('date', fields.DateField()),
                ('lot_number', fields.CharField(null=True, max_length=50)),
                ('performer', fields.CharField(null=True, max_length=200)),
                ('dose_number', fields.IntField(null=True)),
                ('note', fields.TextField(null=True, unique=False)),
                ('confidential_for_minor', fields.BooleanField(default=False)),
            ],
            options={'table': 'vaccination', 'app': 'entries', 'indexes': [Index(fields=['patient_id', 'date'])], 'pk_attr': 'id'},
            bases=['ProvenanceMixin'],
        ),
    ]
