"""An executor that lets a model act on its rows right after they are read and right before
they are written, for both database clients (api/sqlite_client.py, api/postgres_client.py).

A model that defines ``after_rows_read(rows, connection)`` or
``before_rows_written(rows, connection)`` (async class methods) has them awaited by every
read that builds its instances (querysets, ``get``, api/per_patient.py's ranked reads) and
by every ``save`` (insert or update). The record's sealed models use them to open and seal
their free text (api/identity/sealed.py). Bulk inserts do not pass through the executor:
such models wrap ``bulk_create`` themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tortoise.backends.asyncpg.executor import AsyncpgExecutor
from tortoise.backends.base.executor import BaseExecutor
from tortoise.backends.sqlite.executor import SqliteExecutor
from tortoise.models import Model


class _RowHooks(BaseExecutor):
    async def execute_select(self, sql: str, values: list[Any] | None = None,
                             custom_fields: list[Any] | None = None) -> list[Any]:
        rows = await super().execute_select(sql, values, custom_fields)
        hook = getattr(self.model, "after_rows_read", None)
        if hook is not None and rows:
            await hook(rows, self.db)
        return rows

    async def execute_insert(self, instance: Model) -> None:
        hook = getattr(self.model, "before_rows_written", None)
        if hook is not None:
            await hook([instance], self.db)
        await super().execute_insert(instance)

    async def execute_update(self, instance: type[Model] | Model,
                             update_fields: Iterable[str] | None) -> int:
        hook = getattr(self.model, "before_rows_written", None)
        if hook is not None and isinstance(instance, Model):
            await hook([instance], self.db)
        return await super().execute_update(instance, update_fields)


class HookedSqliteExecutor(_RowHooks, SqliteExecutor):
    pass


class HookedAsyncpgExecutor(_RowHooks, AsyncpgExecutor):
    pass
