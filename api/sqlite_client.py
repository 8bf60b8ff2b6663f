"""Tortoise's SQLite client, with a second connection for reads and a lock that outages release.

Reads beside writes: tortoise's client has one connection, and a transaction holds it
until it commits, so while one request writes (a professional's read appends an access
event) every other request's reads wait. SQLite in WAL mode (tortoise's default) lets a
second connection read what is committed while a write is open, so plain SELECTs outside
a transaction go to a reader connection with its own lock; statements inside a
transaction, and every write, stay on the writer connection as before. An in-memory
database is private to its connection, so it keeps the one connection.

Writers in several processes: transactions begin with ``BEGIN IMMEDIATE``
(``_ImmediateTransactionWrapper``), so a transaction that reads then writes waits for
another process's write instead of being refused.

Outages: tortoise-orm 1.1.9 takes the client's lock, then opens the connection if there
is none; when opening fails (the file or its folder unreadable or gone) it never
releases the lock, so every later query waits forever and the app does not come back
after the outage. These wrappers release the lock on that failure; the rest is
tortoise's own client. Selected by `api.settings.tortoise_config`.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Sequence
from typing import Any

import aiosqlite
from tortoise.backends.base.client import (
    ConnectionWrapper,
    NestedTransactionContext,
    TransactionContext,
)
from tortoise.backends.sqlite.client import (
    SqliteClient,
    SqliteTransactionContext,
    SqliteTransactionWrapper,
    translate_exceptions,
)
from tortoise.connection import get_connections
from tortoise.exceptions import TransactionManagementError

from api.row_hooks import HookedSqliteExecutor


class _ReleasingConnection(ConnectionWrapper[Any]):
    async def __aenter__(self) -> Any:
        await self._lock.acquire()
        try:
            await self.ensure_connection()
        except BaseException:
            self._lock.release()
            raise
        return self.connection


class _NestedTransactionWrapper(SqliteTransactionWrapper):
    """A savepoint inside a transaction, with the executor that runs the models' row hooks."""

    executor_class = HookedSqliteExecutor

    def _in_transaction(self) -> TransactionContext:
        return NestedTransactionContext(_NestedTransactionWrapper(self))


class _ImmediateTransactionWrapper(_NestedTransactionWrapper):
    """A transaction that takes the file's write lock when it begins (``BEGIN IMMEDIATE``).

    Carnet's transactions read, then write (the access history reads where a chain ends,
    then appends). In a deferred transaction, another process's commit between the two
    makes SQLite refuse the write at once, without the busy timeout ("database is
    locked"). Taken at the start, the lock makes the other writer wait its turn instead.
    """

    executor_class = HookedSqliteExecutor

    async def begin(self) -> None:
        try:
            await self._connection.commit()
            await self._connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise TransactionManagementError(exc) from exc


class _ReleasingTransaction(SqliteTransactionContext):
    async def __aenter__(self) -> Any:
        await self._trxlock.acquire()
        try:
            await self.ensure_connection()
            self.token = get_connections().set(self.connection_name, self.connection)
            try:
                await self.connection.begin()
            except BaseException:
                get_connections().reset(self.token)
                raise
        except BaseException:
            self._trxlock.release()
            raise
        return self.connection


class _ReaderConnection:
    """The reader connection's own lock and lazy open, released when the open fails."""

    def __init__(self, client: CarnetSqliteClient) -> None:
        self._client = client

    async def __aenter__(self) -> aiosqlite.Connection:
        await self._client._read_lock.acquire()
        try:
            return await self._client._open_reader()
        except BaseException:
            self._client._read_lock.release()
            raise

    async def __aexit__(self, *exc: object) -> None:
        self._client._read_lock.release()


def _is_plain_read(query: str) -> bool:
    return query.lstrip()[:6].upper() == "SELECT"


class CarnetSqliteClient(SqliteClient):
    executor_class = HookedSqliteExecutor

    def __init__(self, file_path: str, **kwargs: Any) -> None:
        super().__init__(file_path, **kwargs)
        self._reader: aiosqlite.Connection | None = None
        self._read_lock = asyncio.Lock()
        self._separate_reader = file_path not in ("", ":memory:") and "mode=memory" not in file_path

    async def _open_reader(self) -> aiosqlite.Connection:
        if self._reader is None:
            reader = await aiosqlite.connect(self.filename, isolation_level=None)
            reader._conn.row_factory = sqlite3.Row
            # Reads only: the journal mode is the file's, set by the writer connection.
            for pragma, value in self.pragmas.items():
                if pragma != "journal_mode":
                    await (await reader.execute(f"PRAGMA {pragma}={value}")).close()
            await (await reader.execute("PRAGMA query_only=ON")).close()
            self._reader = reader
        return self._reader

    async def close(self) -> None:
        async with self._read_lock:
            if self._reader is not None:
                await self._reader.close()
                self._reader = None
        await super().close()

    def acquire_connection(self) -> ConnectionWrapper[Any]:
        return _ReleasingConnection(self._lock, self)

    @translate_exceptions
    async def execute_query(self, query: str, values: list[Any] | None = None
                            ) -> tuple[int, Sequence[dict[str, Any]]]:
        if not (self._separate_reader and _is_plain_read(query)):
            return await super().execute_query(query, values)
        query = query.replace("\x00", "'||CHAR(0)||'")
        async with _ReaderConnection(self) as connection:
            self.log.debug("%s: %s", query, values)
            rows = list(await connection.execute_fetchall(query, values))
            return len(rows), rows  # type: ignore[return-value]

    @translate_exceptions
    async def execute_query_dict(
            self, query: str, values: list[Any] | None = None) -> list[dict[str, Any]]:
        if not (self._separate_reader and _is_plain_read(query)):
            return await super().execute_query_dict(query, values)
        query = query.replace("\x00", "'||CHAR(0)||'")
        async with _ReaderConnection(self) as connection:
            self.log.debug("%s: %s", query, values)
            return list(map(dict, await connection.execute_fetchall(query, values)))

    def _in_transaction(self) -> TransactionContext:
        return _ReleasingTransaction(_ImmediateTransactionWrapper(self), self._lock)


client_class = CarnetSqliteClient
