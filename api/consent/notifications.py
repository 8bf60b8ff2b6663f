"""In-app notifications about a record: who is told, what they read, and the held-back notice.

A notification goes to an account about one patient. For a patient it goes to their own
account and, while they are a minor, to their parents' accounts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Subquery
from tortoise.transactions import in_transaction

from api import clock
from api.consent.messages import profession_name
from api.consent.models import HeldBackNotice, Notification, NotificationKind
from api.consent.policy import HELD_BACK_NOTICE_DELAY, held_back_notice_due
from api.consent.rights import eighteenth_birthday, owner_account_id
from api.consent.sections import Profession
from api.identity.models import Guardianship, Patient, Professional

HOME_ZONE = ZoneInfo("Europe/Paris")
HELD_BACK_BATCH = 200

TEXTS: dict[NotificationKind, tuple[str, str]] = {
    NotificationKind.EMERGENCY_ACCESS: (
        "{professional} ({profession}) a ouvert un accès d'urgence au dossier de {patient} "
        "le {opened_at}, pour 4 heures, en lecture seule. Motif donné : « {reason} ».",
        "{professional} ({profession}) opened emergency access to {patient}'s record on "
        "{opened_at}, for 4 hours, read only. Reason given: “{reason}”.",
    ),
    NotificationKind.HELD_BACK_DOCUMENT: (
        "{professional} a ajouté au dossier de {patient} un document à vous présenter lors "
        "d'une consultation. Prenez rendez-vous ; le document sera visible au plus tard "
        "le {until}.",
        "{professional} added a document to {patient}'s record that they want to go through "
        "with you at an appointment. Book one; the document will show by {until} at the latest.",
    ),
    NotificationKind.DOCUMENT_DEPOSITED: (
        "{professional} ({profession}) a déposé un document dans le dossier de {patient}. "
        "Vous pouvez le masquer aux professionnels ou le supprimer.",
        "{professional} ({profession}) deposited a document in {patient}'s record. You may "
        "hide it from professionals or delete it.",
    ),
    NotificationKind.NEW_MESSAGE: (
        "{professional} ({profession}) vous a écrit au sujet du dossier de {patient}.",
        "{professional} ({profession}) wrote to you about {patient}'s record.",
    ),
    NotificationKind.GRANT_ENDING: (
        "L'accès de {professional} ({profession}) au dossier de {patient} prend fin le "
        "{until}. Vous pouvez le prolonger depuis la page « Partage ».",
        "{professional} ({profession})'s access to {patient}'s record ends on {until}. You "
        "can extend it from the Sharing page.",
    ),
    NotificationKind.HELD_BACK_RELEASED: (
        "Le document que {professional} souhaitait vous présenter est maintenant visible "
        "dans le dossier de {patient}.",
        "The document {professional} wanted to go through with you is now visible in "
        "{patient}'s record.",
    ),
    NotificationKind.APP_CONNECTED: (
        "L'application « {app} » a été connectée au dossier de {patient} le {opened_at}. "
        "Vous pouvez la déconnecter depuis « Applications connectées ».",
        "The app “{app}” was connected to {patient}'s record on {opened_at}. You can "
        "disconnect it from Connected apps.",
    ),
}


# A NEW_MESSAGE whose payload names an `author`: the patient's side answered, and the
# conversation's professional is told (api/messaging/services.py).
REPLY_TEXTS = (
    "{author} a répondu à votre message « {subject} » (dossier de {patient}).",
    "{author} answered your message “{subject}” ({patient}'s record).",
)


def local_time(iso: str, language: str) -> str:
    moment = datetime.fromisoformat(iso).astimezone(HOME_ZONE)
    return moment.strftime("%Y-%m-%d %H:%M" if language == "en" else "%d/%m/%Y à %H:%M")


def notification_text(notification: Notification, language: str) -> str:
    values: dict[str, Any] = dict(notification.payload)
    if not values.get("professional"):
        values["professional"] = "A professional" if language == "en" else "Un professionnel"
    for key in ("opened_at", "until"):
        if key in values:
            values[key] = local_time(values[key], language)
    if "profession" in values:
        values["profession"] = profession_name(Profession(values["profession"]), language)
    texts = (REPLY_TEXTS if notification.kind is NotificationKind.NEW_MESSAGE
             and "author" in values else TEXTS[notification.kind])
    return texts[1 if language == "en" else 0].format(**values)


async def patient_recipients(
    patients: Sequence[Patient], now: datetime
) -> dict[int, list[int]]:
    """Who is told about each patient: their account, and parents while they are minors."""
    recipients: dict[int, list[int]] = {p.id: [] for p in patients}
    minors = {p.id for p in patients if now < eighteenth_birthday(p.birth_date)}
    for patient in patients:
        owner = owner_account_id(patient)
        if owner is not None:
            recipients[patient.id].append(owner)
    if minors:
        for guardianship in await Guardianship.filter(patient_id__in=list(minors)):
            recipients[guardianship.patient_id].append(guardianship.guardian_id)
    return recipients


def notifications_for(
    accounts: Iterable[int], patient: Patient, kind: NotificationKind, payload: dict[str, str],
    now: datetime,
) -> list[Notification]:
    return [
        Notification(patient_id=patient.id, recipient_id=account, kind=kind, payload=payload,
                     created_at=now)
        for account in dict.fromkeys(accounts)
    ]


async def send_due_held_back_notices(now: datetime | None = None) -> int:
    """Tell patients about documents held back from them for two weeks; each one once.

    Meant for a periodic task; returns how many documents were noticed. Documents still held
    back (their release is still ahead) and created two weeks ago or more are due.
    """
    from api.documents.models import Document  # owned by the documents domain

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


async def notify_app_connected(app_name: str, patient_id: int, now: datetime,
                               connection: BaseDBAsyncClient | None = None) -> None:
    """An app was connected to this record: tell its patient (and a minor's parents), in the
    caller's transaction."""
    patient = await Patient.get(id=patient_id, using_db=connection)
    recipients = (await patient_recipients([patient], now))[patient.id]
    payload = {"patient": patient.display_name, "app": app_name, "opened_at": now.isoformat()}
    rows = notifications_for(recipients, patient, NotificationKind.APP_CONNECTED, payload, now)
    if rows:
        await Notification.bulk_create(rows, using_db=connection)


async def mark_read(account_id: int, ids: list[int] | None) -> int:
    """Mark the account's notifications read (all of them without ids); returns unread left."""
    unread = Notification.filter(recipient_id=account_id, read_at__isnull=True)
    await (unread.filter(id__in=ids) if ids is not None else unread).update(read_at=clock.now())
    return await Notification.filter(recipient_id=account_id, read_at__isnull=True).count()
