"""The demo conversations: two of Camille's, one waiting for her answer, one closed."""

from __future__ import annotations

from api.consent.models import Notification, NotificationKind
from api.demo import load_demo, load_records
from api.identity.models import Patient
from api.messaging.models import Conversation, Message, ReadState
from api.messaging.services import unread_of
from api.settings import Settings


async def test_the_demo_gives_camille_two_conversations_once(db: None,
                                                             settings: Settings) -> None:
    await load_demo()
    await load_records(settings)
    await load_records(settings)
    camille = await Patient.get(ins_nir="2951099126111")
    conversations = await Conversation.filter(patient_id=camille.id).order_by("id")
    assert [(c.subject, c.closed_at is not None) for c in conversations] == [
        ("Pansement de jeudi", True), ("Résultats de votre bilan sanguin", False)]
    assert await Message.all().count() == 3
    assert camille.account_id is not None
    unread = await unread_of(camille.account_id, [c.id for c in conversations])
    assert unread == {conversations[1].id: 1}
    assert await ReadState.filter(unread__gt=0).count() == 2  # Camille's, and the nurse's
    # Two messages to Camille, and her answer to the nurse.
    assert await Notification.filter(kind=NotificationKind.NEW_MESSAGE).count() == 3
