"""PostgreSQL: a consistent copy of every table with COPY, and its restore in one transaction.

No client program is needed (pg_dump's version must match the server's, and a deployment may
not have it): the app's own driver (asyncpg) runs one REPEATABLE READ, READ ONLY transaction
and copies each table out in PostgreSQL's binary COPY format, so every table is read at the
same instant while the server goes on writing. The stored files' bytes are rows
(`stored_file`, `stored_chunk`) and come with them. The job queue's tables (procrastinate)
are left out: its jobs are found again by the periodic sweep. So is `patient_key`, the
patients' data keys, kept apart from the backups (api/backup/keys.py).

The restore runs in one transaction: it empties the tables (or, when the database's schema
is not the archive's, drops them and replays the migrations up to the archive's), sets the
foreign keys aside, copies every table in, puts the foreign keys back (so they are checked),
sets each sequence where it was, then migrates to this code's schema, and writes back the
data keys the target held before (read first in the same transaction), with those of a keys
export for patients that have none. Any failure rolls it all back: the database is as it
was.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import asyncpg
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.migrations.executor import MigrationExecutor, MigrationTarget
from tortoise.migrations.schema_editor import AsyncpgSchemaEditor
from tortoise.transactions import in_transaction

from api.backup.archive import ArchiveWriter, Manifest
from api.backup.documents import STORED_FILES, StorageKeys
from api.backup.keys import TABLE as KEYS_TABLE
from api.backup.keys import ExportedKey, KeysPut, live_keys, put_keys
from api.backup.migrations import MIGRATIONS_TABLE, applied_from_rows, latest_targets
from api.backup.progress import Progress
from api.settings import tortoise_config

MEMBER_FOLDER = "database"
_OWN_TABLES = """
    SELECT table_name FROM information_schema.tables
    WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
      AND table_name NOT LIKE 'procrastinate%'
    ORDER BY table_name"""


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _raw(connection: BaseDBAsyncClient) -> asyncpg.Connection:
    return cast(asyncpg.Connection, connection._connection)


async def _tables(raw: asyncpg.Connection) -> list[str]:
    return [row["table_name"] for row in await raw.fetch(_OWN_TABLES)]


async def _columns(raw: asyncpg.Connection, table: str) -> list[str]:
    rows = await raw.fetch(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = "
        "current_schema() AND table_name = $1 AND is_generated = 'NEVER' "
        "ORDER BY ordinal_position", table)
    return [row["column_name"] for row in rows]


async def _sequences(raw: asyncpg.Connection, tables: list[str]) -> dict[str, list[Any]]:
    """{table.column: [sequence, last_value, is_called]} for each serial column."""
    found: dict[str, list[Any]] = {}
    for table in tables:
        for column in await _columns(raw, table):
            sequence = await raw.fetchval("SELECT pg_get_serial_sequence($1, $2)",
                                          _quoted(table), column)
            if sequence is None:
                continue
            row = await raw.fetchrow(f"SELECT last_value, is_called FROM {sequence}")  # noqa: S608
            found[f"{table}.{column}"] = [sequence, int(row["last_value"]), row["is_called"]]
    return found


async def _applied(raw: asyncpg.Connection, tables: list[str]) -> dict[str, list[str]]:
    if MIGRATIONS_TABLE not in tables:
        return {}
    rows = await raw.fetch(f"SELECT app, name FROM {_quoted(MIGRATIONS_TABLE)}")  # noqa: S608
    return applied_from_rows([(row["app"], row["name"]) for row in rows])


async def _storage_keys(raw: asyncpg.Connection, tables: list[str]) -> StorageKeys:
    """The keys of stored bytes the rows name (any table with a storage_key column), and
    those whose bytes are rows too."""
    keys = StorageKeys()
    for table in tables:
        if "storage_key" in await _columns(raw, table):
            keys.named += [row[0] for row in
                           await raw.fetch(f"SELECT storage_key FROM {_quoted(table)}")]  # noqa: S608
    if STORED_FILES in tables:
        keys.in_database += [row[0] for row in
                             await raw.fetch(f"SELECT key FROM {_quoted(STORED_FILES)}")]  # noqa: S608
    return keys


async def backup(writer: ArchiveWriter, manifest: Manifest, workdir: Path,
                 progress: Progress) -> StorageKeys:
    """Copy every table into the archive, filling the manifest; the storage keys named."""
    async with in_transaction() as connection:
        await connection.execute_script(
            "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        raw = _raw(connection)
        tables = await _tables(raw)
        manifest.migrations = await _applied(raw, tables)
        if KEYS_TABLE in tables:  # kept apart: a destroyed key reaches the backups
            manifest.keys_left_out = int(await raw.fetchval(
                f"SELECT count(*) FROM {_quoted(KEYS_TABLE)}"))  # noqa: S608
            tables.remove(KEYS_TABLE)
        manifest.sequences = await _sequences(raw, tables)
        total = int(await raw.fetchval(
            "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
            "WHERE c.relname = any($1::text[]) AND c.relnamespace = current_schema()::regnamespace",
            tables))
        done = 0
        for table in tables:
            columns = await _columns(raw, table)
            path = workdir / f"{table}.copy"
            status = await raw.copy_from_table(table, columns=columns, output=str(path),
                                               format="binary")
            manifest.tables[table] = int(status.split()[-1])
            manifest.columns[table] = columns
            writer.add_file(f"{MEMBER_FOLDER}/{table}.copy", path)
            done += path.stat().st_size
            path.unlink()
            progress.step("database", min(done, total), total, "bytes")
        progress.step("database", total, total, "bytes", final=True)
        return await _storage_keys(raw, tables)


async def rows_in() -> int:
    """How many rows the open database holds, the migrations table aside."""
    async with in_transaction() as connection:
        raw = _raw(connection)
        count = 0
        for table in await _tables(raw):
            if table != MIGRATIONS_TABLE:
                count += int(await raw.fetchval(f"SELECT count(*) FROM {_quoted(table)}"))  # noqa: S608
        return count


async def _migrate(connection: BaseDBAsyncClient, database_url: str,
                   targets: list[MigrationTarget] | None,
                   report: Callable[[str], None]) -> None:
    apps = cast(dict[str, dict[str, Any]], tortoise_config(database_url)["apps"])
    executor = MigrationExecutor(connection, apps)
    # The executor reads its table before creating it; in a transaction, that failed read
    # would abort everything after it. So the table is there first.
    await executor.recorder.ensure_schema(AsyncpgSchemaEditor(connection, atomic=False))

    def applied(event: str, app_label: str, name: str) -> None:
        if event == "apply_done":
            report(f"  applied {app_label}.{name}")

    await executor.migrate(targets, progress=applied)


async def _foreign_keys(raw: asyncpg.Connection) -> list[tuple[str, str, str]]:
    rows = await raw.fetch(
        "SELECT c.conrelid::regclass::text AS tbl, c.conname, pg_get_constraintdef(c.oid) AS def "
        "FROM pg_constraint c WHERE c.contype = 'f' "
        "AND c.connamespace = current_schema()::regnamespace ORDER BY 1, 2")
    return [(row["tbl"], row["conname"], row["def"]) for row in rows]


async def restore(database_url: str, manifest: Manifest, extracted: Path, progress: Progress,
                  *, older: bool, imported: list[ExportedKey]) -> KeysPut:
    """Replace every table's rows by the archive's, in one transaction (see the module), but
    the data keys: the target's are read first and written back, with the `imported` ones
    of patients that have none."""
    async with in_transaction() as connection:
        raw = _raw(connection)
        tables = await _tables(raw)
        kept = await live_keys(connection) if KEYS_TABLE in tables else []
        if await _applied(raw, tables) != manifest.migrations:
            # Not the archive's schema (an empty database, or an older archive): rebuild it.
            for table in tables:
                await raw.execute(f"DROP TABLE IF EXISTS {_quoted(table)} CASCADE")
            progress.say("schema: building the archive's schema")
            await _migrate(connection, database_url,
                           [MigrationTarget(app, name)
                            for app, name in latest_targets(manifest.migrations)],
                           progress.say)
            tables = await _tables(raw)
        absent = sorted(set(manifest.tables) - set(tables))
        if absent:
            raise RuntimeError(f"the database has no table {absent[0]} the archive holds")
        foreign_keys = await _foreign_keys(raw)
        for table, name, _ in foreign_keys:
            await raw.execute(f"ALTER TABLE {table} DROP CONSTRAINT {_quoted(name)}")
        await raw.execute("TRUNCATE " + ", ".join(_quoted(t) for t in tables))
        total = sum(manifest.tables.values())
        done = 0
        for table, rows in sorted(manifest.tables.items()):
            await raw.copy_to_table(table, source=str(extracted / MEMBER_FOLDER / f"{table}.copy"),
                                    columns=manifest.columns[table], format="binary")
            done += rows
            progress.step("database", done, total, "rows")
        progress.step("database", done, total, "rows", final=True)
        for table, name, definition in foreign_keys:
            await raw.execute(f"ALTER TABLE {table} ADD CONSTRAINT {_quoted(name)} {definition}")
        for sequence, last_value, is_called in manifest.sequences.values():
            await raw.execute("SELECT setval($1::regclass, $2, $3)", sequence, last_value,
                              is_called)
        if older:
            progress.say("schema: migrating the restored data to this version's schema")
            await _migrate(connection, database_url, None, progress.say)
        return await put_keys(connection, kept, imported)
