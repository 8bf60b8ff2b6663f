"""`carnet directory import FILE.csv`: load an RPPS-style extract into the directory."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from api.consent.directory_columns import COLUMNS, REQUIRED
from api.consent.directory_import import (
    BATCH_SIZE,
    PROGRESS_EVERY,
    ImportSummary,
    UnreadableFile,
    import_directory,
)

IMPORT_HELP = f"""\
Load a CSV extract of the professionals' directory (RPPS-style) into Carnet.

The first row names the columns: {", ".join(COLUMNS)}
({", ".join(REQUIRED)} are required; the public RPPS extract's French headers, such as
"Identifiant PP" or "Libellé profession", are understood too). Fields are separated by
";" or ","; the file is UTF-8, with or without a byte-order mark. Professions are
Carnet's names (physician, nurse, ...), the extract's labels (Médecin, Infirmier, ...)
or its codes (10, 60, ...).

A professional is known by RPPS number: importing again updates, never duplicates;
an optional column the file lacks leaves what Carnet knew of it unchanged.
Rows are written in batches of {BATCH_SIZE}, each in one transaction: if the command is
stopped, the batches written are complete and the one under way is not written at all.
Each refused row is reported on stderr as "line N: reason" and the import goes on.

Exit status: 0 every row loaded, 1 some rows refused, 2 the file cannot be read."""

RunWithDatabase = Callable[[Any, Callable[[], Awaitable[int]]], int]


def _summary_line(summary: ImportSummary, seconds: float) -> str:
    return (f"{summary.rows} rows in {seconds:.1f} s: {summary.created} created, "
            f"{summary.updated} updated, {summary.unchanged} unchanged, "
            f"{summary.refused} refused.")


def _progress(read: int, summary: ImportSummary) -> None:
    print(f"... {read} rows read ({summary.refused} refused so far)", file=sys.stderr,
          flush=True)


async def run_import(path: Path, *, show_progress: bool) -> int:
    """The import itself, once the database is open; returns the exit status."""
    started = time.monotonic()
    try:
        with path.open(encoding="utf-8-sig", newline="") as stream:
            summary = await import_directory(
                stream, lambda problem: print(problem, file=sys.stderr),
                _progress if show_progress else None)
    except (OSError, UnreadableFile) as error:
        print(f"error: cannot read {path}: {error}", file=sys.stderr)
        return 2
    print(_summary_line(summary, time.monotonic() - started))
    return 1 if summary.refused else 0


def add_directory_commands(sub: Any, run_with_database: RunWithDatabase) -> None:
    """Add `directory import FILE`; ``run_with_database(settings, work)`` runs a coroutine."""
    directory = sub.add_parser("directory", help="the professionals' directory")
    directory_sub = directory.add_subparsers(dest="directory_command", required=True)
    load = directory_sub.add_parser(
        "import", help="load a CSV extract (RPPS-style); see `carnet directory import -h`",
        description=IMPORT_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    load.add_argument("file", type=Path, help="the CSV file")
    load.add_argument("--progress", action="store_true",
                      help=f"report progress every {PROGRESS_EVERY} rows even when stderr "
                      "is not a terminal")

    def run(args: argparse.Namespace, settings: Any) -> int:
        show = bool(args.progress or sys.stderr.isatty())
        return run_with_database(settings, lambda: run_import(args.file, show_progress=show))

    load.set_defaults(run=run)
