"""Closing, reopening, purging and deleting a patient's account and record.

* ``close_account``: the account is ``CLOSED`` (``closed_at`` set), its sessions end, every
  app connection to the account or to its record and their tokens are revoked, live grants
  end. The record is then *archived*: the consent policy refuses it to every relation
  (``Rights.archived``, loaded by api/consent/rights.py) and professionals meet it as an
  unknown record. The patient can still sign in, to reopen it.
* ``reopen_account``: within ``ARCHIVE_YEARS`` of closing, the account is ``ACTIVE`` again
  and the record readable by its owner. Grants and app connections are *not* restored: the
  patient gives them again (a treating-doctor designation and blocks were kept as they
  were, and count again).
* ``delete_account``: at once, on the patient's request: every row of the record and the
  account (the database cascades from the patient and the account), the stored bytes of
  its documents and attachments in both storages, then on SQLite a WAL checkpoint that
  truncates the log; ``PRAGMA secure_delete`` (api/settings.py) has zeroed the freed pages.
* ``purge_archives``: the scheduled job (api/notify/queue.py) and ``carnet accounts
  purge-archives``: every archive closed more than ``ARCHIVE_YEARS`` ago, deleted as above.

A parent's account that is the only guardian of a child's record (a record with no account
of its own) is not deleted, on request or by the purge (which logs it and keeps it): the
child's record would stay with nobody able to read it, or be lost. Another guardian is
added first. Deleting a parent who shares a child's record removes only their link.

Closing and reopening are written in the record's access history (basis ``owner`` when the
patient acts, ``operator`` on the command line). A deletion leaves no history: the history
is part of the record and goes with it; the register of chains keeps that a chain with the
record's number existed (docs/security.md). Each step e-mails the patient, after it
committed; a deletion's e-mail goes to the address read before the rows went.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from api import clock
from api.audit.log import PendingEvent, ViewerSnapshot, append_events, load_viewer_snapshot
from api.audit.models import RequestKind
from api.consent.models import Grant, GrantEndReason
from api.consent.sections import Basis
from api.dates import years_after
from api.identity.models import Account, AccountStatus, Guardianship, Patient, Role, Session
from api.identity.patient_keys import destroy_patient_key
from api.lifecycle import messages
from api.mail.models import OutboxMail
from api.mail.sender import MailError, send_mail
from api.messaging.models import Attachment
from api.oauth.models import AppConnection, AuthorizationCode, OAuthToken
from api.records.documents.models import Document
from api.records.documents.storage import storage_named
from api.settings import DOCUMENT_STORAGES, Settings
from api.texts import text

log = logging.getLogger(__name__)

ARCHIVE_YEARS = 10
OPERATOR_NAME = "Carnet (operator)"


class LifecycleError(Exception):
    """The step does not apply to this account; ``code`` says why."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Deletion:
    """What a deletion removed: the record's stored files, and those that could not be
    deleted (their keys are logged; an operator removes them)."""

    files: int
    files_left: int


async def patient_account(account_id: int) -> tuple[Account, Patient]:
    """The patient account and its own record; LifecycleError ``not_a_patient`` otherwise."""
    account = await Account.get_or_none(id=account_id)
    patient = await Patient.filter(account_id=account_id).first()
    if account is None or account.role is not Role.PATIENT or patient is None:
        raise LifecycleError("not_a_patient")
    return account, patient


def archive_ends(closed_at: datetime) -> datetime:
    """When an archive closed at ``closed_at`` is due for deletion."""
    return years_after(closed_at, ARCHIVE_YEARS)


