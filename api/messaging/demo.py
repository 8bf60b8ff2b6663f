"""Demo conversations among the demo people of ``api.identity.demo``. Idempotent.

Run after the demo consent (``api.sharing.demo``): Dr BERNARD, Camille's treating doctor,
wrote to her about her blood test and waits for an answer; the nurse Marc PETIT, who has a
grant on her record, agreed a visit with her and closed the conversation. Written through
the same services as the API, so the unread counts and notifications are the real ones.
"""

from __future__ import annotations

from datetime import timedelta

from api import clock
from api.identity.demo import BERNARD, CAMILLE, PETIT
from api.identity.models import Patient, Professional
from api.messaging.models import Conversation
from api.messaging.services import close_conversation, send_message, start_conversation
from api.records.documents.storage import storage_for
from api.settings import Settings


async def load(settings: Settings) -> None:
    """Create the demo conversations unless Camille already has some."""
    camille = await Patient.filter(ins_nir=CAMILLE).first()
    pros = {p.rpps: p for p in await Professional.filter(rpps__in=[BERNARD, PETIT])}
    if camille is None or camille.account_id is None or len(pros) < 2:
        return
    if await Conversation.exists(patient_id=camille.id):
        return
    storage = storage_for(settings)
    now = clock.now()
    with clock.frozen_at(now - timedelta(days=6, hours=3)):
        visit = await start_conversation(
            storage, patient=camille, professional=pros[PETIT], subject="Pansement de jeudi",
            body="Bonjour Madame Martin,\nje passerai jeudi vers 9 h pour refaire le pansement. "
                 "Cela vous convient-il ?\n\nMarc Petit, infirmier")
    with clock.frozen_at(now - timedelta(days=6)):
        await send_message(storage, conversation=visit, patient=camille,
                           author_account_id=camille.account_id,
                           body="Bonjour, oui c'est parfait. Merci, à jeudi.")
    with clock.frozen_at(now - timedelta(days=5)):
        await close_conversation(visit)
    with clock.frozen_at(now - timedelta(days=1)):
        await start_conversation(
            storage, patient=camille, professional=pros[BERNARD],
            subject="Résultats de votre bilan sanguin",
            body="Bonjour Camille,\nvos résultats sont arrivés : la ferritine est un peu basse. "
                 "Pourriez-vous m'envoyer la photo de l'ordonnance de fer que vous a donnée "
                 "votre gynécologue, pour que je vérifie la dose ?\n\nDr Sophie Bernard")
