"""The job queue: procrastinate tasks for e-mail delivery and the periodic notices.

On PostgreSQL the queue lives in the database Carnet already has (procrastinate's tables,
created by `carnet migrate`): jobs survive restarts and any number of `carnet worker`
processes share them. On SQLite (the demo) the same tasks run inside `carnet serve` on
procrastinate's in-memory connector: the same App, tasks, retry strategy and periodic
schedule, with no second process and no PostgreSQL. A job lost with the process loses
nothing, because the truth is in Carnet's tables: the periodic sweep finds every mail due
and defers its delivery again.
"""

from __future__ import annotations

import logging
from datetime import datetime
from urllib.parse import urlsplit, urlunsplit

import procrastinate
from procrastinate import exceptions as queue_errors
from procrastinate.connector import BaseConnector
from procrastinate.jobs import Job
from procrastinate.retry import BaseRetryStrategy, RetryDecision
from procrastinate.testing import InMemoryConnector

from api.lifecycle.services import purge_archives
from api.notify import delivery, events
from api.records.documents.held_back import send_due_held_back_notices
from api.settings import Settings

log = logging.getLogger(__name__)

# Cron lines; a 6th column counts seconds. The sweep is cheap (one indexed query) and sets
# how soon a new notification's e-mail leaves.
SWEEP_CRON = "* * * * * */10"
NOTICES_CRON = "* * * * *"
HELD_BACK_NOTICE_CRON = "*/15 * * * *"
# Archives over 10 years old are deleted once a day, at night.
PURGE_ARCHIVES_CRON = "17 3 * * *"


class MailNotSent(Exception):
    """The mail server did not take the mail; it is due again at `retry_at`."""

    def __init__(self, notification_id: int, retry_at: datetime | None) -> None:
        super().__init__(f"mail of notification {notification_id} not sent")
        self.retry_at = retry_at


class MailRetry(BaseRetryStrategy):
    """Retry a delivery job when Carnet's table says the mail is due again.

    The back-off is api.notify.delivery.backoff (exponential, capped at an hour), written on
    the notification before the job fails: one source of truth, whichever of the job retry
    or the sweep comes first (the claim lets only one of them send).
    """

    def get_retry_decision(self, *, exception: BaseException, job: Job) -> RetryDecision | None:
        if not isinstance(exception, MailNotSent) or exception.retry_at is None:
            return None
        if job.attempts + 1 >= delivery.MAX_ATTEMPTS:
            return None
        return RetryDecision(retry_at=exception.retry_at)


def libpq_url(database_url: str) -> str:
    """Tortoise's postgres:// URL as libpq reads it (its own query options dropped)."""
    parts = urlsplit(database_url)
    return urlunsplit(("postgresql", parts.netloc, parts.path, "", ""))


def connector_for(settings: Settings) -> BaseConnector:
    if settings.is_sqlite:
        return InMemoryConnector()
    return procrastinate.PsycopgConnector(conninfo=libpq_url(settings.database_url),
                                          min_size=1, max_size=4)


def build_queue(settings: Settings, connector: BaseConnector | None = None) -> procrastinate.App:
    """A procrastinate App with Carnet's tasks; each call makes fresh tasks (tests need several)."""
    app = procrastinate.App(connector=connector or connector_for(settings))

    @app.task(name="carnet.deliver_mail", retry=MailRetry())
    async def deliver_mail(notification_id: int) -> str:
        done = await delivery.deliver(settings, notification_id)
        if done.outcome is delivery.Outcome.RETRY:
            raise MailNotSent(notification_id, done.retry_at)
        return done.outcome.value

    @app.periodic(cron=SWEEP_CRON, periodic_id="sweep")
    @app.task(name="carnet.sweep_mail", queueing_lock="carnet.sweep_mail")
    async def sweep_mail(timestamp: int) -> int:
        """Decide new notifications' e-mail, and defer a delivery for each one due."""
        await delivery.decide()
        deferred = 0
        for notification_id in await delivery.due():
            try:
                await deliver_mail.configure(
                    queueing_lock=f"carnet.mail:{notification_id}",
                ).defer_async(notification_id=notification_id)
                deferred += 1
            except queue_errors.AlreadyEnqueued:
                pass  # its job is already waiting
        return deferred

    @app.periodic(cron=NOTICES_CRON, periodic_id="grant_ending")
    @app.task(name="carnet.grant_ending_notices", queueing_lock="carnet.grant_ending")
    async def grant_ending_notices(timestamp: int) -> int:
        return await events.grant_ending_notices()

    @app.periodic(cron=NOTICES_CRON, periodic_id="held_back_released")
    @app.task(name="carnet.held_back_releases", queueing_lock="carnet.held_back_released")
    async def held_back_releases(timestamp: int) -> int:
        return await events.held_back_releases()

    @app.periodic(cron=HELD_BACK_NOTICE_CRON, periodic_id="held_back_notice")
    @app.task(name="carnet.held_back_notices", queueing_lock="carnet.held_back_notice")
    async def held_back_notices(timestamp: int) -> int:
        return await send_due_held_back_notices()

    @app.periodic(cron=PURGE_ARCHIVES_CRON, periodic_id="purge_archives")
    @app.task(name="carnet.purge_archives", queueing_lock="carnet.purge_archives")
    async def purge_old_archives(timestamp: int) -> int:
        """Delete the records archived (closed) over 10 years ago (api/lifecycle)."""
        return await purge_archives(settings)

    return app


async def apply_queue_schema(settings: Settings) -> bool:
    """Create procrastinate's tables on PostgreSQL when missing; True when it created them."""
    if settings.is_sqlite:
        return False
    app = build_queue(settings)
    async with app.open_async():
        if await app.job_manager.check_connection_async():
            return False
        await app.schema_manager.apply_schema_async()
        return True


async def queue_counts(settings: Settings) -> dict[str, int]:
    """Jobs by status in procrastinate's table (PostgreSQL); empty on SQLite."""
    if settings.is_sqlite:
        return {}
    app = build_queue(settings)
    async with app.open_async():
        if not await app.job_manager.check_connection_async():
            return {}
        rows = await app.connector.execute_query_all_async(
            "SELECT status::text AS status, count(*) AS n FROM procrastinate_jobs GROUP BY status")
        return {str(row["status"]): int(row["n"]) for row in rows}


async def run_worker(settings: Settings, *, wait: bool = True, in_process: bool = False,
                     connector: BaseConnector | None = None, name: str = "carnet") -> None:
    """Run the jobs until stopped (or, with wait=False, until the queue is empty).

    Expects the database open (Tortoise). In-process (under `carnet serve`) the server owns
    the signals; cancelling the task stops the worker once its running jobs end.
    """
    app = build_queue(settings, connector)
    async with app.open_async():
        await app.run_worker_async(
            name=name, wait=wait, concurrency=4, delete_jobs="successful",
            install_signal_handlers=not in_process,
            listen_notify=not settings.is_sqlite and connector is None,
            fetch_job_polling_interval=1.0 if settings.is_sqlite else 5.0,
        )
