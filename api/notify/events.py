"""Periodic notices, each given once: grants ending within 7 days, held-back documents
now visible. The held-back two-week notice is api.records.documents.held_back
`send_due_held_back_notices`, scheduled next to these (api.notify.queue).

Each notice writes its key in NoticeGiven in the same transaction as its notifications: a
second run, or two workers at once, give nothing more (the key is unique).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from api import clock
from api.consent.models import Grant, Notification, NotificationKind
from api.consent.notifications import (
    notifications_for,
    patient_recipients,
)
from api.consent.relation_sql import live_grants
from api.identity.models import Patient, Professional
from api.notify.models import NoticeGiven
from api.records.documents.models import Document

log = logging.getLogger(__name__)

GRANT_ENDING_NOTICE = timedelta(days=7)
# A release older than this is not announced (a first run on an old database would
# otherwise announce every document ever held back).
RELEASE_LOOKBACK = timedelta(days=31)
BATCH = 200


def _key(*parts: object) -> str:
    return ":".join(str(part) for part in parts)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


async def _already_given(keys: Sequence[str]) -> set[str]:
    rows = await NoticeGiven.filter(key__in=list(keys)).values_list("key", flat=True)
    return {str(key) for key in rows}


async def _give(key: str, rows: list[Notification], now: datetime) -> bool:
    """Write the notice's key and its notifications together; False when already given."""
    try:
        async with in_transaction() as connection:
            await NoticeGiven.create(key=key, given_at=now, using_db=connection)
            if rows:
                await Notification.bulk_create(rows, using_db=connection)
    except IntegrityError:
        return False  # another worker gave it first
    return True


async def grant_ending_notices(now: datetime | None = None) -> int:
    """Tell patients (and parents of a minor) about each grant ending within 7 days, once.

    The key holds the expiry: a grant extended and then ending again is announced again.
    """
    moment = now or clock.now()
    grants = await Grant.filter(
        live_grants(moment), expires_at__lte=moment + GRANT_ENDING_NOTICE,
    ).order_by("id")
    keyed = {_key("grant_ending", g.id, _utc(g.expires_at)): g for g in grants}
    if not keyed:
        return 0
    todo = {key: g for key, g in keyed.items() if key not in await _already_given(list(keyed))}
    if not todo:
        return 0
    patients = {p.id: p for p in await Patient.filter(
        id__in=list({g.patient_id for g in todo.values()}))}
    professionals = {p.id: p for p in await Professional.filter(
        id__in=list({g.professional_id for g in todo.values()}))}
    recipients = await patient_recipients(list(patients.values()), moment)
    given = 0
    for key, grant in todo.items():
        patient, professional = patients[grant.patient_id], professionals[grant.professional_id]
        payload = {
            "patient": patient.display_name,
            "professional": professional.display_name,
            "profession": professional.profession,
            "until": grant.expires_at.isoformat(),
            "grant_id": str(grant.id),
        }
        rows = notifications_for(recipients[patient.id], patient, NotificationKind.GRANT_ENDING,
                                 payload, moment)
        given += await _give(key, rows, moment)
    return given


async def held_back_releases(now: datetime | None = None) -> int:
    """Tell patients that a document held back from them is now visible, once per document."""
    moment = now or clock.now()
    given = 0
    after_id = 0
    while True:
        documents = await Document.filter(
            id__gt=after_id, held_back_until__isnull=False, held_back_until__lte=moment,
            held_back_until__gt=moment - RELEASE_LOOKBACK,
        ).order_by("id").limit(BATCH)
        if not documents:
            return given
        after_id = documents[-1].id
        keyed = {_key("held_back_released", d.id): d for d in documents}
        done = await _already_given(list(keyed))
        todo = {key: d for key, d in keyed.items() if key not in done}
        if not todo:
            continue
        patients = {p.id: p for p in await Patient.filter(
            id__in=list({d.patient_id for d in todo.values()}))}
        authors = {p.account_id: p for p in await Professional.filter(
            account_id__in=list({d.created_by_id for d in todo.values() if d.created_by_id}))}
        recipients = await patient_recipients(list(patients.values()), moment)
        for key, document in todo.items():
            patient = patients[document.patient_id]
            author = authors.get(document.created_by_id)
            payload = {
                "patient": patient.display_name,
                "professional": author.display_name if author else "",
                "document_id": str(document.id),
            }
            rows = notifications_for(recipients[patient.id], patient,
                                     NotificationKind.HELD_BACK_RELEASED, payload, moment)
            given += await _give(key, rows, moment)
