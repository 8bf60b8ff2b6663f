"""E-mail delivery of notifications: decided once, claimed with a lease, sent, marked sent.

The state lives on each notification (api.consent.models.Notification, ``mail_*``):

- a new notification is UNDECIDED; the sweep reads the recipient's preference and makes it
  PENDING (due now) or NOT_WANTED;
- a worker claims a due PENDING one by setting a lease (one UPDATE: of several workers, one
  wins); a crash after the claim leaves the lease to expire, and it is claimed again;
- sent: SENT, never claimed again. Not sent: PENDING again, due after an exponential
  back-off capped at an hour; after MAX_ATTEMPTS it is FAILED and waits for an operator
  (`carnet jobs retry`).

The only window for a duplicate is a crash after the mail server accepted the mail and
before SENT is written; the Message-ID is the same on every attempt, so mail software can
tell the copies apart.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import parseaddr
from enum import StrEnum

from tortoise.expressions import Q
from tortoise.queryset import QuerySet

from api import clock
from api.consent.models import MailState, Notification
from api.identity.models import Account, AccountStatus
from api.mail.notification_mail import notification_mail
from api.mail.sender import MailError, send_mail
from api.notify.preferences import preferences_of
from api.settings import Settings

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)  # far longer than one SMTP exchange (15 s timeout)
FIRST_RETRY = timedelta(seconds=30)
MAX_RETRY = timedelta(hours=1)
MAX_ATTEMPTS = 60  # some two and a half days of trying, then an operator looks
BATCH = 200


class Outcome(StrEnum):
    SENT = "sent"
    RETRY = "retry"  # not sent; due again at `retry_at`
    FAILED = "failed"  # not sent, and no more automatic attempts
    NOT_WANTED = "not_wanted"  # nobody to send it to any more
    SKIPPED = "skipped"  # not due, already sent, or claimed by another worker


@dataclass(frozen=True)
class Delivery:
    outcome: Outcome
    retry_at: datetime | None = None


def backoff(failed_attempts: int) -> timedelta:
    """Wait after the n-th failed attempt: 30 s, 1 min, 2 min, … then an hour at most."""
    exponent = min(max(failed_attempts - 1, 0), 20)
    return min(FIRST_RETRY * (2 ** exponent), MAX_RETRY)


def message_id(settings: Settings, notification_id: int) -> str:
    domain = parseaddr(settings.smtp_from)[1].rpartition("@")[2] or "carnet.invalid"
    return f"<notification-{notification_id}@{domain}>"


async def decide(now: datetime | None = None) -> int:
    """Read the recipients' preferences for new notifications; returns how many became due."""
    moment = now or clock.now()
    wanted_total = 0
    while True:
        rows = await Notification.filter(mail_state=MailState.UNDECIDED).order_by("id").limit(
            BATCH).values("id", "recipient_id", "kind")
        if not rows:
            return wanted_total
        recipients = {row["recipient_id"] for row in rows}
        preferences = await preferences_of(recipients)
        reachable = set(await Account.filter(
            id__in=list(recipients), status=AccountStatus.ACTIVE, email__isnull=False,
        ).values_list("id", flat=True))
        wanted = [row["id"] for row in rows if row["recipient_id"] in reachable
                  and row["kind"] in preferences.get(row["recipient_id"], frozenset())]
        unwanted = [row["id"] for row in rows if row["id"] not in set(wanted)]
        if wanted:
            await Notification.filter(id__in=wanted, mail_state=MailState.UNDECIDED).update(
                mail_state=MailState.PENDING, mail_next_attempt_at=moment)
        if unwanted:
            await Notification.filter(id__in=unwanted, mail_state=MailState.UNDECIDED).update(
                mail_state=MailState.NOT_WANTED)
        wanted_total += len(wanted)


def _claimable(now: datetime) -> QuerySet[Notification]:
    return Notification.filter(
        Q(mail_lease_until__isnull=True) | Q(mail_lease_until__lte=now),
        mail_state=MailState.PENDING, mail_next_attempt_at__lte=now,
    )


