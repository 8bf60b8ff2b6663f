from tortoise import migrations
from tortoise.migrations import operations as ops
from api.consent.models import NotificationKind
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('consent', '0004_delete_failed_patient_lookup'), ('identity', '0003_add_directory_search')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='Notification',
            name='kind',
            field=fields.CharEnumField(description='EMERGENCY_ACCESS: emergency_access\nHELD_BACK_DOCUMENT: held_back_document\nDOCUMENT_DEPOSITED: document_deposited\nNEW_MESSAGE: new_message\nGRANT_ENDING: grant_ending\nHELD_BACK_RELEASED: held_back_released\nAPP_CONNECTED: app_connected', enum_type=NotificationKind, max_length=32),
        ),
    ]
