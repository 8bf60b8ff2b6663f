"""SQLite: a consistent copy of the live file with SQLite's online backup API, and its restore
by putting a checked, migrated copy in place of the file.

The copy holds one read transaction on the live file for its whole length: in WAL mode (the
app's) writers go on meanwhile, and every page copied, in steps of PAGES, comes from the
same instant, so the copy never starts over however busy the server is. Writes wait only
while the document files the snapshot names are linked aside (see `Snapshot`).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import uuid
from pathlib import Path

from tortoise.backends.base.config_generator import expand_db_url

from api.backup.archive import Manifest
from api.backup.documents import STORED_FILES, StorageKeys
from api.backup.migrations import MIGRATIONS_TABLE, applied_from_rows
from api.backup.progress import Progress

MEMBER = "database/carnet.sqlite3"
PAGES = 256  # per step of the copy (1 MiB of 4 KiB pages)


def sqlite_path(database_url: str) -> Path:
    return Path(expand_db_url(database_url)["credentials"]["file_path"])


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _tables(connection: sqlite3.Connection) -> list[str]:
    rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name "
                              "NOT LIKE 'sqlite_%' ORDER BY name").fetchall()
    return [row[0] for row in rows]


class Snapshot:
    """One instant of the live database: a read transaction held until `close`.

    While `writes_held` is true, a second connection also holds the write lock, so no
    write commits: the files the snapshot's rows name cannot be deleted meanwhile (a
    document's row goes before its file), and the caller takes them then; `let_writes_go`
    releases the lock and the pages are copied from the same instant while writers go on.
    """

    def __init__(self, live: Path) -> None:
        if not live.is_file():
            raise FileNotFoundError(f"no database at {live}")
        self._writer = sqlite3.connect(live, isolation_level=None, timeout=60)
        self._writer.execute("BEGIN IMMEDIATE")  # waits for the server's writes in progress
        self.writes_held = True
        self._source = sqlite3.connect(live, isolation_level=None)
        self._source.execute("BEGIN")
        self._source.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the instant

    def storage_keys(self) -> list[str]:
        """The keys of stored bytes the snapshot's rows name."""
        keys: list[str] = []
        for table in _tables(self._source):
            columns = {row[1] for row in self._source.execute(
                f"PRAGMA table_info({_quoted(table)})")}
            if "storage_key" in columns:
                keys += [row[0] for row in self._source.execute(
                    f"SELECT storage_key FROM {_quoted(table)}")]  # noqa: S608
        return keys

    def let_writes_go(self) -> None:
        if self.writes_held:
            self._writer.execute("ROLLBACK")
            self._writer.close()
            self.writes_held = False

    def copy_pages(self, copy: Path, progress: Progress) -> None:
        """Copy the snapshot into the new file `copy`, PAGES at a time."""
        target = sqlite3.connect(copy)
        try:
            def step(status: int, remaining: int, total: int) -> None:
                progress.step("database", total - remaining, total, "pages")

            self._source.backup(target, pages=PAGES, progress=step, sleep=0)
            pages = target.execute("PRAGMA page_count").fetchone()[0]
            progress.step("database", pages, pages, "pages", final=True)
        finally:
            target.close()

    def close(self) -> None:
        self.let_writes_go()
        self._source.execute("COMMIT")
        self._source.close()


def leave_keys_out(copy: Path, table: str) -> int:
    """Empty the data keys' table in the copy, with its freed bytes zeroed and the file
    rebuilt (VACUUM), so no wrapped key is left in any page; how many rows it held."""
    connection = sqlite3.connect(copy, isolation_level=None)
    try:
        if table not in _tables(connection):
            return 0
        connection.execute("PRAGMA secure_delete=ON")
        count = int(connection.execute(f"SELECT count(*) FROM {_quoted(table)}").fetchone()[0])  # noqa: S608
        connection.execute(f"DELETE FROM {_quoted(table)}")  # noqa: S608
        connection.execute("VACUUM")
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return count
    finally:
        connection.close()


def has_table(path: Path, table: str) -> bool:
    if not path.is_file():
        return False
    connection = sqlite3.connect(path)
    try:
        return table in _tables(connection)
    finally:
        connection.close()


def describe(copy: Path, manifest: Manifest) -> StorageKeys:
    """Fill the manifest from the copy (migrations, rows per table); the storage keys named."""
    connection = sqlite3.connect(copy)
    try:
        tables = _tables(connection)
        if MIGRATIONS_TABLE in tables:
            manifest.migrations = applied_from_rows(connection.execute(
                f"SELECT app, name FROM {MIGRATIONS_TABLE}").fetchall())  # noqa: S608
        keys = StorageKeys()
        for table in tables:
            manifest.tables[table] = connection.execute(
                f"SELECT count(*) FROM {_quoted(table)}").fetchone()[0]  # noqa: S608
            columns = {row[1] for row in connection.execute(
                f"PRAGMA table_info({_quoted(table)})")}
            if "storage_key" in columns:
                keys.named += [row[0] for row in connection.execute(
                    f"SELECT storage_key FROM {_quoted(table)}")]  # noqa: S608
        if STORED_FILES in tables:
            keys.in_database += [row[0] for row in connection.execute(
                f"SELECT key FROM {STORED_FILES}")]  # noqa: S608
        return keys
    finally:
        connection.close()


def rows_in(live: Path) -> int:
    """How many rows the database at `live` holds, the migrations table aside (0 if none)."""
    if not live.is_file():
        return 0
    connection = sqlite3.connect(live)
    try:
        return sum(connection.execute(f"SELECT count(*) FROM {_quoted(table)}").fetchone()[0]  # noqa: S608
                   for table in _tables(connection) if table != MIGRATIONS_TABLE)
    finally:
        connection.close()


def staged_beside(extracted: Path, live: Path) -> Path:
    """Move the extracted copy next to the live file (same file system, for the rename)."""
    live.parent.mkdir(parents=True, exist_ok=True)
    staged = live.parent / f".{live.name}.restoring-{uuid.uuid4().hex[:8]}"
    shutil.move(extracted, staged)
    return staged


def check_integrity(staged: Path) -> None:
    connection = sqlite3.connect(staged)
    try:
        result = connection.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        connection.close()
    if result != "ok":
        raise sqlite3.DatabaseError(f"the restored database fails its integrity check: {result}")


def swap_in(staged: Path, live: Path) -> None:
    """Put the staged copy in place of the live file (the server must be stopped)."""
    for suffix in ("-wal", "-shm"):  # the old file's journal must not be applied to the new
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{live}{suffix}")
    os.replace(staged, live)
