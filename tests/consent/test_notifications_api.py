"""In-app notifications: reading them, marking them read, and the held-back notice."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta

from api.consent.models import Notification, NotificationKind
from api.identity.models import Role
from api.records.documents.held_back import send_due_held_back_notices
from api.records.documents.models import Document
from tests.consent.support import pid, session
from tests.factories import make_account, make_patient, make_professional

DEPOSITED = datetime(2026, 2, 2, 8, 0, tzinfo=UTC)
NOTIFICATIONS = """query($unread: Boolean! = false) {
  notifications(unreadOnly: $unread) { totalCount items { id kind message readAt } }
  unreadNotificationCount }"""
MARK = """mutation($ids: [ID!]) { markNotificationsRead(ids: $ids) {
  unreadCount userErrors { code } } }"""


async def _held_back(patient, author_account_id, until):
    return await Document.create(
        patient_id=patient.id, title="Compte rendu", type_code="11488-4", category="report",
        content_type="application/pdf", size_bytes=10, sha256="0" * 64,
        storage_key=uuid.uuid4().hex, document_date=date(2026, 2, 2), held_back_until=until,
        created_at=DEPOSITED, updated_at=DEPOSITED, created_by_id=author_account_id,
        updated_by_id=author_account_id)


async def _notify(patient, account_id: int, n: int) -> None:
    await Notification.bulk_create([
        Notification(patient_id=patient.id, recipient_id=account_id,
                     kind=NotificationKind.HELD_BACK_DOCUMENT,
                     payload={"patient": "X", "professional": "Dr Y",
                              "until": DEPOSITED.isoformat()},
                     created_at=DEPOSITED + timedelta(minutes=i))
        for i in range(n)])


async def test_held_back_document_is_announced_to_the_patient_after_two_weeks(db):
    patient = await make_patient()
    doctor = await make_professional(last_name="LAMBERT")
    await _held_back(patient, doctor.account_id, DEPOSITED + timedelta(days=31))
    assert await send_due_held_back_notices(DEPOSITED + timedelta(days=14, seconds=-1)) == 0
    assert await send_due_held_back_notices(DEPOSITED + timedelta(days=14)) == 1
    [note] = await Notification.all()
    assert note.recipient_id == patient.account_id
    assert note.kind is NotificationKind.HELD_BACK_DOCUMENT
    assert note.payload["professional"] == "Test LAMBERT"
    # Once only.
    assert await send_due_held_back_notices(DEPOSITED + timedelta(days=20)) == 0
    assert await Notification.all().count() == 1


async def test_released_documents_need_no_notice(db):
    patient, doctor = await make_patient(), await make_professional()
    await _held_back(patient, doctor.account_id, DEPOSITED + timedelta(days=10))
    await _held_back(patient, doctor.account_id, None)
    assert await send_due_held_back_notices(DEPOSITED + timedelta(days=15)) == 0


async def test_a_minors_parents_receive_the_held_back_notice(db):
    parent = await make_account(Role.PATIENT)
    child = await make_patient(account=False, birth_date=date(2015, 3, 2), guardian=parent)
    doctor = await make_professional()
    await _held_back(child, doctor.account_id, DEPOSITED + timedelta(days=31))
    assert await send_due_held_back_notices(DEPOSITED + timedelta(days=15)) == 1
    [note] = await Notification.all()
    assert note.recipient_id == parent.id and note.patient_id == child.id


async def test_notices_are_sent_in_batches_for_many_documents(db):
    patient, doctor = await make_patient(), await make_professional()
    for _ in range(3):
        await _held_back(patient, doctor.account_id, DEPOSITED + timedelta(days=31))
    assert await send_due_held_back_notices(DEPOSITED + timedelta(days=15)) == 3
    assert await Notification.filter(recipient_id=patient.account_id).count() == 3


async def test_patient_reads_the_notice_in_their_language(client, settings, db):
    patient, doctor = await make_patient(), await make_professional(last_name="LAMBERT")
    await _held_back(patient, doctor.account_id, datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    await send_due_held_back_notices(DEPOSITED + timedelta(days=15))
    reader = await session(client, settings, patient)
    [french] = (await reader(NOTIFICATIONS))["data"]["notifications"]["items"]
    assert "Test LAMBERT" in french["message"] and "02/03/2026" in french["message"]
    client.cookies.set("carnet_lang", "en")
    [english] = (await reader(NOTIFICATIONS))["data"]["notifications"]["items"]
    assert "appointment" in english["message"] and "2026-03-02" in english["message"]


async def test_marking_chosen_notifications_read(client, settings, db):
    patient = await make_patient()
    await _notify(patient, patient.account_id, 3)
    reader = await session(client, settings, patient)
    listed = (await reader(NOTIFICATIONS))["data"]
    assert listed["unreadNotificationCount"] == 3
    newest = listed["notifications"]["items"][0]["id"]
    marked = (await reader(MARK, ids=[newest]))["data"]["markNotificationsRead"]
    assert marked == {"unreadCount": 2, "userErrors": []}
    unread = (await reader(NOTIFICATIONS, unread=True))["data"]["notifications"]
    assert unread["totalCount"] == 2 and newest not in {i["id"] for i in unread["items"]}
    assert (await reader(MARK))["data"]["markNotificationsRead"]["unreadCount"] == 0


async def test_nobody_reads_or_marks_someone_elses_notifications(client, settings, db):
    patient, other = await make_patient(), await make_patient()
    await _notify(patient, patient.account_id, 2)
    ids = [str(n.id) for n in await Notification.all()]
    intruder = await session(client, settings, other)
    assert (await intruder(NOTIFICATIONS))["data"]["notifications"]["totalCount"] == 0
    await intruder(MARK, ids=ids)
    await intruder(MARK)
    assert await Notification.filter(read_at__isnull=True).count() == 2
    assert pid(patient) != pid(other)
