"""The command-line parsers of `carnet backup FILE` and `carnet restore FILE`."""

from __future__ import annotations

import argparse
import asyncio
import sqlite3
import sys
from pathlib import Path
from typing import Any

import asyncpg

from api.backup.archive import ArchiveError
from api.backup.keys import KeysRefused
from api.backup.progress import Progress
from api.backup.run import RestoreRefused, backup, restore
from api.identity.key_export import KeysFileError
from api.settings import Settings

BACKUP_HELP = """\
Write the database and the document files into one archive FILE (a tar file; gzip-compressed
when FILE ends in .gz or .tgz), consistent while the server runs. The archive holds neither
SECRET_KEY, nor any master key, nor the patients' data keys (so deleting an account reaches
this backup too): keep the master key and a keys export (`carnet keys export`) apart from
the backups, and from each other.

Exit status: 0 written (notes on stderr name any document file that could not be taken),
1 not written."""

RESTORE_HELP = """\
Replace the database and the document files with an archive written by `carnet backup`, then
check the access history as `carnet audit verify` does. Run it with the server stopped and
the SECRET_KEY the backup's server used. The archive is checked whole (every member against
its SHA-256) before anything is changed; an archive from an older version is migrated.
The archive holds no data keys: the target database's own keys are kept, and --keys FILE (a
`carnet keys export`) brings the keys of patients that have none (a new machine). Records
with no key (deleted since the backup, or keys not given) are restored unreadable, and
counted in the output.

Exit status: 0 restored and the history verifies, 1 restored but the history does not verify
(or the restore failed, leaving the database as it was), 2 refused, nothing changed."""


def _progress(args: argparse.Namespace) -> Progress:
    return Progress(bool(args.progress or sys.stderr.isatty()))


def run_backup(args: argparse.Namespace, settings: Settings) -> int:
    path = Path(args.file)
    try:
        summary = asyncio.run(backup(settings, path, _progress(args)))
    except (OSError, sqlite3.Error, asyncpg.PostgresError) as error:
        print(f"error: no backup written: {error}", file=sys.stderr)
        return 1
    for note in summary.manifest.notes:
        print(f"note: {note}", file=sys.stderr)
    print(summary.line(path))
    return 0


def run_restore(args: argparse.Namespace, settings: Settings) -> int:
    try:
        summary = asyncio.run(restore(settings, Path(args.file), _progress(args),
                                      force=args.force,
                                      keys_file=Path(args.keys) if args.keys else None))
    except (ArchiveError, RestoreRefused, KeysFileError, KeysRefused) as error:
        print(f"error: not restored: {error}", file=sys.stderr)
        return 2
    except (OSError, sqlite3.Error, asyncpg.PostgresError, RuntimeError) as error:
        print(f"error: the restore failed and was undone: {error}", file=sys.stderr)
        return 1
    report = summary.report
    history, *breaks = report.lines()
    print(f"Restored {args.file}. Access history: {history}")
    for line in summary.key_lines():
        print(line)
    for line in breaks:
        print(f"BROKEN {line}", file=sys.stderr)
    return 0 if report.ok else 1


def add_backup_commands(sub: Any) -> None:
    """`backup FILE` and `restore FILE [--force]`."""
    parser = sub.add_parser("backup", help="write the database and the documents into one "
                            "archive", description=BACKUP_HELP,
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", help="the archive to write (.tar, or .tar.gz to compress)")
    parser.add_argument("--progress", action="store_true",
                        help="report progress on stderr even when it is not a terminal")
    parser.set_defaults(run=run_backup)
    parser = sub.add_parser("restore", help="replace the database and the documents with an "
                            "archive's", description=RESTORE_HELP,
                            formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("file", help="an archive written by `carnet backup`")
    parser.add_argument("--force", action="store_true",
                        help="replace a database (and document files) that is not empty")
    parser.add_argument("--keys", metavar="KEYSFILE",
                        help="a `carnet keys export` file: the data keys of restored patients "
                        "that have none in the target")
    parser.add_argument("--progress", action="store_true",
                        help="report progress on stderr even when it is not a terminal")
    parser.set_defaults(run=run_restore)
