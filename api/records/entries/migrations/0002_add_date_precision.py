from tortoise import migrations
from tortoise.migrations import operations as ops
from api.dates import DatePrecision
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('entries', '0001_create_entries'), ('identity', '0001_create_identity'), ('identity', '0002_throttle_attempts'), ('identity', '0003_add_directory_search'), ('identity', '0004_describe_session_stages')]

    initial = False

    operations = [
        ops.AddField(
            model_name='HistoryEntry',
            name='onset_precision',
            field=fields.CharEnumField(default=DatePrecision.DAY, description='YEAR: year\nMONTH: month\nDAY: day', db_default=DatePrecision.DAY, enum_type=DatePrecision, max_length=8),
        ),
        ops.AddField(
            model_name='Vaccination',
            name='date_precision',
            field=fields.CharEnumField(default=DatePrecision.DAY, description='YEAR: year\nMONTH: month\nDAY: day', db_default=DatePrecision.DAY, enum_type=DatePrecision, max_length=8),
        ),
    ]
