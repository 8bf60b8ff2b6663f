from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from api.consent.models import NotificationKind
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('identity', '0001_create_identity')]

    initial = True

    operations = [
        ops.CreateModel(
            name='Block',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('patient', fields.ForeignKeyField('identity.Patient', source_field='patient_id', db_constraint=True, to_field='id', related_name='consent_blocks', on_delete=OnDelete.CASCADE)),
                ('professional', fields.ForeignKeyField('identity.Professional', source_field='professional_id', db_constraint=True, to_field='id', related_name='blocked_by', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'consent_block', 'app': 'consent', 'unique_together': (('patient', 'professional'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ConsentSettings',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('patient', fields.OneToOneField('identity.Patient', source_field='patient_id', db_constraint=True, to_field='id', related_name='consent_settings', on_delete=OnDelete.CASCADE)),
                ('emergency_opposed', fields.BooleanField(default=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'consent_settings', 'app': 'consent', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='EmergencyAccess',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('patient', fields.ForeignKeyField('identity.Patient', source_field='patient_id', db_constraint=True, to_field='id', related_name='emergency_accesses', on_delete=OnDelete.CASCADE)),
                ('professional', fields.ForeignKeyField('identity.Professional', source_field='professional_id', db_constraint=True, to_field='id', related_name='emergency_accesses', on_delete=OnDelete.CASCADE)),
                ('reason', fields.TextField(unique=False)),
                ('opened_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'consent_emergency_access', 'app': 'consent', 'indexes': [Index(fields=['patient_id', 'professional_id', 'opened_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='FailedPatientLookup',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('account', fields.ForeignKeyField('identity.Account', source_field='account_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'consent_failed_lookup', 'app': 'consent', 'indexes': [Index(fields=['account_id', 'at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Grant',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('patient', fields.ForeignKeyField('identity.Patient', source_field='patient_id', db_constraint=True, to_field='id', related_name='consent_grants', on_delete=OnDelete.CASCADE)),
                ('professional', fields.ForeignKeyField('identity.Professional', source_field='professional_id', db_constraint=True, to_field='id', related_name='consent_grants', on_delete=OnDelete.CASCADE)),
                ('sections', fields.CharField(max_length=200)),
                ('write', fields.BooleanField(default=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_by', fields.ForeignKeyField('identity.Account', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'consent_grant', 'app': 'consent', 'indexes': [Index(fields=['patient_id', 'professional_id']), Index(fields=['professional_id', 'expires_at'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='HeldBackNotice',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('patient', fields.ForeignKeyField('identity.Patient', source_field='patient_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('document_id', fields.IntField(unique=True)),
                ('sent_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'consent_held_back_notice', 'app': 'consent', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Notification',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('patient', fields.ForeignKeyField('identity.Patient', source_field='patient_id', db_constraint=True, to_field='id', related_name='notifications', on_delete=OnDelete.CASCADE)),
                ('recipient', fields.ForeignKeyField('identity.Account', source_field='recipient_id', db_constraint=True, to_field='id', related_name='notifications', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='EMERGENCY_ACCESS: emergency_access\nHELD_BACK_DOCUMENT: held_back_document', enum_type=NotificationKind, max_length=32)),
                ('payload', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('read_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'consent_notification', 'app': 'consent', 'indexes': [Index(fields=['recipient_id', 'id'])], 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TreatingDoctor',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('patient', fields.OneToOneField('identity.Patient', source_field='patient_id', db_constraint=True, to_field='id', related_name='treating_doctor', on_delete=OnDelete.CASCADE)),
                ('professional', fields.ForeignKeyField('identity.Professional', source_field='professional_id', db_constraint=True, to_field='id', related_name='treated_patients', on_delete=OnDelete.CASCADE)),
                ('designated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'consent_treating_doctor', 'app': 'consent', 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
