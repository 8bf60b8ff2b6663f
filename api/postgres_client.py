"""Tortoise's asyncpg client, without a reset round trip each time a connection is released.

Tortoise acquires a pool connection for every statement outside a transaction and releases
it right after. asyncpg's default release resets the session with a second statement
(``SELECT pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL``), so every statement
cost two round trips. Carnet keeps no session state on a connection: its advisory locks
are transaction-level (``pg_advisory_xact_lock``, released at commit or rollback), it never
LISTENs, declares cursors outside a transaction or SETs a session variable (a test holds
it to that). So the reset here is asyncpg's own cheap part only: an abandoned transaction is
still rolled back (asyncpg does that before calling this reset), nothing more is sent.
Selected by ``api.settings.tortoise_config`` for PostgreSQL URLs.
"""

from __future__ import annotations

from typing import Any

import asyncpg
from tortoise.backends.asyncpg.client import AsyncpgDBClient, TransactionWrapper
from tortoise.backends.base.client import (
    NestedTransactionContext,
    TransactionContext,
    TransactionContextPooled,
)

from api.row_hooks import HookedAsyncpgExecutor


async def _keep_session(connection: asyncpg.Connection) -> None:
    """Nothing to reset: see the module's docstring (the rollback already happened)."""


class _Transaction(TransactionWrapper):
    """asyncpg's transaction, with the executor that runs the models' row hooks."""

    executor_class = HookedAsyncpgExecutor

    def _in_transaction(self) -> TransactionContext:
        return NestedTransactionContext(_Transaction(self))


class CarnetAsyncpgClient(AsyncpgDBClient):
    executor_class = HookedAsyncpgExecutor

    def _in_transaction(self) -> TransactionContext:
        return TransactionContextPooled(_Transaction(self), self._pool_init_lock)

    async def create_pool(self, **kwargs: Any) -> asyncpg.Pool:
        return await asyncpg.create_pool(None, reset=_keep_session, **kwargs)


client_class = CarnetAsyncpgClient