async def close_account(settings: Settings, account: Account, *, operator: bool = False) -> None:
    """Close an active patient account: its record is archived (LifecycleError
    ``not_active`` for an account that is not active)."""
    account, patient = await patient_account(account.id)
    if account.status is not AccountStatus.ACTIVE:
        raise LifecycleError("not_active")
    now = clock.now()
    async with in_transaction() as connection:
        changed = await Account.filter(id=account.id, status=AccountStatus.ACTIVE).using_db(
            connection).update(status=AccountStatus.CLOSED, closed_at=now)
        if not changed:  # closed meanwhile by another request
            raise LifecycleError("not_active")
        await Session.filter(account_id=account.id, revoked_at=None).using_db(
            connection).update(revoked_at=now)
        await _revoke_apps(connection, account.id, patient.id, now)
        await Grant.filter(patient_id=patient.id, revoked_at=None, expires_at__gt=now).using_db(
            connection).update(revoked_at=now, revoked_reason=GrantEndReason.REVOKED)
        await _history(connection, account, patient, RequestKind.RECORD_CLOSED, operator)
    await _tell(settings, account.email, account.language,
                messages.CLOSED_SUBJECT, messages.CLOSED_BODY)


async def reopen_account(settings: Settings, account: Account, *,
                         operator: bool = False) -> None:
    """Reopen a closed account within ``ARCHIVE_YEARS`` (LifecycleError ``not_closed``,
    or ``archive_ended`` when the archive is due for deletion)."""
    account, patient = await patient_account(account.id)
    if account.status is not AccountStatus.CLOSED or account.closed_at is None:
        raise LifecycleError("not_closed")
    if clock.now() >= archive_ends(account.closed_at):
        raise LifecycleError("archive_ended")
    async with in_transaction() as connection:
        changed = await Account.filter(id=account.id, status=AccountStatus.CLOSED).using_db(
            connection).update(status=AccountStatus.ACTIVE, closed_at=None)
        if not changed:
            raise LifecycleError("not_closed")
        await _history(connection, account, patient, RequestKind.RECORD_REOPENED, operator)
    await _tell(settings, account.email, account.language,
                messages.REOPENED_SUBJECT, messages.REOPENED_BODY)


async def _destroy_key(patient_id: int) -> None:
    """Destroy the patient's data key, first of all (crypto-shredding): once it is gone no
    copy of the record's ciphertext (a backup, a WAL kept elsewhere, a replica) can be read.

    Should the deletion of the rows fail after this, the request is still honoured: what is
    left can no longer be read, and deleting again removes it.
    """
    await destroy_patient_key(patient_id)


async def delete_account(settings: Settings, account: Account) -> Deletion:
    """Delete the patient's account and record now, for good (an active or closed account).

    The key first, then the rows in one transaction (a failure leaves the record whole),
    then the stored files, then the SQLite log truncated; the e-mail last, to the address
    read before.
    """
    account, patient = await patient_account(account.id)
    if account.status not in (AccountStatus.ACTIVE, AccountStatus.CLOSED):
        raise LifecycleError("not_active")
    if await sole_guardian_of(account.id):
        raise LifecycleError("sole_guardian")
    return await _delete(settings, account, patient,
                         messages.DELETED_SUBJECT, messages.DELETED_BODY)


async def _delete(settings: Settings, account: Account, patient: Patient,
                  subject: str, body: str) -> Deletion:
    email, language = account.email, account.language
    await _destroy_key(patient.id)
    stored = [*await Document.filter(patient_id=patient.id).values_list("storage_key",
                                                                         flat=True),
              *await Attachment.filter(patient_id=patient.id).values_list("storage_key",
                                                                           flat=True)]
    keys = [str(key) for key in stored]
    async with in_transaction() as connection:
        # Everything of the record cascades from the patient (entries, measurements,
        # directives, documents, conversations, grants, notifications, the access history
        # and its head, the change journal); the account's sessions, app connections and
        # tokens, preferences and idempotency keys cascade from the account.
        await Patient.filter(id=patient.id).using_db(connection).delete()
        await Account.filter(id=account.id).using_db(connection).delete()
        if email:  # mail kept in the development outbox (sign-in codes, alerts)
            await OutboxMail.filter(recipient=email).using_db(connection).delete()
    left = await _delete_files(settings, keys)
    await _truncate_log(settings)
    await _tell(settings, email, language, subject, body)
    return Deletion(files=len(keys), files_left=left)


