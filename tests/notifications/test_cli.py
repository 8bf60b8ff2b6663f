"""`carnet jobs status|retry` and `carnet worker`: what an operator sees."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from api.consent.models import MailState, Notification, NotificationKind
from api.settings import Settings
from tests.factories import make_patient
from tests.notifications.support import T0, MailServer, fresh_queue, notify, opt_in, wait_for

pytestmark = pytest.mark.db


def _carnet(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": settings.database_url,
           "SECRET_KEY": settings.secret_key, "CARNET_VAR_DIR": str(settings.var_dir)}
    return subprocess.run([sys.executable, "-m", "api.cli", *args], env=env,
                          capture_output=True, text=True, timeout=60)


async def test_status_shows_mails_given_up_and_retry_puts_them_back(settings: Settings, db):
    patient = await make_patient()
    sent = await notify(patient, patient.account_id, NotificationKind.DOCUMENT_DEPOSITED)
    await Notification.filter(id=sent.id).update(mail_state=MailState.SENT, mail_attempts=1)
    lost = await notify(patient, patient.account_id, NotificationKind.EMERGENCY_ACCESS)
    await Notification.filter(id=lost.id).update(
        mail_state=MailState.FAILED, mail_attempts=60,
        mail_error="Connection refused", mail_next_attempt_at=None)
    waiting = await notify(patient, patient.account_id, NotificationKind.GRANT_ENDING)
    await Notification.filter(id=waiting.id).update(
        mail_state=MailState.PENDING, mail_attempts=2, mail_error="Connection refused",
        mail_next_attempt_at=T0)

    status = _carnet(settings, "jobs", "status")
    assert status.returncode == 1, status.stderr
    assert "  pending     1\n  sent        1\n  failed      1\n" in status.stdout
    assert (f"notification {lost.id}: 60 attempts, given up: `carnet jobs retry`; "
            "Connection refused") in status.stdout
    assert (f"notification {waiting.id}: 2 attempts, next attempt 2026-03-02 09:00:00 UTC; "
            "Connection refused") in status.stdout
    assert status.stdout.index(f"notification {lost.id}") < status.stdout.index(
        f"notification {waiting.id}")

    retried = _carnet(settings, "jobs", "retry")
    assert (retried.returncode, retried.stdout) == (0, "1 e-mail(s) due again.\n")
    await lost.refresh_from_db()
    assert (lost.mail_state, lost.mail_attempts) == (MailState.PENDING, 0)
    assert _carnet(settings, "jobs", "status").returncode == 0


def _start_worker(env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "api.cli", "worker"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


async def test_on_sqlite_the_worker_points_to_carnet_serve(settings: Settings, db):
    if not settings.is_sqlite:
        pytest.skip("this is the SQLite refusal; on PostgreSQL the worker runs (next test)")
    done = _carnet(settings, "worker")
    assert done.returncode == 2
    assert "on SQLite the jobs run inside `carnet serve`" in done.stderr


async def test_carnet_worker_on_postgresql_delivers_and_stops_on_sigterm(settings: Settings, db):
    if settings.is_sqlite:
        pytest.skip("`carnet worker` needs PostgreSQL: run with --db=postgres")
    server = MailServer()
    server.start()
    try:
        smtp = server.settings(settings)
        await fresh_queue(smtp)
        patient = await make_patient()
        await opt_in(patient.account_id)
        for kind in list(NotificationKind)[:3]:
            await notify(patient, patient.account_id, kind)
        env = {**os.environ, "DATABASE_URL": settings.database_url,
               "SECRET_KEY": settings.secret_key, "CARNET_VAR_DIR": str(settings.var_dir),
               "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(server.port),
               "SMTP_STARTTLS": "false"}
        worker = _start_worker(env)
        await wait_for(lambda: len(server.inbox.mails) >= 3, 40)
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=30)
        assert worker.returncode == 0, output
        assert "Worker started" in output
        assert sorted(server.inbox.ids().values()) == [1, 1, 1]
    finally:
        server.stop()
