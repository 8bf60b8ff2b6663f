"""Tortoise's SQLite client, releasing its lock when the database file cannot be opened.

tortoise-orm 1.1.9 takes the client's lock, then opens the connection if there is
none; when opening fails (the file or its folder unreadable or gone) it never
releases the lock, so every later query waits forever and the app does not come
back after the outage. These wrappers release the lock on that failure; the rest
is tortoise's own client. Selected by `api.settings.tortoise_config`.
"""

from __future__ import annotations

from typing import Any

from tortoise.backends.base.client import ConnectionWrapper, TransactionContext
from tortoise.backends.sqlite.client import (
    SqliteClient,
    SqliteTransactionContext,
    SqliteTransactionWrapper,
)
from tortoise.connection import get_connections


class _ReleasingConnection(ConnectionWrapper[Any]):
    async def __aenter__(self) -> Any:
        await self._lock.acquire()
        try:
            await self.ensure_connection()
        except BaseException:
            self._lock.release()
            raise
        return self.connection


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


class CarnetSqliteClient(SqliteClient):
    def acquire_connection(self) -> ConnectionWrapper[Any]:
        return _ReleasingConnection(self._lock, self)

    def _in_transaction(self) -> TransactionContext:
        return _ReleasingTransaction(SqliteTransactionWrapper(self), self._lock)


client_class = CarnetSqliteClient
