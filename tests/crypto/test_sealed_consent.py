"""The reason given for an emergency access is sealed at rest under the patient's data key,
in its row and in the notifications that quote it; the API reads it back clear. (Its copy in
the access history is not sealed: the history's hash chain covers it, docs/security.md.)"""

from __future__ import annotations

import uuid

import pytest

from api.consent.models import EmergencyAccess, Notification, NotificationKind
from api.consent.notifications import notification_text
from api.identity import patient_keys
from api.identity.patient_keys import RecordUnreadable
from tests.consent.support import OPEN_EMERGENCY, session, traits
from tests.crypto.support import store, stored
from tests.factories import make_patient, make_professional


async def test_an_emergency_reason_is_stored_sealed_and_read_back_clear(client, settings, db):
    marker = f"Inconsciente-XYZ-{uuid.uuid4().hex[:8]}"
    patient = await make_patient()
    urgentist = await make_professional("emergency_physician")
    opened = await (await session(client, settings, urgentist))(
        OPEN_EMERGENCY, **traits(patient), reason=f"Trouvée {marker} à domicile")
    access = opened["data"]["openEmergencyAccess"]["emergencyAccess"]
    assert access["reason"] == f"Trouvée {marker} à domicile"
    assert marker not in await stored("consent_emergency_access", "reason", int(access["id"]))
    [note] = await Notification.filter(kind=NotificationKind.EMERGENCY_ACCESS)
    raw = f"{await stored('consent_notification', 'payload', note.id)}" \
          f"{await stored('consent_notification', 'quoted', note.id)}"
    assert marker not in raw
    assert marker in notification_text(note, "fr")
    # Moved to another patient's emergency access, it does not open.
    other = await make_patient()
    again = await (await session(client, settings, urgentist))(
        OPEN_EMERGENCY, **traits(other), reason="Chute dans l'escalier")
    other_id = int(again["data"]["openEmergencyAccess"]["emergencyAccess"]["id"])
    await store("consent_emergency_access", "reason", other_id,
                await stored("consent_emergency_access", "reason", int(access["id"])))
    patient_keys.forget_cached()
    with pytest.raises(RecordUnreadable):
        await EmergencyAccess.get(id=other_id)
