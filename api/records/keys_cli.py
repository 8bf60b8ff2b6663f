"""`carnet keys status|generate|rotate|export|seal-existing`: the master key and the patients' data
keys (api/identity/patient_keys.py), and sealing what was written before encryption existed
(run by `carnet migrate` too)."""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tortoise.transactions import in_transaction

from api.consent.models import EmergencyAccess, Notification
from api.identity import patient_keys
from api.identity.key_export import export_keys
from api.identity.sealed import SealedModel, seal_existing
from api.records.directives.models import Directives
from api.records.documents.models import Document
from api.records.documents.sealed_files import put_sealed
from api.records.documents.storage import Storage, storage_for
from api.records.entries.models import Allergy, HistoryEntry, Treatment, Vaccination
from api.records.measurements.models import Measurement
from api.settings import Settings, SettingsError, decode_master_key, encode_master_key

Runner = Callable[[Settings, Callable[[], Awaitable[int]]], int]
# A kind of row whose bytes are in the documents storage, sealed with its text: (the word for
# one row in reports, its model, which has `patient_id` and `storage_key`).
FileHolder = tuple[str, type[SealedModel]]


@dataclass(frozen=True)
class Sealed:
    """What is sealed at rest: tables whose free text is sealed, and kinds of rows whose
    stored bytes are sealed too (sealed by `seal_stored_files`, not with the other rows)."""

    rows: tuple[type[SealedModel], ...]
    files: tuple[FileHolder, ...]


# The record's, the reasons given for emergency accesses and what notifications quote. The
# command line adds the other domains' (secure messaging: api/cli.py), which the record's
# sections do not know.
RECORD_SEALED = Sealed(
    rows=(HistoryEntry, Allergy, Treatment, Vaccination, Measurement, Directives,
          EmergencyAccess, Notification),
    files=(("document", Document),))


def _progress(table: str, done: int) -> None:
    print(f"  sealed {done} rows of {table}", file=sys.stderr, flush=True)


async def seal_stored_files(storage: Storage, holder: FileHolder,
                            progress: Callable[[str, int], None] | None = None) -> int:
    """Seal the rows of `holder` (documents, message attachments) stored before encryption:
    their bytes under a new storage key, their text; the clear file is deleted once the row
    points to the sealed one. One row at a time; a failure leaves that row as it was."""
    word, model = holder
    done = 0
    while True:
        row: Any = await model.filter(seal_id__isnull=True).order_by("id").first()
        if row is None:
            return done
        old_key = row.storage_key
        new_key = await put_sealed(storage, row.patient_id, storage.open(old_key))
        try:
            async with in_transaction() as connection:
                row.storage_key = new_key
                await row.save(update_fields=["storage_key"], using_db=connection)
        except BaseException:
            await asyncio.shield(storage.delete(new_key))
            raise
        await storage.delete(old_key)
        done += 1
        if progress:
            progress(word, done)


async def seal_everything(settings: Settings, sealed: Sealed, *, quiet: bool = False
                          ) -> dict[str, int]:
    """Seal every row (and stored file) written before encryption; how many of each."""
    progress = None if quiet else _progress
    done = await seal_existing(sealed.rows, progress=progress)
    for holder in sealed.files:
        done[holder[0]] = await seal_stored_files(storage_for(settings), holder, progress)
    return done


def _new_master_key(args: argparse.Namespace) -> bytes:
    if args.new_key_file:
        try:
            text = Path(args.new_key_file).read_text(encoding="ascii")
        except (OSError, UnicodeDecodeError) as error:
            raise SettingsError(f"--new-key-file cannot be read: {error}") from None
        return decode_master_key(text, "--new-key-file")
    text = os.environ.get(args.new_key_env, "")
    if not text:
        raise SettingsError(f"{args.new_key_env} is not set")
    return decode_master_key(text, args.new_key_env)


