"""Checking every patient's chain and its sealed head.

The events are walked in pages ordered by (patient, sequence): each hash is recomputed, each
link followed, the sequence counted. For each patient the first problem is reported:
* a changed field: the event's content no longer matches its hash;
* a deleted event: the sequence jumps (or a first event is missing);
* reordered or replaced events: the sequence or the link to the previous hash is wrong.
Then each chain's end is checked against its head (api/audit/heads.py), whose seal needs the
server's secret:
* the newest events deleted: the head names a later event than the newest one left;
* every event deleted: a head remains for a patient with no events;
* the head deleted, forged or altered: it is missing, or its seal does not hold;
* events rewritten with their hashes recomputed, or added at the end: the head does not name
  the newest event.
A chain that broke before its end is not compared with its head (its first break is named).
Everything is read in one snapshot (a read-only transaction, REPEATABLE READ on PostgreSQL),
so appends running meanwhile are not mistaken for tampering. Memory grows with the number of
patients (one head each), not with the number of events.
Then the register of chains, its tip, and an anchor (api/audit/register_check.py): a chain
erased with its head, a chain started again, a chain cut back to an older copy of its head
below an anchor, the register itself cut back or erased below the operator's anchor.
What no check can tell is said in docs/security.md.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from api.audit import register_check
from api.audit.anchors import Anchor
from api.audit.chain import GENESIS_HASH, EventContent, event_hash
from api.audit.models import AccessChainHead, AccessEvent
from api.audit.seal import key_for, seal_matches
from api.audit.verify_report import ChainBreak, VerifyReport, count
from api.settings import Settings

_PAGE = 1000


def _problem(row: AccessEvent, expected_sequence: int, prev_hash: str) -> str | None:
    if row.sequence != expected_sequence:
        return (f"has sequence {row.sequence} where {expected_sequence} was expected: "
                "an event before it was deleted or moved")
    if event_hash(EventContent.of(row), row.prev_hash) != row.hash:
        return "no longer matches its hash: the event was altered"
    if row.prev_hash != prev_hash:
        return "does not link to the event before it: an event was removed, replaced or moved"
    return None


def _events(first: int, last: int) -> str:
    return f"event {first} was" if first == last else f"events {first} to {last} were"


def _head_problem(key: bytes, head: AccessChainHead, newest: tuple[int, str] | None
                  ) -> str | None:
    """What is wrong with a stored head, given the newest event of its chain (if any)."""
    if not seal_matches(key, head.patient_id, head.sequence, head.hash, head.seal):
        return (f"chain head (sequence {head.sequence}) has a wrong seal: "
                "the head was forged or altered")
    if newest is None:
        return (f"chain head (sequence {head.sequence}) remains but the patient has no events: "
                f"{_events(1, head.sequence)} deleted")
    sequence, last_hash = newest
    if head.sequence > sequence:
        return (f"chain head (sequence {head.sequence}) is past the newest event "
                f"(sequence {sequence}): {_events(sequence + 1, head.sequence)} deleted")
    if head.sequence < sequence:
        return (f"chain head (sequence {head.sequence}) is behind the newest event "
                f"(sequence {sequence}): {_events(head.sequence + 1, sequence)} not "
                "written by Carnet")
    if head.hash != last_hash:
        return (f"chain head (sequence {head.sequence}) does not match event {sequence}: "
                "the newest events were replaced")
    return None


class _Walker:
    """Follows the rows in (patient, sequence) order, one chain after the other."""

    def __init__(self, report: VerifyReport, anchored: dict[tuple[int, int], str]) -> None:
        self.report = report
        # (patient, sequence) -> hash anchored; the hashes found there in an intact chain
        self.anchored = anchored
        self.found: dict[tuple[int, int], str] = {}
        self.patient_id: int | None = None
        self.expected = 1
        self.prev_hash = GENESIS_HASH
        self.broken = False

    def visit(self, row: AccessEvent) -> None:
        if row.patient_id != self.patient_id:
            self.patient_id, self.expected, self.prev_hash = row.patient_id, 1, GENESIS_HASH
            self.broken = False
            self.report.chains += 1
        self.report.events += 1
        if self.broken:
            return
        problem = _problem(row, self.expected, self.prev_hash)
        if problem is not None:
            self.broken = True
            self.report.heads.pop(row.patient_id, None)
            self.report.breaks.append(ChainBreak(row.patient_id, row.id, row.sequence, problem))
            return
        if (row.patient_id, row.sequence) in self.anchored:
            self.found[(row.patient_id, row.sequence)] = row.hash
        self.expected, self.prev_hash = row.sequence + 1, row.hash
        self.report.heads[row.patient_id] = (row.sequence, row.hash)


async def _walk_events(connection: BaseDBAsyncClient, walker: _Walker, patient_id: int | None,
                       page: int) -> set[int]:
    """Walk every event; the patients that have any."""
    seen: set[int] = set()
    after: tuple[int, int] | None = None
    while True:
        query = AccessEvent.all().using_db(connection)
        if patient_id is not None:
            query = query.filter(patient_id=patient_id)
        if after is not None:
            query = query.filter(Q(patient_id__gt=after[0])
                                 | Q(patient_id=after[0], sequence__gt=after[1]))
        rows = await query.order_by("patient_id", "sequence").limit(page)
        for row in rows:
            walker.visit(row)
            seen.add(row.patient_id)
        if len(rows) < page:
            return seen
        after = (rows[-1].patient_id, rows[-1].sequence)


async def _stored_heads(connection: BaseDBAsyncClient, patient_id: int | None, page: int
                        ) -> AsyncIterator[AccessChainHead]:
    after = 0
    while True:
        query = AccessChainHead.filter(patient_id__gt=after).using_db(connection)
        if patient_id is not None:
            query = query.filter(patient_id=patient_id)
        rows = await query.order_by("patient_id").limit(page)
        for row in rows:
            yield row
        if len(rows) < page:
            return
        after = rows[-1].patient_id


async def _check_heads(connection: BaseDBAsyncClient, report: VerifyReport, key: bytes,
                       with_events: set[int], patient_id: int | None, page: int) -> set[int]:
    """Compare each head with its chain's end; a chain broken before its end is not
    compared again (its first break is already reported). The patients with a head."""
    headless = set(report.heads)
    with_head = set()
    async for head in _stored_heads(connection, patient_id, page):
        headless.discard(head.patient_id)
        with_head.add(head.patient_id)
        if head.patient_id in with_events and head.patient_id not in report.heads:
            continue
        if head.patient_id not in with_events:
            report.chains += 1  # a history whose events are all gone
        problem = _head_problem(key, head, report.heads.get(head.patient_id))
        if problem is not None:
            report.heads.pop(head.patient_id, None)
            report.breaks.append(ChainBreak(head.patient_id, None, head.sequence, problem))
    for lost in sorted(headless):
        sequence, _ = report.heads.pop(lost)
        report.breaks.append(ChainBreak(
            lost, None, sequence,
            f"chain head is missing (the history holds {count(sequence, 'event')}): "
            "the head was deleted"))
    return with_head


async def _check_register(connection: BaseDBAsyncClient, report: VerifyReport,
                          walk: register_check.RegisterWalk, chains: set[int],
                          patient_id: int | None) -> set[int]:
    """Each registered chain still there, each chain registered, once (its first problem
    only for a patient whose chain was already found broken). The patients whose history
    went with their deleted record."""
    problems, gone = register_check.coverage_problems(walk, chains, patient_id)
    deleted = await register_check.records_deleted(connection, gone)
    report.records_deleted = len(deleted)
    for patient in gone - deleted:
        problems.setdefault(patient, (
            f"the register says its chain started (entry {walk.started[patient][0]}) but its "
            "events and head are gone: the whole history was erased"))
    _add_breaks(report, problems)
    return deleted


def _check_anchored(report: VerifyReport, anchor: register_check.AnchorCheck,
                    found: dict[tuple[int, int], str], deleted: set[int]) -> None:
    """Each chain the anchor lists still holds the event it ended at then (unless it went
    with its deleted record)."""
    report.anchor = anchor.position
    report.register_problems += anchor.problems
    problems = {}
    for (patient, sequence), anchored_hash in anchor.expected.items():
        if patient not in deleted and found.get((patient, sequence)) != anchored_hash:
            problems[patient] = register_check.anchor_problem(
                anchor.position or 0, sequence, report.heads.get(patient),
                found.get((patient, sequence)))
    _add_breaks(report, problems)


def _add_breaks(report: VerifyReport, problems: dict[int, str]) -> None:
    """A break per patient not already reported broken."""
    reported = {broken.patient_id for broken in report.breaks}
    for patient, problem in sorted(problems.items()):
        if patient not in reported:
            report.heads.pop(patient, None)
            report.breaks.append(ChainBreak(patient, None, 0, problem))


async def _read_snapshot(connection: BaseDBAsyncClient) -> None:
    """On PostgreSQL, one snapshot for the whole check (SQLite's transactions are one)."""
    if connection.capabilities.dialect == "postgres":
        await connection.execute_script(
            "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")


async def verify_chains(settings: Settings, *, patient_id: int | None = None,
                        anchor: Anchor | None = None, page: int = _PAGE) -> VerifyReport:
    """Check every chain (or one patient's) and its head, sealed with the key derived from
    ``settings.secret_key``, the register of chains and its tip, and ``anchor`` (the digest
    the operator kept; without one, the register's newest anchor). The report names each
    patient's first break, and what is wrong with the register or the anchor."""
    report = VerifyReport()
    key = key_for(settings.secret_key)
    async with in_transaction() as connection:
        await _read_snapshot(connection)
        walk = await register_check.walk_register(connection, key, page)
        report.register_entries = walk.entries
        report.register_problems += walk.problems
        anchored = await register_check.check_anchor(connection, walk, anchor, patient_id)
        walker = _Walker(report, anchored.expected)
        with_events = await _walk_events(connection, walker, patient_id, page)
        with_head = await _check_heads(connection, report, key, with_events, patient_id, page)
        deleted = await _check_register(connection, report, walk, with_events | with_head,
                                        patient_id)
        _check_anchored(report, anchored, walker.found, deleted)
    report.breaks.sort(key=lambda broken: broken.patient_id)
    return report
