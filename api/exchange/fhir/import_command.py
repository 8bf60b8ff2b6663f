"""`carnet fhir import --ins INS FILE`: a FHIR Bundle into a patient's record, from a shell.

The import runs as an account that may import into the record (the patient by default, or
`--as` the e-mail of a parent): the same policy, the same service and the same report as the
upload on the record's pages. Progress goes to stderr for large files; exit 0 with the
report, 2 when the file is refused (with the location of its first error) or the patient or
account cannot be found.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TextIO

from api.exchange.fhir.importing import ImportReport, import_bundle, may_import, reason_words
from api.exchange.fhir.reading import MAX_BUNDLE_BYTES, REFUSALS, BundleRefused
from api.graphql.context import Context
from api.graphql.errors import ConsentRequired, NotFound
from api.graphql.viewer import Viewer
from api.identity.ins import InsError, parse_ins
from api.identity.models import Account, Patient
from api.records.documents.storage import storage_for
from api.settings import Settings
from api.texts import text

Runner = Callable[[Settings, Callable[[], Awaitable[int]]], int]
# Files with more resources than this show their progress.
PROGRESS_FROM = 50
LANGUAGE = "en"


class ProgressLine:
    """`read 120/400` then `written 80/300` on stderr, for files large enough to wait for."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.last: tuple[str, int] = ("", -1)

    def __call__(self, stage: str, done: int, total: int) -> None:
        if total < PROGRESS_FROM:
            return
        step = max(1, total // 20)
        if done == total or done % step == 0:
            self.stream.write(f"{stage} {done}/{total} resources\n")
            self.stream.flush()


def print_report(report: ImportReport, out: TextIO, language: str = LANGUAGE) -> None:
    out.write(f"Added {report.total_added} entries.\n")
    for section, count in sorted(report.added.items(), key=lambda item: item[0].value):
        out.write(f"  {section.value}: {count}\n")
    if report.left_out:
        out.write(f"Skipped {len(report.left_out)}:\n")
        for item in report.left_out:
            out.write(f"  {item.location} {item.label}: {reason_words(item.reason, language)}\n")
    if report.not_imported:
        out.write(f"Not imported {len(report.not_imported)}:\n")
        for item in report.not_imported:
            out.write(f"  {item.location} {item.label}: {reason_words(item.reason, language)}\n")


def cmd_fhir_import(args: argparse.Namespace, settings: Settings, run: Runner) -> int:
    path = Path(args.file)
    try:
        ins = parse_ins(args.ins)
    except InsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    try:
        if path.stat().st_size > MAX_BUNDLE_BYTES:
            too_large = text(LANGUAGE, REFUSALS["too_large"], limit=MAX_BUNDLE_BYTES // 2**20)
            print(f"error: file: {too_large}", file=sys.stderr)
            return 2
        data = path.read_bytes()
    except OSError as error:
        print(f"error: {error.strerror}: {path}", file=sys.stderr)
        return 2

    async def work() -> int:
        patient = await Patient.filter(ins_nir=ins.nir).first()
        if patient is None:
            print("error: no patient with this INS", file=sys.stderr)
            return 2
        account = await _account(args.as_email, patient)
        if account is None:
            print("error: no account to import as: give --as the e-mail of the patient or "
                  "of a parent", file=sys.stderr)
            return 2
        context = Context(settings=settings, viewer=Viewer(account=account, session=None),
                          language=LANGUAGE)
        if not await may_import(context, patient):
            print("error: this account may not import into this record", file=sys.stderr)
            return 2
        try:
            report = await import_bundle(context, patient, data, storage_for(settings),
                                         ProgressLine(sys.stderr))
        except BundleRefused as refused:
            message = text(LANGUAGE, refused.message_id, **refused.params)
            print(f"error: {refused.location}: {message}", file=sys.stderr)
            return 2
        except (NotFound, ConsentRequired) as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        print_report(report, sys.stdout)
        return 0

    return run(settings, work)


async def _account(email: str | None, patient: Patient) -> Account | None:
    if email:
        return await Account.filter(email=email.strip().lower()).first()
    if patient.account_id is None:
        return None
    return await Account.filter(id=patient.account_id).first()


def add_fhir_import_command(fhir_commands: Any, run: Runner) -> None:
    """`import` under the `fhir` command group."""
    command = fhir_commands.add_parser(
        "import", help="add what a FHIR Bundle (transaction, collection or document) holds to "
        "a patient's record; exit 2 if the file is refused")
    command.add_argument("--ins", required=True, help="the patient's INS (15 characters)")
    command.add_argument("--as", dest="as_email", default=None, metavar="EMAIL",
                         help="the account importing (default: the patient's own)")
    command.add_argument("file", help="a FHIR R4B Bundle in JSON")
    command.set_defaults(run=lambda args, settings: cmd_fhir_import(args, settings, run))