async def due(now: datetime | None = None, limit: int = BATCH) -> list[int]:
    """The pending mails to send now (not claimed, or their lease ran out), oldest first."""
    ids = await _claimable(now or clock.now()).order_by("mail_next_attempt_at", "id").limit(
        limit).values_list("id", flat=True)
    return [int(i) for i in ids]  # type: ignore[call-overload]


async def claim(notification_id: int, now: datetime) -> datetime | None:
    """Take the mail for LEASE; returns the lease (its token), None when another has it."""
    lease = now + LEASE
    claimed = await _claimable(now).filter(id=notification_id).update(mail_lease_until=lease)
    return lease if claimed else None


async def _finish(notification_id: int, lease: datetime, **changes: object) -> None:
    done = await Notification.filter(id=notification_id, mail_lease_until=lease).update(
        mail_lease_until=None, **changes)
    if not done:
        log.warning("notification %s: its mail lease ran out before the outcome was written",
                    notification_id)


async def deliver(settings: Settings, notification_id: int,
                  now: datetime | None = None) -> Delivery:
    """Send the e-mail of one notification if it is due and nobody else is sending it."""
    moment = now or clock.now()
    lease = await claim(notification_id, moment)
    if lease is None:
        return Delivery(Outcome.SKIPPED)
    notification = await Notification.get(id=notification_id)
    account = await Account.get_or_none(id=notification.recipient_id)
    if account is None or not account.email or account.status is not AccountStatus.ACTIVE:
        await _finish(notification_id, lease, mail_state=MailState.NOT_WANTED,
                      mail_error="no active account with an address")
        return Delivery(Outcome.NOT_WANTED)
    mail = notification_mail(notification.kind, account.language)
    attempts = notification.mail_attempts + 1
    try:
        await send_mail(settings, account.email, mail.subject, mail.body,
                        message_id=message_id(settings, notification_id))
    except MailError as error:
        reason = str(error.__cause__ or error)[:200]
        if attempts >= MAX_ATTEMPTS:
            await _finish(notification_id, lease, mail_state=MailState.FAILED,
                          mail_attempts=attempts, mail_next_attempt_at=None, mail_error=reason)
            return Delivery(Outcome.FAILED)
        retry_at = moment + backoff(attempts)
        await _finish(notification_id, lease, mail_attempts=attempts,
                      mail_next_attempt_at=retry_at, mail_error=reason)
        return Delivery(Outcome.RETRY, retry_at)
    await _finish(notification_id, lease, mail_state=MailState.SENT, mail_sent_at=moment,
                  mail_attempts=attempts, mail_error=None)
    return Delivery(Outcome.SENT)


@dataclass(frozen=True)
class FailingMail:
    notification_id: int
    state: MailState
    attempts: int
    next_attempt_at: datetime | None
    error: str


async def mail_counts() -> dict[MailState, int]:
    counts = {state: 0 for state in MailState}
    for state in MailState:
        counts[state] = await Notification.filter(mail_state=state).count()
    return counts


async def failing(limit: int = 20) -> list[FailingMail]:
    """Mails that failed at least once and are not sent: given up first, then the oldest."""
    rows = await Notification.filter(
        mail_state__in=[MailState.PENDING, MailState.FAILED], mail_attempts__gt=0,
    ).order_by("mail_state", "id").limit(limit)  # "failed" sorts first
    return [FailingMail(n.id, n.mail_state, n.mail_attempts, n.mail_next_attempt_at,
                        n.mail_error or "") for n in rows]


async def retry_failed(now: datetime | None = None) -> int:
    """Put every given-up mail back in the queue, due now, with a fresh count of attempts."""
    return await Notification.filter(mail_state=MailState.FAILED).update(
        mail_state=MailState.PENDING, mail_attempts=0, mail_next_attempt_at=now or clock.now(),
        mail_lease_until=None)