async def sole_guardian_of(account_id: int) -> list[Patient]:
    """The children's records (records with no account of their own) that this account is
    the only one to manage. Deleting the account would delete the link and leave such a
    record with nobody to read it, so a deletion is refused while there is one: another
    guardian is added first (by Carnet's operator)."""
    managed = await Guardianship.filter(guardian_id=account_id).values_list("patient_id",
                                                                           flat=True)
    children = await Patient.filter(id__in=managed, account_id=None).order_by("id")
    others = set(await Guardianship.filter(patient_id__in=[c.id for c in children]).exclude(
        guardian_id=account_id).values_list("patient_id", flat=True))
    return [child for child in children if child.id not in others]


async def purge_archives(settings: Settings,
                         progress: Callable[[int, int], None] | None = None) -> int:
    """Delete every archive closed ``ARCHIVE_YEARS`` ago or more; the number deleted.

    ``progress(done, total)`` after each one (the command line prints it).
    """
    cutoff = years_after(clock.now(), -ARCHIVE_YEARS)
    due = await Account.filter(role=Role.PATIENT, status=AccountStatus.CLOSED,
                               closed_at__lte=cutoff).order_by("closed_at", "id")
    done = 0
    for account in due:
        patient = await Patient.filter(account_id=account.id).first()
        if patient is None or account.closed_at is None:
            continue
        if clock.now() < archive_ends(account.closed_at):  # a 29 February, a year apart
            continue
        if await sole_guardian_of(account.id):
            # Never lose a child's record silently: the archive waits for an operator.
            log.warning("archive of account %s kept: it is the only guardian of a child's "
                        "record", account.id)
            continue
        await _delete(settings, account, patient, messages.PURGED_SUBJECT,
                      messages.PURGED_BODY)
        done += 1
        if progress is not None:
            progress(done, len(due))
    return done


async def _revoke_apps(connection: BaseDBAsyncClient, account_id: int, patient_id: int,
                       now: datetime) -> None:
    """End the apps acting for the account, and those connected to its record by anyone."""
    connected = AppConnection.filter(revoked_at=None).using_db(connection)
    ids = [*await connected.filter(account_id=account_id).values_list("id", flat=True),
           *await connected.filter(patient_id=patient_id).values_list("id", flat=True)]
    if not ids:
        return
    await AppConnection.filter(id__in=ids).using_db(connection).update(revoked_at=now)
    await OAuthToken.filter(connection_id__in=ids, revoked_at=None).using_db(
        connection).update(revoked_at=now)
    await AuthorizationCode.filter(connection_id__in=ids).using_db(connection).delete()


async def _history(connection: BaseDBAsyncClient, account: Account, patient: Patient,
                   kind: RequestKind, operator: bool) -> None:
    if operator:
        viewer = ViewerSnapshot(account_id=0, professional_id=None, name=OPERATOR_NAME,
                                profession="")
    else:
        viewer = await load_viewer_snapshot(account.id)
    await append_events([PendingEvent(
        patient_id=patient.id, viewer=viewer, basis=Basis.OPERATOR if operator else Basis.OWNER,
        sections=frozenset(), actions=frozenset(), request_kind=kind)], connection)


async def _delete_files(settings: Settings, keys: list[str]) -> int:
    """Delete each key from every storage (bytes may sit in either after a move); the number
    of keys not deleted."""
    left = 0
    storages = [storage_named(kind, settings) for kind in DOCUMENT_STORAGES]
    for key in keys:
        try:
            for storage in storages:
                await storage.delete(key)
        except Exception:
            log.warning("could not delete the stored file %s of a deleted record", key,
                        exc_info=True)
            left += 1
    return left


async def _truncate_log(settings: Settings) -> None:
    """On SQLite, copy the log into the database and empty it: the pages secure_delete
    zeroed replace the old ones, and no copy of them stays in the -wal file."""
    client = Account._meta.db
    if client.capabilities.dialect != "sqlite":
        return
    await client.execute_query("PRAGMA wal_checkpoint(TRUNCATE)")


async def _tell(settings: Settings, email: str | None, language: str | None,
                subject: str, body: str) -> None:
    """The patient's e-mail; a mail server that refuses it is logged, the step stands."""
    if not email:
        return
    try:
        await send_mail(settings, email, text(language, subject), text(language, body))
    except MailError:
        log.warning("the account e-mail %r could not be sent", subject)
