from tortoise import migrations
from tortoise.migrations import operations as ops
from api.records.directives.models import OrganDonation
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('identity', '0001_create_identity')]

    initial = True

    operations = [
        ops.CreateModel(
            name='Directives',
            fields=[
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('created_by', fields.ForeignKeyField('identity.Account', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_by', fields.ForeignKeyField('identity.Account', source_field='updated_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('patient', fields.OneToOneField('identity.Patient', source_field='patient_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('advance_directives', fields.TextField(default='', unique=False)),
                ('document_id', fields.IntField(null=True)),
                ('trusted_person_name', fields.CharField(null=True, max_length=200)),
                ('trusted_person_relation', fields.CharField(null=True, max_length=100)),
                ('trusted_person_phone', fields.CharField(null=True, max_length=20)),
                ('trusted_person_email', fields.CharField(null=True, max_length=254)),
                ('organ_donation', fields.CharEnumField(default=OrganDonation.NOT_STATED, description='NOT_STATED: not_stated\nCONSENTS: consents\nREFUSES: refuses\nLIMITED: limited', enum_type=OrganDonation, max_length=16)),
                ('organ_donation_limits', fields.TextField(null=True, unique=False)),
                ('last_confirmed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_confirmed_by', fields.ForeignKeyField('identity.Account', source_field='last_confirmed_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'directives', 'app': 'directives', 'pk_attr': 'id'},
            bases=['ProvenanceMixin'],
        ),
    ]
