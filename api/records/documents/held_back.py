"""The two-week notice about a document held back from its patient: who is told, each once.

Documents decide what is due (their release date, the policy's delay); the notice itself is
an in-app notification of api.consent.notifications.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from tortoise.expressions import Subquery
from tortoise.transactions import in_transaction

from api import clock
from api.consent.models import HeldBackNotice, Notification, NotificationKind
from api.consent.notifications import (
    notifications_for,
    patient_recipients,
)
from api.consent.policy import HELD_BACK_NOTICE_DELAY, held_back_notice_due
from api.identity.models import Patient, Professional
from api.records.documents.models import Document

HELD_BACK_BATCH = 200


async def send_due_held_back_notices(now: datetime | None = None) -> int:
    """Tell patients about documents held back from them for two weeks; each one once.

    Meant for a periodic task; returns how many documents were noticed. Documents still held
    back (their release is still ahead) and created two weeks ago or more are due.
    """
    moment = now or clock.now()
    noticed = 0
    while True:
        due = await Document.filter(
            held_back_until__gt=moment,
            created_at__lte=moment - HELD_BACK_NOTICE_DELAY,
        ).exclude(
            id__in=Subquery(HeldBackNotice.all().values("document_id"))
        ).order_by("id").limit(HELD_BACK_BATCH)
        due = [d for d in due if held_back_notice_due(d.created_at, moment)]
        if not due:
            return noticed
        await _notice(due, moment)
        noticed += len(due)


async def _notice(documents: Sequence[Any], now: datetime) -> None:
    patients = {p.id: p for p in await Patient.filter(
        id__in=list({d.patient_id for d in documents}))}
    authors = {p.account_id: p for p in await Professional.filter(
        account_id__in=list({d.created_by_id for d in documents if d.created_by_id}))}
    recipients = await patient_recipients(list(patients.values()), now)
    rows: list[Notification] = []
    for document in documents:
        patient = patients[document.patient_id]
        author = authors.get(document.created_by_id)
        payload = {
            "patient": patient.display_name,
            "professional": author.display_name if author else "",
            "until": document.held_back_until.isoformat(),
            "document_id": str(document.id),
        }
        rows += notifications_for(recipients[patient.id], patient,
                                  NotificationKind.HELD_BACK_DOCUMENT, payload, now)
    async with in_transaction():
        if rows:
            await Notification.bulk_create(rows)
        await HeldBackNotice.bulk_create([
            HeldBackNotice(patient_id=d.patient_id, document_id=d.id, sent_at=now)
            for d in documents
        ])
