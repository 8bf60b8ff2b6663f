"""The register of chains: one global, append-only, hash-chained list of which chains exist.

An entry is appended when a patient's chain starts (in the transaction of its first event),
and when an operator anchors the history (api/audit/anchor.py): the anchor entry covers the
length of every chain at that moment. Each entry's hash covers its content and the hash of
the entry before it, like the events (api/audit/chain.py); the register's end is kept in a
sealed tip (one row), moved in the same transaction, so deleting the newest entries shows.

The register is written only when a chain starts or an anchor is taken, never on the usual
append to an existing chain: no request to a chain that exists waits on a global lock. On
PostgreSQL, appends that may start a chain, and anchors, take the register's advisory lock
(REGISTER_LOCK) before reading where it ends. Should two writers still pick the same
position (SQLite with several processes), the unique position refuses the second, which
retries (api/audit/log.py).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from api.audit.chain import GENESIS_HASH, format_instant
from api.audit.models import RegisterEntry, RegisterKind
from api.audit.seal import seal_tip, tip_seal_matches

logger = logging.getLogger(__name__)

# pg_advisory_xact_lock(REGISTER_LOCK, 0): the register's lock, held by who appends to it.
REGISTER_LOCK = 0x72656769

# The columns that say where the register ends and where its tip says it ends; joined into
# the statement that reads the chain ends (api/audit/heads.py) so a first event costs no read.
END_COLUMNS = ('"tip"."position" AS "tip_position","tip"."hash" AS "tip_hash",'
               '"tip"."seal" AS "tip_seal","newest"."position" AS "register_position",'
               '"newest"."hash" AS "register_hash"')
END_JOINS = ('LEFT JOIN "access_register_tip" "tip" ON "tip"."id"=1 '
             'LEFT JOIN "access_register" "newest" ON "newest"."position"='
             '(SELECT MAX("position") FROM "access_register")')
_END_SQL = f'SELECT {END_COLUMNS} FROM (SELECT 1 AS "one") "one" {END_JOINS}'  # noqa: S608
_COLUMNS = ("position", "kind", "patient_id", "chains", "digest", "created_at", "prev_hash",
            "hash")


@dataclass(frozen=True)
class EntryContent:
    """Everything an entry says; the stored row adds its id, prev_hash and hash."""

    position: int
    kind: str
    patient_id: int | None
    chains: int
    digest: str
    created_at: datetime

    @classmethod
    def of(cls, row: RegisterEntry) -> EntryContent:
        return cls(row.position, row.kind, row.patient_id, row.chains, row.digest,
                   row.created_at)


def entry_hash(content: EntryContent, prev_hash: str) -> str:
    fields = asdict(content)
    fields["created_at"] = format_instant(content.created_at)
    fields["prev_hash"] = prev_hash
    text = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class RegisterEnd:
    """The newest entry (position 0 and the genesis hash for an empty register), and whether
    the sealed tip agrees with it, so the tip may move on from there."""

    position: int
    hash: str
    tip_in_step: bool


def register_end(key: bytes, row: dict[str, Any]) -> RegisterEnd:
    """Where the register ends, from the END_COLUMNS of a row."""
    position, last_hash = row["register_position"], row["register_hash"]
    if row["tip_seal"] is None:
        in_step = position is None  # no tip: right for an empty register only
    else:
        in_step = position is not None and (row["tip_position"], row["tip_hash"]) == (
            position, last_hash) and tip_seal_matches(key, position, last_hash, row["tip_seal"])
    if not in_step:
        logger.error("The access register does not end at its sealed tip: the tip stays as it "
                     "is. Run `carnet audit verify`.")
    return RegisterEnd(position or 0, last_hash or GENESIS_HASH, in_step)


async def read_register_end(connection: BaseDBAsyncClient, key: bytes) -> RegisterEnd:
    """Where the register ends; on PostgreSQL, after taking its lock (for the transaction)."""
    if connection.capabilities.dialect == "postgres":
        await connection.execute_query("SELECT pg_advisory_xact_lock($1, 0)", [REGISTER_LOCK])
    (row,) = await connection.execute_query_dict(_END_SQL)
    return register_end(key, row)


def chain_entries(end: RegisterEnd, patient_ids: Sequence[int], moment: datetime
                  ) -> list[RegisterEntry]:
    """The entries that say these patients' chains start, after the register's end."""
    return _linked(end, [EntryContent(end.position + n, RegisterKind.CHAIN.value, patient_id,
                                      0, "", moment)
                         for n, patient_id in enumerate(patient_ids, start=1)])


def anchor_entry(end: RegisterEnd, chains: int, digest: str, moment: datetime
                 ) -> RegisterEntry:
    content = EntryContent(end.position + 1, RegisterKind.ANCHOR.value, None, chains, digest,
                           moment)
    return _linked(end, [content])[0]


def _linked(end: RegisterEnd, contents: list[EntryContent]) -> list[RegisterEntry]:
    entries, prev_hash = [], end.hash
    for content in contents:
        digest = entry_hash(content, prev_hash)
        entries.append(RegisterEntry(**asdict(content), prev_hash=prev_hash, hash=digest))
        prev_hash = digest
    return entries


def _marks(dialect: str, count: int, start: int) -> str:
    return ",".join(f"${n}" if dialect == "postgres" else "?"
                    for n in range(start, start + count))


def _tip_sql(dialect: str, start: int) -> str:
    return ('INSERT INTO "access_register_tip" ("id","position","hash","seal") '  # noqa: S608
            f'VALUES ({_marks(dialect, 4, start)}) ON CONFLICT ("id") DO UPDATE SET '
            '"position"=excluded."position","hash"=excluded."hash","seal"=excluded."seal"')


def _entries_sql(dialect: str, count: int) -> str:
    width = len(_COLUMNS)
    rows = ",".join(f"({_marks(dialect, width, width * n + 1)})" for n in range(count))
    names = ",".join(f'"{column}"' for column in _COLUMNS)
    return f'INSERT INTO "access_register" ({names}) VALUES {rows}'  # noqa: S608


async def append_entries(connection: BaseDBAsyncClient, key: bytes, end: RegisterEnd,
                         entries: Sequence[RegisterEntry]) -> None:
    """Append the entries and move the sealed tip to the last one (unless the tip was out of
    step: then it stays, as evidence). One statement on PostgreSQL, two on SQLite."""
    if not entries:
        return
    dialect = connection.capabilities.dialect
    last = entries[-1]
    tip = [1, last.position, last.hash, seal_tip(key, last.position, last.hash)]
    values: list[object] = [getattr(entry, column) for entry in entries for column in _COLUMNS]
    if dialect == "postgres" and end.tip_in_step:
        # The entries and the tip in one statement: the insert runs as a data-modifying CTE.
        sql = (f"WITH entries AS ({_entries_sql(dialect, len(entries))} RETURNING 1) "
               + _tip_sql(dialect, len(values) + 1))
        await connection.execute_query(sql, values + tip)
        return
    # Plain SQL, not the ORM: migration 0004 appends through here before the models are set up.
    await connection.execute_query(_entries_sql(dialect, len(entries)), values)
    if end.tip_in_step:
        await connection.execute_query(_tip_sql(dialect, 1), tip)
