from tortoise import migrations
from tortoise.migrations import operations as ops
from api.identity.models import SessionStage
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('identity', '0003_add_directory_search')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='Session',
            name='stage',
            field=fields.CharEnumField(description='SECOND_FACTOR: second_factor\nENROLMENT: enrolment\nACTIVE: active', enum_type=SessionStage, max_length=16),
        ),
    ]
