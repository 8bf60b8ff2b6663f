from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('identity', '0001_create_identity')]

    initial = True

    operations = [
        ops.CreateModel(
            name='Document',
            fields=[
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('created_by', fields.ForeignKeyField('identity.Account', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_by', fields.ForeignKeyField('identity.Account', source_field='updated_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('patient', fields.ForeignKeyField('identity.Patient', source_field='patient_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('title', fields.CharField(max_length=200)),
                ('type_code', fields.CharField(max_length=16)),
                ('category', fields.CharField(max_length=32)),
                ('content_type', fields.CharField(max_length=32)),
                ('size_bytes', fields.IntField()),
                ('sha256', fields.CharField(max_length=64)),
                ('storage_key', fields.CharField(unique=True, max_length=64)),
                ('original_filename', fields.CharField(default='', max_length=255)),
                ('document_date', fields.DateField()),
                ('hidden_from_professionals', fields.BooleanField(default=False)),
                ('held_back_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('confidential_for_minor', fields.BooleanField(default=False)),
            ],
            options={'table': 'document', 'app': 'documents', 'indexes': [Index(fields=['patient_id', 'document_date', 'id'])], 'pk_attr': 'id'},
            bases=['ProvenanceMixin'],
        ),
    ]
