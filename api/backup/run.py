"""The work of `carnet backup FILE` and `carnet restore FILE` (see docs/security.md)."""

from __future__ import annotations

import shutil
import time
import uuid
from dataclasses import dataclass, replace
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from tortoise import connections
from tortoise.transactions import in_transaction

from api import clock
from api.audit.verify import verify_chains
from api.audit.verify_report import VerifyReport
from api.backup import postgres, sqlite
from api.backup.archive import ArchiveWriter, Manifest, extract_checked, read_manifest
from api.backup.documents import (
    add_documents,
    documents_root,
    has_documents,
    link_documents,
    swap_in_documents,
)
from api.backup.keys import TABLE as KEYS_TABLE
from api.backup.keys import (
    KeysPut,
    keys_to_import,
    live_keys,
    put_keys,
    records_without_key,
)
from api.backup.migrations import compare
from api.backup.progress import Progress, size_text
from api.db import apply_migrations, close_database, open_database
from api.identity.key_export import ExportedKey
from api.settings import Settings


class RestoreRefused(Exception):
    """The restore would be wrong or unsafe; nothing was changed."""


def _carnet_version() -> str:
    try:
        return version("carnet")
    except PackageNotFoundError:
        return "unknown"


def _kind(settings: Settings) -> str:
    return "sqlite" if settings.is_sqlite else "postgresql"


@dataclass(frozen=True)
class BackupSummary:
    manifest: Manifest
    size: int
    seconds: float

    def line(self, path: Path) -> str:
        rows = sum(self.manifest.tables.values())
        return (f"Backup written to {path}: {size_text(self.size)}, {rows} rows in "
                f"{len(self.manifest.tables)} tables, {self.manifest.documents} document "
                f"files, in {self.seconds:.1f} s.")


async def backup(settings: Settings, path: Path, progress: Progress) -> BackupSummary:
    """Write the archive at `path` (replaced only once complete)."""
    started = time.monotonic()
    manifest = Manifest(carnet_version=_carnet_version(), database=_kind(settings),
                        created_at=clock.now().isoformat(), migrations={}, tables={},
                        keys="kept apart")
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = ArchiveWriter(path)
    try:
        work = path.parent / f".{path.name}.work-{uuid.uuid4().hex[:8]}"
        work.mkdir()
        # Beside the documents, on their file system, for hard links (SQLite).
        staging = settings.var_dir / f".backup-{uuid.uuid4().hex[:8]}"
        try:
            if settings.is_sqlite:
                copy = work / "carnet.sqlite3"
                snapshot = sqlite.Snapshot(sqlite.sqlite_path(settings.database_url))
                try:
                    link_documents(settings.var_dir, snapshot.storage_keys(), staging)
                    snapshot.let_writes_go()
                    snapshot.copy_pages(copy, progress)
                finally:
                    snapshot.close()
                manifest.keys_left_out = sqlite.leave_keys_out(copy, KEYS_TABLE)
                keys = sqlite.describe(copy, manifest)
                files = staging
                size = copy.stat().st_size
                done = 0

                def copied(count: int) -> None:
                    nonlocal done
                    done += count
                    progress.step("archive", done, size, "bytes")

                writer.add_file(sqlite.MEMBER, copy, copied)
                progress.step("archive", done, size, "bytes", final=True)
            else:
                await open_database(settings)
                try:
                    keys = await postgres.backup(writer, manifest, work, progress)
                finally:
                    await close_database()
                files = documents_root(settings.var_dir)
            manifest.documents, manifest.notes = add_documents(writer, files, keys, progress)
        finally:
            shutil.rmtree(work, ignore_errors=True)
            shutil.rmtree(staging, ignore_errors=True)
        writer.finish(manifest)
    except BaseException:
        writer.abort()
        raise
    return BackupSummary(manifest, path.stat().st_size, time.monotonic() - started)  # noqa: ASYNC240


async def _rows_in_target(settings: Settings) -> int:
    if settings.is_sqlite:
        return sqlite.rows_in(sqlite.sqlite_path(settings.database_url))
    await open_database(settings)
    try:
        return await postgres.rows_in()
    finally:
        await close_database()


