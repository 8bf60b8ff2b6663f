"""`carnet worker` and `carnet jobs status|retry`."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Awaitable, Callable

from api.consent.models import MailState
from api.notify import delivery
from api.notify.queue import build_queue, queue_counts, run_worker
from api.settings import Settings

Runner = Callable[[Settings, Callable[[], Awaitable[int]]], int]


def add_job_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser],
                     run: Runner) -> None:
    worker = sub.add_parser(
        "worker", help="run the background jobs (PostgreSQL; start as many as you like): "
        "e-mail delivery and the periodic notices")
    worker.set_defaults(run=lambda args, settings: _worker(settings, run))
    jobs = sub.add_parser("jobs", help="the e-mail deliveries and the job queue")
    jobs_sub = jobs.add_subparsers(dest="jobs_command", required=True)
    jobs_sub.add_parser(
        "status", help="count the notifications' e-mails by state, list those that failed, "
        "and (PostgreSQL) the queue's jobs by status; exit 1 if some were given up",
    ).set_defaults(run=lambda args, settings: run(settings, lambda: _status(settings)))
    jobs_sub.add_parser(
        "retry", help="put the given-up e-mails back in the queue, due now",
    ).set_defaults(run=lambda args, settings: run(settings, _retry))


def _worker(settings: Settings, run: Runner) -> int:
    if settings.is_sqlite:
        print("error: on SQLite the jobs run inside `carnet serve`; `carnet worker` needs "
              "PostgreSQL (DATABASE_URL=postgres://…)", file=sys.stderr)
        return 2

    async def work() -> int:
        if not await _queue_ready(settings):
            print("error: the job queue's tables are missing: run `carnet migrate` first",
                  file=sys.stderr)
            return 2
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: "
                            "%(message)s")
        logging.getLogger("procrastinate").setLevel(logging.WARNING)
        print("Worker started; stop it with Ctrl-C or SIGTERM.", flush=True)
        await run_worker(settings)
        return 0

    return run(settings, work)


async def _queue_ready(settings: Settings) -> bool:
    app = build_queue(settings)
    async with app.open_async():
        return bool(await app.job_manager.check_connection_async())


async def _status(settings: Settings) -> int:
    counts = await delivery.mail_counts()
    print("E-mails of notifications:")
    for state in (MailState.UNDECIDED, MailState.PENDING, MailState.SENT, MailState.FAILED,
                  MailState.NOT_WANTED):
        print(f"  {state.value:<11} {counts[state]}")
    problems = await delivery.failing()
    if problems:
        print("Not sent yet after failing (given up first):")
        for mail in problems:
            after = (f"next attempt {mail.next_attempt_at:%Y-%m-%d %H:%M:%S} UTC"
                     if mail.next_attempt_at else "given up: `carnet jobs retry`")
            print(f"  notification {mail.notification_id}: {mail.attempts} attempts, {after}; "
                  f"{mail.error}")
    jobs = await queue_counts(settings)
    if jobs:
        print("Job queue: " + ", ".join(f"{status} {n}" for status, n in sorted(jobs.items())))
    elif settings.is_sqlite:
        print("Job queue: in memory, inside `carnet serve` (SQLite)")
    else:
        print("Job queue: empty")
    return 1 if counts[MailState.FAILED] else 0


async def _retry() -> int:
    count = await delivery.retry_failed()
    print(f"{count} e-mail(s) due again.")
    return 0

