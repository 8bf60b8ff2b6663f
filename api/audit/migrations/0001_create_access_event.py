from tortoise import migrations
from tortoise.migrations import operations as ops
from api.consent.sections import Basis
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('identity', '0001_create_identity')]

    initial = True

    operations = [
        ops.CreateModel(
            name='AccessEvent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('patient', fields.ForeignKeyField('identity.Patient', source_field='patient_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('sequence', fields.IntField()),
                ('occurred_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('viewer_account_id', fields.IntField()),
                ('viewer_professional_id', fields.IntField(null=True)),
                ('viewer_name', fields.CharField(max_length=200)),
                ('viewer_profession', fields.CharField(default='', max_length=32)),
                ('basis', fields.CharEnumField(description='OWNER: owner\nREPRESENTATIVE: representative\nGRANT: grant\nTREATING_DOCTOR: treating_doctor\nEMERGENCY: emergency\nDEPOSIT: deposit\nAPP: app', enum_type=Basis, max_length=16)),
                ('sections', fields.CharField(max_length=200)),
                ('actions', fields.CharField(max_length=32)),
                ('emergency', fields.BooleanField(default=False)),
                ('request_kind', fields.CharField(max_length=24)),
                ('detail', fields.CharField(default='', max_length=500)),
                ('prev_hash', fields.CharField(max_length=64)),
                ('hash', fields.CharField(max_length=64)),
            ],
            options={'table': 'access_event', 'app': 'audit', 'unique_together': (('patient', 'sequence'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
