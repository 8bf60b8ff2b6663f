"""SQLite: the indexes and unique constraints the models declare, made where they are missing.

Tortoise 1.1.9 changes a column on SQLite by remaking the table (create a new one, copy the
rows, drop the old one, rename), SQLite's own way to alter a table; but it does not make
the dropped table's indexes again, nor its multi-column UNIQUE constraints. Every migration
that changed a column of a table (sealing the free text, for one) left that table on SQLite
without its indexes: a patient's allergies were read by scanning every patient's, and the
access history lost its unique (patient, sequence) pair, which the append relies on when
two processes write to one chain. PostgreSQL alters in place and keeps them.

After the migrations, ``ensure_indexes`` compares what the models declare (``Meta.indexes``,
``Meta.unique_together``, fields with ``index=True`` or ``unique=True``) with the file's
indexes and makes the missing ones, under the names Tortoise gives them on PostgreSQL, so
it repairs the databases made before it and whatever a later table remake drops. A unique index that
cannot be made (the rows already break it) is reported, not forced: the rows are kept.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from hashlib import sha256

from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError, OperationalError
from tortoise.indexes import Index
from tortoise.models import Model

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Declared:
    table: str
    columns: tuple[str, ...]
    unique: bool

    @property
    def name(self) -> str:
        """Tortoise's name for it (`idx_`/`uid_`, the table, the first column, a hash)."""
        prefix = "uid" if self.unique else "idx"
        digest = sha256(";".join((self.table, *self.columns)).encode("utf-8")).hexdigest()[:6]
        return f"{prefix}_{self.table[:11]}_{self.columns[0][:7]}_{digest}"

    def sql(self) -> str:
        columns = ",".join(f'"{column}"' for column in self.columns)
        unique = "UNIQUE " if self.unique else ""
        # Names of the code's own tables and columns only.
        return (f'CREATE {unique}INDEX IF NOT EXISTS "{self.name}" '
                f'ON "{self.table}" ({columns})')


def _column(model: type[Model], field_name: str) -> str:
    field = model._meta.fields_map.get(field_name)
    if field is None:
        return field_name
    return field.source_field or model._meta.fields_db_projection.get(field_name, field_name)


def declared(models: Sequence[type[Model]]) -> Iterator[Declared]:
    """Every index and multi-column unique constraint the models declare."""
    for model in models:
        meta = model._meta
        if meta.abstract:
            continue
        table = meta.db_table
        for index in meta.indexes:
            names = index.field_names if isinstance(index, Index) else tuple(index)
            if isinstance(index, Index) and (index.INDEX_TYPE or index.extra):
                continue  # a special index (PostgreSQL's kinds): not one SQLite makes
            yield Declared(table, tuple(_column(model, name) for name in names), False)
        for together in meta.unique_together:
            yield Declared(table, tuple(_column(model, name) for name in together), True)
        for name, field in meta.fields_map.items():
            if field.pk or (name not in meta.fields_db_projection and not field.source_field):
                continue  # the primary key, or a relation without a column of its own
            if field.unique:
                yield Declared(table, (_column(model, name),), True)
            elif getattr(field, "index", False):
                yield Declared(table, (_column(model, name),), False)


async def _existing(client: BaseDBAsyncClient, table: str) -> set[tuple[tuple[str, ...], bool]]:
    """The (columns, unique) of each index the file has on ``table``."""
    found = set()
    for index in await client.execute_query_dict(f'PRAGMA index_list("{table}")'):
        columns = tuple(row["name"] for row in await client.execute_query_dict(
            f'PRAGMA index_info("{index["name"]}")'))
        found.add((columns, bool(index["unique"])))
    return found


async def ensure_indexes(client: BaseDBAsyncClient | None = None) -> list[str]:
    """Make the declared indexes the SQLite file lacks; the names of those made.

    Nothing to do on another database. An index whose columns are already indexed the same
    way (under another name, or by a UNIQUE constraint of the table) is not made again.
    """
    client = client or Tortoise.get_connection("default")
    if client.capabilities.dialect != "sqlite":
        return []
    models = [model for app in Tortoise.apps.values() for model in app.values()]
    made: list[str] = []
    existing: dict[str, set[tuple[tuple[str, ...], bool]]] = {}
    for index in dict.fromkeys(declared(models)):
        if index.table not in existing:
            existing[index.table] = await _existing(client, index.table)
        have = existing[index.table]
        if (index.columns, True) in have or (index.columns, index.unique) in have:
            continue
        try:
            await client.execute_script(index.sql())
        except (IntegrityError, OperationalError) as error:
            logger.error("Could not make the index %s on %s (%s): %s", index.name,
                         index.table, ", ".join(index.columns), error)
            continue
        have.add((index.columns, index.unique))
        made.append(index.name)
    return made