def add_keys_commands(sub: argparse._SubParsersAction, run: Runner, sealed: Sealed) -> None:
    """Add `keys ...`; ``sealed``: everything sealed at rest, for `keys seal-existing`."""
    keys = sub.add_parser("keys", help="the master key and the patients' data keys")
    keys_sub = keys.add_subparsers(dest="keys_command", required=True)

    def status(args: argparse.Namespace, settings: Settings) -> int:
        async def work() -> int:
            live, destroyed, by_master = await patient_keys.key_count()
            current = patient_keys.master().id
            print(f"Master key {current}"
                  f"{'' if settings.master_key else ' (development: derived from SECRET_KEY)'}.")
            print(f"{live} patient keys, {destroyed} destroyed.")
            others = {name: count for name, count in by_master.items() if name != current}
            for name, count in sorted(others.items()):
                print(f"{count} keys wrapped under another master key, {name}: they do not "
                      "open with this one.")
            return 1 if others else 0
        return run(settings, work)

    keys_sub.add_parser(
        "status", help="how many patient keys, and the master key's fingerprint (exit 1 if "
        "some keys are wrapped under another master key)").set_defaults(run=status)

    def generate(args: argparse.Namespace, settings: Settings) -> int:
        print(encode_master_key(secrets.token_bytes(32)))
        print("A new master key (base64url): keep it in a file readable by the server only "
              "(CARNET_MASTER_KEY_FILE), and a copy apart from the database's backups.",
              file=sys.stderr)
        return 0

    keys_sub.add_parser("generate", help="print a new random master key").set_defaults(
        run=generate)

    def rotate(args: argparse.Namespace, settings: Settings) -> int:
        try:
            new_key = _new_master_key(args)
        except SettingsError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2

        def progress(done: int, total: int) -> None:
            if done == total or done % 1000 == 0:
                print(f"  re-wrapped {done}/{total} patient keys", file=sys.stderr, flush=True)

        async def work() -> int:
            try:
                summary = await patient_keys.rotate(new_key, progress)
            except patient_keys.MasterKeyMismatch as error:
                print(f"error: {error}; nothing changed", file=sys.stderr)
                return 1
            print(f"Re-wrapped {summary.rewrapped} patient keys under master key "
                  f"{patient_keys.fingerprint(new_key)} ({summary.destroyed} destroyed keys "
                  "left destroyed). The data was not touched. From now on start Carnet with "
                  "the new master key: the old one no longer opens anything.")
            return 0
        return run(settings, work)

    rot = keys_sub.add_parser(
        "rotate", help="re-wrap every patient key under a new master key, in one transaction "
        "(the data is not re-encrypted); run with the current master key configured")
    given = rot.add_mutually_exclusive_group(required=True)
    given.add_argument("--new-key-file", metavar="FILE", help="a file holding the new key")
    given.add_argument("--new-key-env", metavar="VARIABLE",
                       help="an environment variable holding the new key")
    rot.set_defaults(run=rotate)

    def export(args: argparse.Namespace, settings: Settings) -> int:
        async def work() -> int:
            try:
                count = await export_keys(Path(args.file))
            except OSError as error:
                print(f"error: no keys file written: {error}", file=sys.stderr)
                return 1
            print(f"Exported {count} patient keys (wrapped under master key "
                  f"{patient_keys.master().id}) to {args.file}. Keep it apart from the backups "
                  "and from the master key, and export again after each account deletion: "
                  "this file still holds the keys of records deleted after it was written.")
            return 0
        return run(settings, work)

    exp = keys_sub.add_parser(
        "export", help="write the patients' data keys (still wrapped under the master key) "
        "to a file kept apart from the backups; `carnet restore --keys` reads it")
    exp.add_argument("file", help="the keys file to write (replaced once complete)")
    exp.set_defaults(run=export)

    def seal_existing_command(args: argparse.Namespace, settings: Settings) -> int:
        async def work() -> int:
            done = await seal_everything(settings, sealed)
            print(f"Sealed {sum(done.values())} rows written before encryption.")
            return 0
        return run(settings, work)

    keys_sub.add_parser(
        "seal-existing", help="seal the free text, messages, document and attachment files "
        "written before encryption at rest (carnet migrate does it too)").set_defaults(
        run=seal_existing_command)
