from tortoise import migrations
from tortoise.migrations import operations as ops
from api.consent.sections import Basis
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('audit', '0005_add_conversation_basis')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='AccessEvent',
            name='basis',
            field=fields.CharEnumField(description='OWNER: owner\nREPRESENTATIVE: representative\nGRANT: grant\nTREATING_DOCTOR: treating_doctor\nEMERGENCY: emergency\nDEPOSIT: deposit\nAPP: app\nCONVERSATION: conversation\nOPERATOR: operator', enum_type=Basis, max_length=16),
        ),
    ]
