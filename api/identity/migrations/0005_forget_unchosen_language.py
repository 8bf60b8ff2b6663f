from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('identity', '0004_describe_session_stages')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='Account',
            name='language',
            field=fields.CharField(null=True, max_length=5),
        ),
        # Nobody could choose a language before: every stored value was the default.
        ops.RunSQL("UPDATE account SET language = NULL",
                   reverse_sql="UPDATE account SET language = 'fr' WHERE language IS NULL"),
    ]
