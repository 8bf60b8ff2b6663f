"""Chain heads on the write path: where each chain ends, and moving its sealed head.

Both run inside the append's transaction (api/audit/log.py), one statement each whatever
the number of patients. The previous event is read from the events themselves, as it always
was; the stored head is read beside it, only to decide whether the head may move.

A head moves only from where the events say the chain ends, and only if its seal holds. If
someone deleted a chain's newest events (or its head, or forged the head), the head is left
as it is: the events are still appended, but the server never seals over the damage, so
``carnet audit verify`` keeps reporting it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient

from api.audit.chain import GENESIS_HASH
from api.audit.register import END_COLUMNS, END_JOINS, RegisterEnd, register_end
from api.audit.seal import seal, seal_matches

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChainEnd:
    """The newest event of a chain (sequence 0 and the genesis hash for an empty chain), and
    whether the stored head agrees with it, so the head may move on from there."""

    sequence: int
    hash: str
    head_in_step: bool

    @property
    def starts(self) -> bool:
        """No event and no head yet: the next append starts this chain."""
        return self.sequence == 0 and self.head_in_step


NEW_CHAIN = ChainEnd(0, GENESIS_HASH, True)


def _marks(dialect: str, count: int, start: int = 1) -> list[str]:
    return [f"${n}" if dialect == "postgres" else "?" for n in range(start, start + count)]


def _ends_sql(dialect: str, count: int) -> str:
    marks = ",".join(_marks(dialect, count))
    # One index lookup per chain (the unique index on patient and sequence, read backwards),
    # however long the chains are. Only placeholders are formatted in: ids are parameters.
    return ('SELECT "chain"."id" AS "patient_id","event"."sequence","event"."hash",'  # noqa: S608
            '"head"."sequence" AS "head_sequence","head"."hash" AS "head_hash",'
            f'"head"."seal" AS "head_seal",{END_COLUMNS} FROM "patient" "chain" '
            'LEFT JOIN "access_event" "event" ON "event"."id"=('
            'SELECT "last"."id" FROM "access_event" "last" '
            'WHERE "last"."patient_id"="chain"."id" ORDER BY "last"."sequence" DESC LIMIT 1) '
            'LEFT JOIN "access_chain_head" "head" ON "head"."patient_id"="chain"."id" '
            f'{END_JOINS} WHERE "chain"."id" IN ({marks})')


def _in_step(key: bytes, row: dict[str, Any]) -> bool:
    if row["head_seal"] is None:
        return row["sequence"] is None  # no head yet: right for a chain with no events only
    if row["sequence"] is None:
        return False  # a head, but every event of the chain is gone
    return (row["head_sequence"], row["head_hash"]) == (row["sequence"], row["hash"]) and (
        seal_matches(key, row["patient_id"], row["sequence"], row["hash"], row["head_seal"]))


async def chain_ends(connection: BaseDBAsyncClient, patient_ids: Sequence[int], key: bytes
                     ) -> tuple[dict[int, ChainEnd], RegisterEnd | None]:
    """Where each chain ends, and whether its head is in step, in one statement; with where
    the register of chains ends (None if none of the patients exists), for chains that start.
    """
    sql = _ends_sql(connection.capabilities.dialect, len(patient_ids))
    ends = {}
    rows = await connection.execute_query_dict(sql, list(patient_ids))
    starting = any(row["sequence"] is None and row["head_seal"] is None for row in rows)
    register = register_end(key, rows[0]) if starting else None
    for row in rows:
        patient_id = row["patient_id"]
        end = ChainEnd(row["sequence"] or 0, row["hash"] or GENESIS_HASH, _in_step(key, row))
        if not end.head_in_step:
            logger.error("The access chain of patient %s does not end at its sealed head: the "
                         "head stays as it is. Run `carnet audit verify`.", patient_id)
        ends[patient_id] = end
    return ends, register


def _upsert_sql(dialect: str, count: int, start: int = 1) -> str:
    rows = ",".join(f"({','.join(_marks(dialect, 4, start + 4 * n))})" for n in range(count))
    return ('INSERT INTO "access_chain_head" ("patient_id","sequence","hash","seal") '  # noqa: S608
            f'VALUES {rows} ON CONFLICT ("patient_id") DO UPDATE SET '
            '"sequence"=excluded."sequence","hash"=excluded."hash","seal"=excluded."seal"')


def head_values(key: bytes, heads: Sequence[tuple[int, int, str]]) -> list[object]:
    """The parameters of the upsert that moves these heads, each sealed."""
    values: list[object] = []
    for patient_id, sequence, head_hash in heads:
        values += [patient_id, sequence, head_hash, seal(key, patient_id, sequence, head_hash)]
    return values


def upsert_sql(dialect: str, count: int, start: int = 1) -> str:
    """The statement that moves ``count`` heads, its placeholders numbered from ``start``
    (PostgreSQL), for a caller that writes it beside another statement."""
    return _upsert_sql(dialect, count, start)


async def move_heads(connection: BaseDBAsyncClient, key: bytes,
                     heads: Sequence[tuple[int, int, str]]) -> None:
    """Seal and store each (patient, sequence, hash) as the head of the patient's chain, in
    one statement (an insert for a new chain, an update otherwise)."""
    if not heads:
        return
    await connection.execute_query(_upsert_sql(connection.capabilities.dialect, len(heads)),
                                   head_values(key, heads))
