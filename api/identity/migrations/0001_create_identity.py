from tortoise import migrations
from tortoise.migrations import operations as ops
from api.identity.models import AccountStatus, Role, SecondFactor, SessionStage
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Account',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('email', fields.CharField(null=True, unique=True, max_length=254)),
                ('password_hash', fields.CharField(null=True, max_length=255)),
                ('role', fields.CharEnumField(description='PATIENT: patient\nPROFESSIONAL: professional', enum_type=Role, max_length=16)),
                ('status', fields.CharEnumField(default=AccountStatus.PENDING, description='PENDING: pending\nACTIVE: active\nOPPOSED: opposed\nCLOSED: closed', enum_type=AccountStatus, max_length=16)),
                ('second_factor', fields.CharEnumField(default=SecondFactor.EMAIL, description='TOTP: totp\nEMAIL: email', enum_type=SecondFactor, max_length=8)),
                ('totp_secret', fields.CharField(null=True, max_length=64)),
                ('totp_pending_secret', fields.CharField(null=True, max_length=64)),
                ('totp_last_counter', fields.BigIntField(null=True)),
                ('language', fields.CharField(default='fr', max_length=5)),
                ('failed_attempts', fields.IntField(default=0)),
                ('locked_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('activated_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('closed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'account', 'app': 'identity', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Opposition',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('nir_digest', fields.CharField(unique=True, max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'opposition', 'app': 'identity', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Patient',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('account', fields.OneToOneField('identity.Account', source_field='account_id', null=True, db_constraint=True, to_field='id', related_name='patient', on_delete=OnDelete.CASCADE)),
                ('ins_nir', fields.CharField(unique=True, max_length=13)),
                ('ins_key', fields.CharField(max_length=2)),
                ('birth_name', fields.CharField(max_length=100)),
                ('first_names', fields.CharField(max_length=200)),
                ('used_name', fields.CharField(null=True, max_length=100)),
                ('birth_date', fields.DateField()),
                ('sex', fields.CharField(max_length=1)),
                ('birthplace_insee', fields.CharField(max_length=5)),
                ('phone', fields.CharField(null=True, max_length=32)),
                ('contact_email', fields.CharField(null=True, max_length=254)),
                ('activation_code_hash', fields.CharField(null=True, max_length=255)),
                ('activation_expires_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'patient', 'app': 'identity', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Guardianship',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('guardian', fields.ForeignKeyField('identity.Account', source_field='guardian_id', db_constraint=True, to_field='id', related_name='guardianships', on_delete=OnDelete.CASCADE)),
                ('patient', fields.ForeignKeyField('identity.Patient', source_field='patient_id', db_constraint=True, to_field='id', related_name='guardians', on_delete=OnDelete.CASCADE)),
                ('relation', fields.CharField(default='parent', max_length=32)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'guardianship', 'app': 'identity', 'unique_together': (('guardian', 'patient'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Professional',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('account', fields.OneToOneField('identity.Account', source_field='account_id', db_constraint=True, to_field='id', related_name='professional', on_delete=OnDelete.CASCADE)),
                ('rpps', fields.CharField(unique=True, max_length=11)),
                ('last_name', fields.CharField(max_length=100)),
                ('first_name', fields.CharField(max_length=100)),
                ('profession', fields.CharField(max_length=32)),
                ('specialty', fields.CharField(default='', max_length=100)),
                ('practice_name', fields.CharField(default='', max_length=200)),
                ('practice_city', fields.CharField(default='', max_length=100)),
                ('practice_postcode', fields.CharField(default='', max_length=10)),
            ],
            options={'table': 'professional', 'app': 'identity', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Session',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('account', fields.ForeignKeyField('identity.Account', source_field='account_id', db_constraint=True, to_field='id', related_name='sessions', on_delete=OnDelete.CASCADE)),
                ('stage', fields.CharEnumField(description='SECOND_FACTOR: second_factor\nACTIVE: active', enum_type=SessionStage, max_length=16)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('last_seen_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('absolute_expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('email_code_hash', fields.CharField(null=True, max_length=64)),
                ('email_code_expires_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('code_attempts', fields.IntField(default=0)),
                ('user_agent', fields.CharField(default='', max_length=200)),
                ('ip_address', fields.CharField(default='', max_length=45)),
            ],
            options={'table': 'session', 'app': 'identity', 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