async def check_restorable(settings: Settings, path: Path, force: bool) -> Manifest:
    """The archive's manifest, once the restore is known to be possible; RestoreRefused (or
    ArchiveError) otherwise."""
    manifest = read_manifest(path)
    if manifest.database != _kind(settings):
        raise RestoreRefused(f"the archive holds a {manifest.database} database, and "
                             f"DATABASE_URL names a {_kind(settings)} one")
    schema = compare(manifest.migrations)
    if schema.newer:
        raise RestoreRefused(
            f"the archive comes from a newer version of Carnet ({manifest.carnet_version}): "
            f"its schema has {len(schema.unknown)} migrations this version does not know "
            f"(first: {schema.unknown[0]}). Restore it with that version or a later one.")
    rows = await _rows_in_target(settings)
    files = has_documents(settings.var_dir)
    if (rows or files) and not force:
        held = [f"{rows} rows"] if rows else []
        held += [f"document files under {settings.var_dir / 'documents'}"] if files else []
        raise RestoreRefused(f"the target is not empty ({' and '.join(held)}): nothing was "
                             "changed. Pass --force to replace it with the archive's content.")
    return manifest


@dataclass(frozen=True)
class RestoreSummary:
    report: VerifyReport  # the access history's check
    keys: KeysPut  # the target's own keys kept, and those imported from a keys export
    without_key: int  # records whose sealed data no key opens

    def key_lines(self) -> list[str]:
        lines = [f"Data keys: {self.keys.kept} kept from this database, {self.keys.imported} "
                 "imported from the keys file."]
        if self.without_key:
            lines.append(
                f"{self.without_key} records have no data key: their sealed data (free text, "
                "documents) cannot be read. Expected for records deleted since the backup; "
                "otherwise restore again with --force and --keys with a current keys export.")
        return lines


async def restore(settings: Settings, path: Path, progress: Progress, *, force: bool,
                  keys_file: Path | None = None) -> RestoreSummary:
    """Restore the archive in place of the database and the document files, keeping the
    target's data keys (and importing those of `keys_file` for patients that have none),
    then check the access history as `carnet audit verify` does."""
    manifest = await check_restorable(settings, path, force)
    imported = keys_to_import(keys_file, settings.data_master_key)
    older = compare(manifest.migrations).older
    total = sum(member["size"] for member in manifest.members.values())
    done = 0

    def extracted(count: int) -> None:
        nonlocal done
        done += count
        progress.step("checking and extracting", done, total, "bytes")

    settings.var_dir.mkdir(parents=True, exist_ok=True)
    work = settings.var_dir / f".restore-{uuid.uuid4().hex[:8]}"
    work.mkdir()
    try:
        extract_checked(path, manifest, work, extracted)
        progress.step("checking and extracting", done, total, "bytes", final=True)
        if settings.is_sqlite:
            put = await _restore_sqlite(settings, work, older, progress, imported)
        else:
            await open_database(settings)
            try:
                put = await postgres.restore(settings.database_url, manifest, work, progress,
                                             older=older, imported=imported)
            finally:
                await close_database()
        swap_in_documents(work / "documents", settings.var_dir)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    await open_database(settings)
    try:
        without_key = await records_without_key(connections.get("default"))
        return RestoreSummary(await verify_chains(settings), put, without_key)
    finally:
        await close_database()


async def _restore_sqlite(settings: Settings, work: Path, older: bool, progress: Progress,
                          imported: list[ExportedKey]) -> KeysPut:
    live = sqlite.sqlite_path(settings.database_url)
    kept = []
    if sqlite.has_table(live, KEYS_TABLE):  # the live keys, read before the swap
        await open_database(settings)
        try:
            kept = await live_keys(connections.get("default"))
        finally:
            await close_database()
    staged = sqlite.staged_beside(work / sqlite.MEMBER, live)
    try:
        sqlite.check_integrity(staged)
        staged_settings = replace(settings, database_url=f"sqlite://{staged}")
        if older:
            progress.say("schema: migrating the restored data to this version's schema")
            await apply_migrations(staged_settings, quiet=not progress.enabled)
        # The keys go into the restored file before it takes the live one's place.
        await open_database(staged_settings)
        try:
            async with in_transaction() as connection:
                put = await put_keys(connection, kept, imported)
        finally:
            await close_database()
        sqlite.swap_in(staged, live)
    finally:
        staged.unlink(missing_ok=True)
    return put
