"""Each notification kind is created once, by the path where it happens: the periodic
notices (grant ending, held-back document visible, the two-week held-back notice) and an
app connected on the consent screen. Deposits and emergency access have their own tests
(tests/records/documents/test_deposit.py, tests/consent/test_emergency_api.py)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

import httpx
import pytest
from procrastinate.testing import InMemoryConnector

from api import clock
from api.consent.models import Grant, GrantEndReason, Notification, NotificationKind
from api.consent.notifications import notification_text
from api.identity.models import Account, Patient, Professional
from api.notify import events, queue
from api.records.documents.models import Document
from api.settings import Settings
from tests.factories import make_account, make_patient, make_professional, sign_in
from tests.notifications.support import T0
from tests.oauth.support import authorize_url, consent, pkce, register

pytestmark = pytest.mark.db


async def _grant(patient: Patient, professional: Professional, ends: datetime, *,
                 revoked: bool = False) -> Grant:
    return await Grant.create(
        patient_id=patient.id, professional_id=professional.id, sections="allergies",
        write=False, created_at=T0 - timedelta(days=60), expires_at=ends,
        revoked_at=T0 - timedelta(days=1) if revoked else None,
        revoked_reason=GrantEndReason.REVOKED if revoked else None)


async def _kinds(kind: NotificationKind) -> list[tuple[int, int]]:
    return [(n.patient_id, n.recipient_id)
            for n in await Notification.filter(kind=kind).order_by("id")]


async def test_a_grant_ending_within_7_days_is_announced_once(db):
    from api.identity.models import Role

    adult = await make_patient()
    parent = await make_account(Role.PATIENT)
    child = await make_patient(account=False, birth_date=date(2015, 5, 1), guardian=parent)
    doctor = await make_professional(last_name="LAMBERT")
    soon = await _grant(adult, doctor, T0 + timedelta(days=6))
    await _grant(child, doctor, T0 + timedelta(days=7))
    later = await _grant(adult, await make_professional(), T0 + timedelta(days=8))
    await _grant(adult, await make_professional(), T0 + timedelta(days=3), revoked=True)
    await _grant(adult, await make_professional(), T0 - timedelta(days=1))  # already over

    assert await events.grant_ending_notices(T0) == 2
    assert await events.grant_ending_notices(T0 + timedelta(hours=1)) == 0  # once
    assert await _kinds(NotificationKind.GRANT_ENDING) == [
        (adult.id, adult.account_id), (child.id, parent.id)]
    first = await Notification.filter(kind=NotificationKind.GRANT_ENDING).first()
    assert first is not None
    assert notification_text(first, "en") == (
        "Test LAMBERT (doctor)'s access to Alice TESTON's record ends on 2026-03-08 10:00. "
        "You can extend it from the Sharing page.")

    # A day later the 8-day grant is within the week: announced, the others not again.
    assert await events.grant_ending_notices(T0 + timedelta(days=1)) == 1
    # Extended, then ending again: a new end, a new notice.
    soon.expires_at = T0 + timedelta(days=40)
    await soon.save()
    assert await events.grant_ending_notices(T0 + timedelta(days=34)) == 1
    assert later.id and await Notification.filter(kind=NotificationKind.GRANT_ENDING).count() == 4


async def _document(patient: Patient, author: Professional, held_back_until: datetime | None,
                    created_at: datetime = T0) -> Document:
    return await Document.create(
        patient_id=patient.id, title="Compte rendu", type_code="11488-4", category="report",
        content_type="application/pdf", size_bytes=10, sha256="0" * 64,
        storage_key=uuid.uuid4().hex, document_date=date(2026, 2, 2),
        held_back_until=held_back_until, created_at=created_at, updated_at=created_at,
        created_by_id=author.account_id, updated_by_id=author.account_id)


async def test_a_held_back_document_is_announced_once_when_it_becomes_visible(db):
    patient = await make_patient()
    doctor = await make_professional(last_name="LAMBERT")
    released = await _document(patient, doctor, T0 - timedelta(hours=2))
    await _document(patient, doctor, T0 + timedelta(days=3))  # still held back
    await _document(patient, doctor, None)  # never held back
    await _document(patient, doctor, T0 - timedelta(days=40))  # released long ago

    assert await events.held_back_releases(T0) == 1
    assert await events.held_back_releases(T0 + timedelta(minutes=1)) == 0
    [note] = await Notification.filter(kind=NotificationKind.HELD_BACK_RELEASED)
    assert (note.recipient_id, note.payload["document_id"]) == (patient.account_id,
                                                                str(released.id))
    assert notification_text(note, "fr") == (
        "Le document que Test LAMBERT souhaitait vous présenter est maintenant visible dans "
        "le dossier de Alice TESTON.")
    assert await events.held_back_releases(T0 + timedelta(days=4)) == 1  # the second one


async def test_the_periodic_jobs_give_the_notices_through_the_queue(db, settings: Settings):
    """The same tasks the worker runs on schedule, run by procrastinate's worker."""
    patient = await make_patient()
    doctor = await make_professional()
    now = clock.now()
    # Deposited 15 days ago, held back for a month: due for the two-week notice.
    await _document(patient, doctor, now + timedelta(days=16), created_at=now - timedelta(days=15))
    await _document(patient, doctor, now - timedelta(minutes=5))  # just released
    await _grant(patient, doctor, now + timedelta(days=2))
    connector = InMemoryConnector()
    app = queue.build_queue(settings, connector)
    for _ in range(2):  # two rounds: still one notice each
        for name in ("carnet.held_back_notices", "carnet.held_back_releases",
                     "carnet.grant_ending_notices"):
            await app.tasks[name].defer_async(timestamp=0)
        await queue.run_worker(settings, wait=False, in_process=True, connector=connector)
    assert sorted(n.kind.value for n in await Notification.all()) == [
        "grant_ending", "held_back_document", "held_back_released"]
    assert {j["status"] for j in connector.jobs.values()} <= {"succeeded"}


async def test_connecting_an_app_tells_the_patient_once(client: httpx.AsyncClient, app,
                                                        settings: Settings):
    patient = await make_patient(first_names="Camille", birth_name="MARTIN")
    account = await Account.get(id=patient.account_id)
    await sign_in(client, account, settings.secret_key)
    registered = await register("allergies.read")
    _, challenge = pkce()
    url = authorize_url(registered.client_id, "allergies.read", challenge)
    assert (await consent(client, url)).status_code in (302, 303)
    assert (await consent(client, url)).status_code in (302, 303)  # the same connection again
    [note] = await Notification.filter(kind=NotificationKind.APP_CONNECTED)
    assert (note.patient_id, note.recipient_id) == (patient.id, patient.account_id)
    assert notification_text(note, "en").startswith(
        "The app “Pollen Diary” was connected to Camille MARTIN's record on ")


async def test_refusing_an_app_tells_nothing(client: httpx.AsyncClient, app, settings: Settings):
    patient = await make_patient()
    await sign_in(client, await Account.get(id=patient.account_id), settings.secret_key)
    registered = await register("allergies.read")
    _, challenge = pkce()
    await consent(client, authorize_url(registered.client_id, "allergies.read", challenge),
                  decision="deny")
    assert await Notification.all().count() == 0
