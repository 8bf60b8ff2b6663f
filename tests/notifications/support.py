"""A real SMTP server on a loopback port (aiosmtpd) that can be stopped and started again,
and helpers to make notifications and run the delivery the way the jobs do."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import Message
from typing import Any

from aiosmtpd.controller import Controller
from tortoise import connections

from api.consent.models import Notification, NotificationKind
from api.identity.models import Account, Patient
from api.notify import delivery
from api.notify.preferences import set_mail_kinds
from api.settings import Settings
from tests.live_server import free_port

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class Inbox:
    """Every mail the server accepted, in order."""

    def __init__(self) -> None:
        self.mails: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        mail = message_from_bytes(envelope.content)
        mail["X-Envelope-To"] = ",".join(envelope.rcpt_tos)
        self.mails.append(mail)
        return "250 Message accepted for delivery"

    def ids(self) -> Counter[str]:
        return Counter(str(m["Message-ID"]) for m in self.mails)


class MailServer:
    """aiosmtpd on a fixed port: `stop()` makes the port refuse, `start()` brings it back."""

    def __init__(self) -> None:
        self.port = free_port()
        self.inbox = Inbox()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def settings(self, base: Settings) -> Settings:
        return dataclasses.replace(base, mail_backend="smtp", smtp_host="127.0.0.1",
                                   smtp_port=self.port, smtp_starttls=False, smtp_user="",
                                   smtp_password="", smtp_from="Carnet <alertes@carnet.test>")


async def notify(patient: Patient, account: Account | int, kind: NotificationKind,
                 at: datetime = T0, **payload: str) -> Notification:
    account_id = account if isinstance(account, int) else account.id
    return await Notification.create(
        patient_id=patient.id, recipient_id=account_id, kind=kind, created_at=at,
        payload={"patient": "Alice TESTON", "professional": "Test DOC",
                 "profession": "physician", **payload})


async def opt_in(account_id: int, *kinds: NotificationKind) -> None:
    account = await Account.get(id=account_id)
    await set_mail_kinds(account, kinds or tuple(NotificationKind))


async def drain(settings: Settings, now: datetime) -> Counter[delivery.Outcome]:
    """One pass as the sweep and its delivery jobs make it, at `now`."""
    await delivery.decide(now)
    outcomes: Counter[delivery.Outcome] = Counter()
    for notification_id in await delivery.due(now):
        outcomes[(await delivery.deliver(settings, notification_id, now)).outcome] += 1
    return outcomes


async def wait_for(predicate: Callable[[], bool], seconds: float) -> bool:
    """True as soon as `predicate()` is; False after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        await asyncio.sleep(0.2)
    return False


async def fresh_queue(settings: Settings) -> None:
    """PostgreSQL: procrastinate's tables there and empty (the test database outlives a
    test, and a job left waiting would hold its queueing lock into the next one)."""
    from api.notify.queue import apply_queue_schema

    await apply_queue_schema(settings)
    await connections.get("default").execute_script(
        "TRUNCATE procrastinate_jobs, procrastinate_events, procrastinate_periodic_defers, "
        "procrastinate_workers RESTART IDENTITY CASCADE;")
