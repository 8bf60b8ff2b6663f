from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('identity', '0001_create_identity')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AttemptThrottle',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key_digest', fields.CharField(unique=True, max_length=64)),
                ('failures', fields.IntField(default=0)),
                ('locked_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_attempt_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'attempt_throttle', 'app': 'identity', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.RemoveField(model_name='Account', name='failed_attempts'),
        ops.RemoveField(model_name='Account', name='locked_until'),
    ]
