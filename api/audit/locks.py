"""On PostgreSQL, the advisory locks an append takes: its chains', and the register's when a
chain may start (api/audit/register.py)."""

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient

from api.audit.register import REGISTER_LOCK

# pg_advisory_xact_lock(namespace, patient_id): one lock per patient's chain.
_LOCK_NAMESPACE = 0x61756474

# Take each chain's lock in patient order; then, only if one of the chains has no head yet
# (it may start, and be registered), the register's lock. The count makes every chain lock
# come first; the register lock is last and alone, so no two appends wait on each other.
# (The condition stays in the select list: in a WHERE clause, PostgreSQL would test it first
# and, when false, skip the chain locks too.)
_LOCK_SQL = (
    "WITH chains AS MATERIALIZED (SELECT pg_advisory_xact_lock($1, chain) "
    "FROM (SELECT unnest($2::int[]) AS chain ORDER BY 1) AS ordered) "
    "SELECT CASE WHEN EXISTS (SELECT 1 FROM unnest($2::int[]) AS chain(id) WHERE NOT EXISTS ("
    'SELECT 1 FROM "access_chain_head" "head" WHERE "head"."patient_id" = chain.id)) '
    "THEN pg_advisory_xact_lock($3, 0) END FROM (SELECT count(*) FROM chains) AS locked"
)


async def lock_chains(connection: BaseDBAsyncClient, patient_ids: list[int]) -> None:
    """On PostgreSQL, lock these patients' chains until the transaction ends, and the
    register of chains too when one of them may start.

    Concurrent appends to a chain wait here. The locks are taken in patient order (the
    subquery's), so two appends never hold one lock each while waiting for the other's.
    Appends to chains that exist never take the register's lock: only chains that start
    (a patient's first access) wait for each other there.
    """
    if connection.capabilities.dialect != "postgres":
        return
    await connection.execute_query(_LOCK_SQL, [_LOCK_NAMESPACE, patient_ids, REGISTER_LOCK])
