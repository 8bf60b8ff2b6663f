"""Recording each write to a record in the change journal, in the write's own transaction.

The record services call ``record_change`` once per write (one INSERT; on PostgreSQL one
lock before it); reads record nothing. The feed reads a patient's changes in id order, so an
id must never become visible after a larger one: on PostgreSQL a transaction-scoped
advisory lock per patient makes the patient's changes take their ids in commit order (the
lock is held from just before the INSERT until the commit). SQLite has one writer at a time,
which gives the same order. A creation stores its idempotency key before it records the
change, so concurrent requests always wait on the key, then on this lock, in that order.
"""

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient

from api import clock
from api.consent.facts import ItemFacts
from api.consent.sections import Section
from api.sync.models import Change, ChangeKind

# pg_advisory_xact_lock(namespace, patient_id): one lock per patient's journal.
_LOCK_NAMESPACE = 0x73796E63


async def _lock_journal(connection: BaseDBAsyncClient, patient_id: int) -> None:
    if connection.capabilities.dialect != "postgres":
        return
    await connection.execute_query("SELECT pg_advisory_xact_lock($1, $2)",
                                   [_LOCK_NAMESPACE, patient_id])


async def record_change(
    connection: BaseDBAsyncClient | None,
    *,
    patient_id: int,
    section: Section,
    item_id: int,
    kind: ChangeKind,
    facts: ItemFacts,
) -> None:
    """Note that `item_id` of `section` was created, updated or deleted, with the item's
    visibility facts; inside ``connection``'s transaction (or the current one)."""
    client = connection or Change._meta.db
    await _lock_journal(client, patient_id)
    await Change.create(
        using_db=client,
        patient_id=patient_id,
        section=section.value,
        item_id=item_id,
        kind=kind,
        occurred_at=clock.now(),
        created_by_id=facts.author_account_id,
        category=facts.category,
        type_code=facts.type_code,
        hidden_from_professionals=facts.hidden_from_professionals,
        held_back_until=facts.held_back_until,
        confidential_for_minor=facts.confidential_for_minor,
    )
