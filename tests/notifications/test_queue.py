"""The job queue itself (procrastinate): the tasks and schedules Carnet registers, the
in-memory worker `carnet serve` runs on SQLite, and on PostgreSQL several `carnet worker`s
sharing the jobs in the database."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from procrastinate.testing import InMemoryConnector

from api.consent.models import MailState, Notification, NotificationKind
from api.notify import queue
from api.settings import Settings
from tests.factories import make_patient
from tests.notifications.support import MailServer, fresh_queue, notify, opt_in

pytestmark = pytest.mark.db


@pytest.fixture
def mail_server() -> Iterator[MailServer]:
    server = MailServer()
    server.start()
    yield server
    server.stop()


def test_every_periodic_notice_is_scheduled(settings: Settings) -> None:
    app = queue.build_queue(settings, InMemoryConnector())
    schedules = {task.name: p.cron for (_, _), p in app.periodic_registry.periodic_tasks.items()
                 for task in [p.task]}
    assert schedules == {
        "carnet.sweep_mail": queue.SWEEP_CRON,
        "carnet.grant_ending_notices": queue.NOTICES_CRON,
        "carnet.held_back_releases": queue.NOTICES_CRON,
        "carnet.held_back_notices": queue.HELD_BACK_NOTICE_CRON,
        "carnet.purge_archives": queue.PURGE_ARCHIVES_CRON,
    }
    assert "carnet.deliver_mail" in app.tasks


async def _opted_in_notifications(count: int) -> list[int]:
    patient = await make_patient()
    await opt_in(patient.account_id)
    return [(await notify(patient, patient.account_id, NotificationKind.DOCUMENT_DEPOSITED)).id
            for _ in range(count)]


async def test_the_in_memory_worker_runs_the_same_tasks(db, settings: Settings,
                                                        mail_server: MailServer):
    smtp = mail_server.settings(settings)
    await _opted_in_notifications(3)
    connector = InMemoryConnector()
    app = queue.build_queue(smtp, connector)
    await app.tasks["carnet.sweep_mail"].defer_async(timestamp=0)
    await _work_until_idle(smtp, connector=connector)
    assert len(mail_server.inbox.mails) == 3
    assert await Notification.filter(mail_state=MailState.SENT).count() == 3


async def _work_until_idle(settings: Settings, workers: int = 1,
                           connector: InMemoryConnector | None = None) -> None:
    """Run workers that stop once the queue is empty, again while jobs are left: a worker
    without `wait` stops when it finds no job, even if a running job defers more."""
    for _ in range(5):
        await asyncio.gather(*(queue.run_worker(settings, wait=False, in_process=True,
                                                connector=connector, name=f"w{i}")
                               for i in range(workers)))
        if connector is not None:
            left = [j for j in connector.jobs.values() if j["status"] == "todo"]
        else:
            left = [1] if (await queue.queue_counts(settings)).get("todo") else []
        if not left:
            return


def _postgres_only(settings: Settings) -> None:
    if settings.is_sqlite:
        pytest.skip("the shared job queue lives in PostgreSQL: run with --db=postgres")


async def test_workers_on_postgresql_share_the_queue_and_send_each_mail_once(
        db, settings: Settings, mail_server: MailServer):
    _postgres_only(settings)
    smtp = mail_server.settings(settings)
    await fresh_queue(smtp)
    assert await queue.apply_queue_schema(smtp) is False  # already there: nothing to do
    ids = await _opted_in_notifications(20)
    app = queue.build_queue(smtp)
    async with app.open_async():
        await app.tasks["carnet.sweep_mail"].defer_async(timestamp=0)
    await _work_until_idle(smtp, workers=2)
    assert sorted(mail_server.inbox.ids().values()) == [1] * 20
    assert await Notification.filter(id__in=ids, mail_state=MailState.SENT).count() == 20
    assert (await queue.queue_counts(smtp)).get("todo", 0) == 0


async def test_on_postgresql_a_failed_delivery_job_is_retried_when_the_table_says(
        db, settings: Settings):
    _postgres_only(settings)
    closed = MailServer()  # never started: the port refuses
    smtp = closed.settings(settings)
    await fresh_queue(smtp)
    [note_id] = await _opted_in_notifications(1)
    app = queue.build_queue(smtp)
    async with app.open_async():
        await app.tasks["carnet.sweep_mail"].defer_async(timestamp=0)
    for _ in range(2):  # the sweep, then the delivery it deferred
        await queue.run_worker(smtp, wait=False, in_process=True)
    note = await Notification.get(id=note_id)
    assert (note.mail_state, note.mail_attempts) == (MailState.PENDING, 1)
    async with app.open_async():
        [job] = [j for j in await app.job_manager.list_jobs_async(
            task="carnet.deliver_mail")]
    assert job.status == "todo" and job.attempts == 1
    assert job.scheduled_at == note.mail_next_attempt_at
