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
            name='OAuthApp',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('client_id', fields.CharField(unique=True, max_length=64)),
                ('client_secret_hash', fields.CharField(null=True, max_length=64)),
                ('name', fields.CharField(max_length=100)),
                ('publisher', fields.CharField(max_length=100)),
                ('redirect_uris', fields.TextField(unique=False)),
                ('scopes', fields.TextField(unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('approved_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'oauth_app', 'app': 'oauth', 'pk_attr': 'id', 'table_description': 'A registered client. Only an approved app can be authorised.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AppConnection',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('app', fields.ForeignKeyField('oauth.OAuthApp', source_field='app_id', db_constraint=True, to_field='id', related_name='connections', on_delete=OnDelete.CASCADE)),
                ('account', fields.ForeignKeyField('identity.Account', source_field='account_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('patient', fields.ForeignKeyField('identity.Patient', source_field='patient_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('scopes', fields.TextField(unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('last_used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'oauth_connection', 'app': 'oauth', 'indexes': [Index(fields=['account_id', 'revoked_at'])], 'pk_attr': 'id', 'table_description': "What a person let an app do, on which record: the consent screen's answer."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AuthorizationCode',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code_hash', fields.CharField(unique=True, max_length=64)),
                ('connection', fields.ForeignKeyField('oauth.AppConnection', source_field='connection_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('redirect_uri', fields.TextField(unique=False)),
                ('scopes', fields.TextField(unique=False)),
                ('code_challenge', fields.CharField(max_length=128)),
                ('code_challenge_method', fields.CharField(max_length=8)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('family', fields.CharField(max_length=32)),
            ],
            options={'table': 'oauth_code', 'app': 'oauth', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OAuthToken',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('connection', fields.ForeignKeyField('oauth.AppConnection', source_field='connection_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('family', fields.CharField(db_index=True, max_length=32)),
                ('access_token_hash', fields.CharField(unique=True, max_length=64)),
                ('refresh_token_hash', fields.CharField(null=True, unique=True, max_length=64)),
                ('scopes', fields.TextField(unique=False)),
                ('issued_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('access_expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('refresh_expires_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('rotated_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'oauth_token', 'app': 'oauth', 'pk_attr': 'id'},
            bases=['Model'],
        ),
    ]
