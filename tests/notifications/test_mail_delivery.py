"""E-mail of notifications through a real SMTP server (aiosmtpd): delivered; with the
server stopped, every attempt fails and nothing is lost; started again, each mail is
delivered exactly once. Runs on SQLite and on PostgreSQL (`--db=postgres`)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from api.consent.models import MailState, Notification, NotificationKind
from api.identity.models import AccountStatus
from api.notify import delivery
from api.notify.delivery import Outcome
from api.settings import Settings
from tests.factories import make_patient, make_professional
from tests.notifications.support import T0, MailServer, drain, notify, opt_in

KINDS = list(NotificationKind)


@pytest.fixture
def mail_server() -> Iterator[MailServer]:
    server = MailServer()
    server.start()
    yield server
    server.stop()


async def test_mail_survives_a_mail_server_outage_and_is_sent_once(db, settings: Settings,
                                                                    mail_server: MailServer):
    smtp = mail_server.settings(settings)
    patient = await make_patient(email="alice@carnet.test")
    await opt_in(patient.account_id)
    quiet = await make_patient(email="quiet@carnet.test")  # never opted in
    for kind in KINDS:
        await notify(patient, patient.account_id, kind)
        await notify(quiet, quiet.account_id, kind)

    # Up: the seven mails go, the person who did not opt in gets none.
    assert await drain(smtp, T0) == {Outcome.SENT: 7}
    assert len(mail_server.inbox.mails) == 7

    # Down: five new notifications; every attempt fails and is put off, none is lost.
    mail_server.stop()
    for kind in KINDS[:5]:
        await notify(patient, patient.account_id, kind, at=T0 + timedelta(minutes=1))
    down = T0 + timedelta(minutes=1)
    assert await drain(smtp, down) == {Outcome.RETRY: 5}
    assert await drain(smtp, down + timedelta(seconds=29)) == {}  # backing off: 30 s
    assert await drain(smtp, down + timedelta(seconds=30)) == {Outcome.RETRY: 5}
    assert await drain(smtp, down + timedelta(seconds=89)) == {}  # then 1 min
    assert await drain(smtp, down + timedelta(seconds=90)) == {Outcome.RETRY: 5}
    waiting = await Notification.filter(mail_state=MailState.PENDING)
    assert [(n.mail_attempts, n.mail_next_attempt_at) for n in waiting] == [
        (3, down + timedelta(seconds=90 + 120))] * 5
    assert all(n.mail_error for n in waiting)  # why it failed, for `carnet jobs status`
    assert len(mail_server.inbox.mails) == 7

    # Back up: each waiting mail is delivered, once; nothing more on later passes.
    mail_server.start()
    back = down + timedelta(seconds=90 + 120)
    assert await drain(smtp, back) == {Outcome.SENT: 5}
    assert await drain(smtp, back + timedelta(hours=2)) == {}
    ids = mail_server.inbox.ids()
    assert len(mail_server.inbox.mails) == 12 and set(ids.values()) == {1}
    assert {m["X-Envelope-To"] for m in mail_server.inbox.mails} == {"alice@carnet.test"}
    states = {s: await Notification.filter(mail_state=s).count() for s in MailState}
    assert states == {MailState.SENT: 12, MailState.NOT_WANTED: 7, MailState.PENDING: 0,
                      MailState.FAILED: 0, MailState.UNDECIDED: 0}


async def test_a_claim_lost_in_a_crash_is_taken_again_when_its_lease_ends(
        db, settings: Settings, mail_server: MailServer):
    smtp = mail_server.settings(settings)
    patient = await make_patient()
    await opt_in(patient.account_id, NotificationKind.DOCUMENT_DEPOSITED)
    note = await notify(patient, patient.account_id, NotificationKind.DOCUMENT_DEPOSITED)
    await delivery.decide(T0)
    # A worker claims it, then dies before sending.
    assert await delivery.claim(note.id, T0) is not None
    assert await delivery.claim(note.id, T0) is None  # another worker cannot take it
    assert await drain(smtp, T0 + delivery.LEASE - timedelta(seconds=1)) == {}
    assert await drain(smtp, T0 + delivery.LEASE) == {Outcome.SENT: 1}
    assert await drain(smtp, T0 + delivery.LEASE * 3) == {}
    assert len(mail_server.inbox.mails) == 1
    await note.refresh_from_db()
    assert (note.mail_state, note.mail_attempts, note.mail_lease_until) == (
        MailState.SENT, 1, None)


async def test_given_up_mails_wait_for_the_operator(db, settings: Settings,
                                                    monkeypatch: pytest.MonkeyPatch):
    patient = await make_patient()
    await opt_in(patient.account_id)
    await notify(patient, patient.account_id, NotificationKind.EMERGENCY_ACCESS)
    closed = MailServer()  # never started: the port refuses
    smtp = closed.settings(settings)
    monkeypatch.setattr(delivery, "MAX_ATTEMPTS", 3)
    moment = T0
    for _ in range(3):
        await drain(smtp, moment)
        moment += delivery.MAX_RETRY
    [note] = await Notification.all()
    assert (note.mail_state, note.mail_attempts) == (MailState.FAILED, 3)
    assert await drain(smtp, moment + timedelta(days=1)) == {}
    [failing] = await delivery.failing()
    assert (failing.notification_id, failing.state) == (note.id, MailState.FAILED)
    assert await delivery.retry_failed(moment) == 1
    closed.start()
    try:
        assert await drain(smtp, moment) == {Outcome.SENT: 1}
    finally:
        closed.stop()
    assert len(closed.inbox.mails) == 1


async def test_the_mail_says_what_happened_without_names_or_health_details(
        db, settings: Settings, mail_server: MailServer):
    smtp = mail_server.settings(settings)
    english = await make_patient(email="en@carnet.test")
    await english.fetch_related("account")
    english.account.language = "en"
    await english.account.save()
    french = await make_patient(email="fr@carnet.test")
    doctor = await make_professional(last_name="ONCOLOGUE")
    for person in (english, french):
        await opt_in(person.account_id, NotificationKind.EMERGENCY_ACCESS)
        await notify(person, person.account_id, NotificationKind.EMERGENCY_ACCESS,
                     professional=f"Test {doctor.last_name}", reason="Chimiothérapie en cours")
    assert await drain(smtp, T0) == {Outcome.SENT: 2}
    mails = {m["X-Envelope-To"]: m for m in mail_server.inbox.mails}
    en_body = mails["en@carnet.test"].get_payload(decode=True).decode()
    fr_body = mails["fr@carnet.test"].get_payload(decode=True).decode()
    assert "Emergency access was opened to a record you follow." in en_body
    assert "Un accès d'urgence a été ouvert à un dossier que vous suivez." in fr_body
    for mail, body in ((mails["en@carnet.test"], en_body), (mails["fr@carnet.test"], fr_body)):
        for secret in ("ONCOLOGUE", "Chimiothérapie", "TESTON", "http"):
            assert secret not in body and secret not in str(mail["Subject"])
        assert mail["From"] == "Carnet <alertes@carnet.test>"
        assert str(mail["Message-ID"]).startswith("<notification-")


async def test_nothing_is_sent_to_a_closed_account_or_one_without_an_address(
        db, settings: Settings, mail_server: MailServer):
    smtp = mail_server.settings(settings)
    patient = await make_patient()
    await opt_in(patient.account_id)
    await notify(patient, patient.account_id, NotificationKind.DOCUMENT_DEPOSITED)
    await delivery.decide(T0)
    await patient.fetch_related("account")
    patient.account.status = AccountStatus.CLOSED
    await patient.account.save()
    assert await drain(smtp, T0) == {Outcome.NOT_WANTED: 1}
    assert mail_server.inbox.mails == []


@pytest.mark.parametrize(("failed", "wait"), [
    (1, timedelta(seconds=30)), (2, timedelta(minutes=1)), (3, timedelta(minutes=2)),
    (7, timedelta(minutes=32)), (8, timedelta(hours=1)), (50, timedelta(hours=1)),
])
def test_back_off_doubles_then_stays_at_an_hour(failed: int, wait: timedelta) -> None:
    assert delivery.backoff(failed) == wait
