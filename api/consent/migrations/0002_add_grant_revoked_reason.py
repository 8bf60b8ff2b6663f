"""Say why a grant ended early: withdrawn by the patient, or ended by a block.

Grants revoked before this migration keep a null reason, which reads as withdrawn.
"""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops

from api.consent.models import GrantEndReason


class Migration(migrations.Migration):
    dependencies = [("consent", "0001_create_consent")]

    operations = [
        ops.AddField(
            model_name="Grant",
            name="revoked_reason",
            field=fields.CharEnumField(
                enum_type=GrantEndReason, max_length=16, null=True,
                description="REVOKED: revoked\nBLOCKED: blocked"),
        ),
    ]
