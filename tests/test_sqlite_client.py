"""After the SQLite file could not be opened, queries and transactions work again."""

from __future__ import annotations

import asyncio
import sqlite3
import threading

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


async def _read_names(client) -> list[str]:
    rows = await client.execute_query_dict("SELECT name FROM carnet_reader_probe ORDER BY name")
    return [row["name"] for row in rows]


async def test_a_read_does_not_wait_for_another_requests_transaction(db, settings):
    """A professional's read writes an access event in a transaction; on SQLite that used to
    hold the one connection, so every other request's reads queued behind the commit."""
    if not settings.is_sqlite:
        pytest.skip("SQLite's client only")
    client = connections.get("default")
    await client.execute_script(
        "CREATE TABLE IF NOT EXISTS carnet_reader_probe (name TEXT);"
        "DELETE FROM carnet_reader_probe; INSERT INTO carnet_reader_probe VALUES ('before');")
    inside = asyncio.Event()
    finish = asyncio.Event()

    async def slow_transaction() -> None:
        async with in_transaction() as connection:
            await connection.execute_query("INSERT INTO carnet_reader_probe VALUES ('during')")
            inside.set()
            await finish.wait()

    writer = asyncio.create_task(slow_transaction())
    await asyncio.wait_for(inside.wait(), timeout=5)
    # The transaction is still open: the read answers at once, from what is committed.
    assert await asyncio.wait_for(_read_names(client), timeout=5) == ["before"]
    finish.set()
    await writer
    assert await _read_names(client) == ["before", "during"]
    await client.execute_script("DROP TABLE carnet_reader_probe")


async def test_writes_outside_a_transaction_are_read_back_at_once(db, settings):
    if not settings.is_sqlite:
        pytest.skip("SQLite's client only")
    client = connections.get("default")
    await client.execute_script("CREATE TABLE IF NOT EXISTS carnet_reader_probe (name TEXT)")
    await client.execute_query("DELETE FROM carnet_reader_probe")
    for name in ("a", "b", "c"):
        await client.execute_insert("INSERT INTO carnet_reader_probe VALUES (?)", [name])
        assert (await _read_names(client))[-1] == name
    await client.execute_query("UPDATE carnet_reader_probe SET name = 'z' WHERE name = 'a'")
    assert await _read_names(client) == ["b", "c", "z"]
    await client.execute_script("DROP TABLE carnet_reader_probe")


async def test_a_transaction_that_reads_then_writes_is_not_refused_when_another_process_writes(
        db, settings):
    """Two processes on one SQLite file (two `carnet serve` workers, or a command beside the
    server): appending an access event reads the chain's end, then inserts. In a deferred
    transaction, a commit by the other process between the read and the insert made SQLite
    refuse the insert at once ("database is locked", no waiting): the request failed.
    Transactions now take the write lock when they begin, so the other process waits."""
    if not settings.is_sqlite:
        pytest.skip("SQLite's client only")
    client = connections.get("default")
    await client.execute_script("CREATE TABLE IF NOT EXISTS carnet_reader_probe (name TEXT);"
                                "DELETE FROM carnet_reader_probe;")
    read_done = threading.Event()

    def other_process() -> None:
        read_done.wait(5)
        other = sqlite3.connect(client.filename, timeout=5, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("INSERT INTO carnet_reader_probe VALUES ('other')")
            other.execute("COMMIT")
        finally:
            other.close()

    writer = asyncio.get_running_loop().run_in_executor(None, other_process)
    async with in_transaction() as connection:
        await connection.execute_query("SELECT COUNT(*) FROM carnet_reader_probe")
        read_done.set()
        await asyncio.sleep(0.3)  # the other process commits now, if it can
        await connection.execute_query("INSERT INTO carnet_reader_probe VALUES ('mine')")
    await asyncio.wait_for(writer, timeout=10)
    assert sorted(await _read_names(client)) == ["mine", "other"]
    await client.execute_script("DROP TABLE carnet_reader_probe")
