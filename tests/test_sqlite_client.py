"""After the SQLite file could not be opened, queries and transactions work again."""

from __future__ import annotations

import asyncio

import pytest
from tortoise import connections
from tortoise.transactions import in_transaction

from api.outage import is_database_outage
from tests.test_outage import database_unreachable


async def _select_one_in_a_transaction() -> None:
    async with in_transaction() as connection:
        await connection.execute_query("SELECT 1")


async def test_a_failed_open_does_not_keep_the_connection_locked(db, settings):
    if not settings.is_sqlite:
        pytest.skip("SQLite's client only")
    client = connections.get("default")
    async with database_unreachable(settings):
        for attempt in (client.execute_query("SELECT 1"), _select_one_in_a_transaction()):
            with pytest.raises(Exception) as failure:
                await asyncio.wait_for(attempt, timeout=5)
            assert is_database_outage(failure.value), failure.value
    # Before the fix, tortoise kept its lock after the failed open: these waited forever.
    await asyncio.wait_for(client.execute_query("SELECT 1"), timeout=5)
    await asyncio.wait_for(_select_one_in_a_transaction(), timeout=5)
