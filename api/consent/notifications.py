"""In-app notifications about a record: who is told and what they read (the held-back
document notice that uses them is api.records.documents.held_back).

A notification goes to an account about one patient. For a patient it goes to their own
account and, while they are a minor, to their parents' accounts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.backends.base.client import BaseDBAsyncClient

from api import clock
from api.consent.messages import profession_name
from api.consent.models import Notification, NotificationKind
from api.consent.rights import eighteenth_birthday, owner_account_id
from api.consent.sections import Profession
from api.identity.models import Guardianship, Patient
from api.texts import N_, text

HOME_ZONE = ZoneInfo("Europe/Paris")

TEXTS: dict[NotificationKind, str] = {
    NotificationKind.EMERGENCY_ACCESS: N_("{professional} ({profession}) opened emergency access "
                                          "to {patient}'s record on {opened_at}, for 4 hours, "
                                          "read only. Reason given: “{reason}”."),
    NotificationKind.HELD_BACK_DOCUMENT: N_("{professional} added a document to {patient}'s "
                                            "record that they want to go through with you at an "
                                            "appointment. Book one; the document will show by "
                                            "{until} at the latest."),
    NotificationKind.DOCUMENT_DEPOSITED: N_("{professional} ({profession}) deposited a document "
                                            "in {patient}'s record. You may hide it from "
                                            "professionals or delete it."),
    NotificationKind.NEW_MESSAGE: N_("{professional} ({profession}) wrote to you about "
                                     "{patient}'s record."),
    NotificationKind.GRANT_ENDING: N_("{professional} ({profession})'s access to {patient}'s "
                                      "record ends on {until}. You can extend it from the Sharing"
                                      " page."),
    NotificationKind.HELD_BACK_RELEASED: N_("The document {professional} wanted to go through "
                                            "with you is now visible in {patient}'s record."),
    NotificationKind.APP_CONNECTED: N_("The app “{app}” was connected to {patient}'s record on "
                                       "{opened_at}. You can disconnect it from Connected apps."),
}


# A NEW_MESSAGE whose payload names an `author`: the patient's side answered, and the
# conversation's professional is told (api/messaging/services.py).
REPLY_TEXT = N_("{author} answered your message “{subject}” ({patient}'s record).")


def local_time(iso: str, language: str) -> str:
    moment = datetime.fromisoformat(iso).astimezone(HOME_ZONE)
    return moment.strftime("%Y-%m-%d %H:%M" if language == "en" else "%d/%m/%Y à %H:%M")


def notification_text(notification: Notification, language: str) -> str:
    values: dict[str, Any] = notification.content()
    if not values.get("professional"):
        values["professional"] = text(language, N_("A professional"))
    for key in ("opened_at", "until"):
        if key in values:
            values[key] = local_time(values[key], language)
    if "profession" in values:
        values["profession"] = profession_name(Profession(values["profession"]), language)
    message = (REPLY_TEXT if notification.kind is NotificationKind.NEW_MESSAGE
               and "author" in values else TEXTS[notification.kind])
    return text(language, message, **values)


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
    """One notification to each account; what the payload quotes (QUOTED_KEYS) is sealed."""
    return [
        Notification.of(payload, patient_id=patient.id, recipient_id=account, kind=kind,
                        created_at=now)
        for account in dict.fromkeys(accounts)
    ]


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
