"""`carnet fhir export --ins INS --output FILE`: an operator exports one record.

The file is written beside its place and renamed once whole, so a failure leaves nothing
half-written; progress goes to stderr (rows gone through out of the total, entries
written). The export is written to the patient's access history with the basis
``operator``: the patient sees that their record left Carnet this way.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from api.identity.ins import InsError, parse_ins
from api.identity.models import Patient
from api.records.documents.storage import storage_for
from api.settings import Settings

from .export import count_rows, export_bundle, operator_reader, record_operator_export

RunWithDatabase = Callable[[Settings, Callable[[], Awaitable[int]]], int]
PROGRESS_EVERY = 1000  # rows between two progress lines


class _Progress:
    def __init__(self, total: int, show: bool) -> None:
        self.total, self.show, self.next_line, self.written = total, show, 0, 0

    def __call__(self, done: int, written: int) -> None:
        self.written = written
        if self.show and (done >= self.next_line or done == self.total):
            print(f"... {done}/{self.total} rows, {written} entries written", file=sys.stderr,
                  flush=True)
            self.next_line = done + PROGRESS_EVERY


async def run_export(settings: Settings, ins: str, output: Path, *, show_progress: bool) -> int:
    """The export itself, once the database is open; returns the exit status."""
    try:
        parsed = parse_ins(ins)
    except InsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    patient = await Patient.filter(ins_nir=parsed.nir).first()
    if patient is None:
        print(f"error: no record has the INS {parsed}", file=sys.stderr)
        return 1
    if not output.parent.is_dir():
        print(f"error: no such directory: {output.parent}", file=sys.stderr)
        return 2
    reader = operator_reader(patient)
    progress = _Progress(await count_rows(patient), show_progress)
    started = time.monotonic()
    partial = output.with_name(f".{output.name}.partial")
    size = 0
    try:
        with open(partial, "wb") as file:  # noqa: ASYNC230 - a command, nobody else waits
            async for piece in export_bundle(patient, reader, storage_for(settings),
                                             progress=progress):
                size += file.write(piece.encode())
        await record_operator_export(patient, reader)
        os.replace(partial, output)
    finally:
        partial.unlink(missing_ok=True)
    print(f"Wrote {progress.written} entries ({size / 1_000_000:.1f} MB) in "
          f"{time.monotonic() - started:.1f} s to {output}")
    return 0


def add_export_command(fhir_sub: Any, run_with_database: RunWithDatabase) -> None:
    """Add `export` to the `fhir` sub-commands; ``run_with_database(settings, work)``."""
    export = fhir_sub.add_parser("export", help="write one patient's whole record as a FHIR "
                                 "R4B bundle (JSON)")
    export.add_argument("--ins", required=True, help="the patient's INS (15 characters)")
    export.add_argument("--output", required=True, type=Path, help="the file to write")
    export.add_argument("--progress", action="store_true",
                        help="report progress even when stderr is not a terminal")

    def run(args: argparse.Namespace, settings: Settings) -> int:
        show = bool(args.progress or sys.stderr.isatty())
        return run_with_database(settings, lambda: run_export(settings, args.ins, args.output,
                                                              show_progress=show))

    export.set_defaults(run=run)
