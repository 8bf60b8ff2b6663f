"""`carnet documents move-storage --to database|local`: copy the bytes already stored into
the other storage, when a deployment switches (CARNET_DOCUMENT_STORAGE).

Every kind of row that keeps bytes in the documents storage (documents, message
attachments: any model with `storage_key`, `size_bytes` and `sha256`) is a *holder*; the
command line names them (the documents domain does not know the others). Each one's bytes
are copied under the same key, checked against the size and SHA-256 recorded when it was
uploaded, and written atomically: a copy that does not match, or a
command stopped midway, leaves nothing in the target for that document. Keys already in
the target are skipped, so the command can be run again (after an interruption, or once
more after the switch, for the documents uploaded in between). The source is left as it
is: remove it once the deployment runs on the target.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from tortoise.models import Model

from api.identity.patient_keys import RecordUnreadable
from api.identity.sealed import SealedModel
from api.records.documents.models import Document
from api.records.documents.sealed_files import open_sealed
from api.records.documents.storage import Storage, storage_named
from api.settings import DOCUMENT_STORAGES, Settings

BATCH_SIZE = 200
PROGRESS_EVERY = 100

MOVE_HELP = """\
Copy the bytes of every document and message attachment from the other storage into the
one named by --to (`database`: rows of the database; `local`: files under
CARNET_VAR_DIR/documents).

Run it before switching CARNET_DOCUMENT_STORAGE, then once more after the switch, for the
documents uploaded in between: keys already in the target are skipped, so the command
resumes where an interrupted run stopped. Each copy is checked against the size and
SHA-256 recorded at upload and written atomically. The source is not changed.

Exit status: 0 every document is in the target, 1 some are missing from the source or do
not match what was recorded (listed on stderr, "document N: reason")."""


# What keeps bytes in the storage: (the word for one row in reports, its model).
Holder = tuple[str, type[Model]]
DOCUMENTS: Holder = ("document", Document)


class DamagedCopy(Exception):
    """The bytes read from the source are not those recorded at upload."""


@dataclass
class MoveSummary:
    documents: int = 0
    copied: int = 0
    already_there: int = 0
    problems: list[str] = field(default_factory=list)

    def line(self, seconds: float) -> str:
        return (f"{self.documents} stored files in {seconds:.1f} s: {self.copied} copied, "
                f"{self.already_there} already there, {len(self.problems)} not copied.")


async def _verified(source: AsyncIterator[bytes], size: int, sha256: str
                    ) -> AsyncIterator[bytes]:
    """`source`, raising DamagedCopy at its end if it is not what was recorded."""
    digest = hashlib.sha256()
    seen = 0
    async for chunk in source:
        digest.update(chunk)
        seen += len(chunk)
        yield chunk
    if seen != size or digest.hexdigest() != sha256:
        raise DamagedCopy(f"{seen} bytes, not the {size} bytes recorded at upload")


async def _check_sealed(source: Storage, patient_id: int, key: str, size: int, sha256: str
                        ) -> None:
    """DamagedCopy unless the stored bytes open to what was recorded at upload."""
    try:
        async for _ in _verified(await open_sealed(source, patient_id, key), size, sha256):
            pass
    except RecordUnreadable:
        raise DamagedCopy("its sealed bytes do not open with the patient's key") from None


async def _copy_one(word: str, row: dict[str, Any], source: Storage, target: Storage,
                    summary: MoveSummary) -> None:
    key = row["storage_key"]
    if await target.exists(key):
        summary.already_there += 1
    elif not await source.exists(key):
        summary.problems.append(f"{word} {row['id']}: its bytes are missing from the source")
    else:
        try:
            if "patient_id" in row:
                # The bytes of documents and attachments are sealed
                # (api/records/documents/sealed_files.py): the clear bytes are checked first,
                # then the sealed ones copied as they are.
                await _check_sealed(source, row["patient_id"], key, row["size_bytes"],
                                    row["sha256"])
                await target.put_under(key, source.open(key))
            else:
                await target.put_under(key, _verified(source.open(key), row["size_bytes"],
                                                      row["sha256"]))
        except DamagedCopy as damage:
            summary.problems.append(
                f"{word} {row['id']}: not copied, the source does not match ({damage})")
        else:
            summary.copied += 1


async def move_documents(source: Storage, target: Storage,
                         progress: Callable[[int, int, MoveSummary], None] | None = None,
                         holders: Sequence[Holder] = (DOCUMENTS,)) -> MoveSummary:
    """Copy the bytes of every holder's rows from `source` to `target`, in order of id."""
    total = sum([await model.all().count() for _, model in holders])
    summary = MoveSummary()
    for word, model in holders:
        last_id = 0
        while True:
            columns = ["id", "storage_key", "size_bytes", "sha256"]
            if issubclass(model, SealedModel):
                columns.append("patient_id")
            rows = await (model.filter(id__gt=last_id).order_by("id").limit(BATCH_SIZE)
                          .values(*columns))
            if not rows:
                break
            for row in rows:
                await _copy_one(word, row, source, target, summary)
                summary.documents += 1
                if progress and summary.documents % PROGRESS_EVERY == 0:
                    progress(summary.documents, total, summary)
            last_id = rows[-1]["id"]
    return summary


def _progress(done: int, total: int, summary: MoveSummary) -> None:
    print(f"... {done}/{total} stored files ({summary.copied} copied, {summary.already_there} "
          f"already there, {len(summary.problems)} not copied)", file=sys.stderr, flush=True)


async def run_move(settings: Settings, to: str, *, show_progress: bool,
                   holders: Sequence[Holder] = (DOCUMENTS,)) -> int:
    """The move itself, once the database is open; returns the exit status."""
    (origin,) = (kind for kind in DOCUMENT_STORAGES if kind != to)
    started = time.monotonic()
    summary = await move_documents(storage_named(origin, settings), storage_named(to, settings),
                                   _progress if show_progress else None, holders)
    for problem in summary.problems:
        print(problem, file=sys.stderr)
    print(f"From {origin} to {to}: " + summary.line(time.monotonic() - started))
    if settings.document_storage != to:
        print(f"The app still uses the {settings.document_storage} storage: set "
              f"CARNET_DOCUMENT_STORAGE={to}, then run this command once more.")
    return 1 if summary.problems else 0


RunWithDatabase = Callable[[Any, Callable[[], Awaitable[int]]], int]


def add_document_commands(sub: Any, run_with_database: RunWithDatabase,
                          holders: Sequence[Holder] = (DOCUMENTS,)) -> None:
    """Add `documents move-storage --to KIND`; ``run_with_database(settings, work)``;
    ``holders``: every kind of row whose bytes are in the storage."""
    documents = sub.add_parser("documents", help="the bytes of the documents")
    documents_sub = documents.add_subparsers(dest="documents_command", required=True)
    move = documents_sub.add_parser(
        "move-storage", help="copy the documents' bytes into the database or the local files",
        description=MOVE_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    move.add_argument("--to", required=True, choices=DOCUMENT_STORAGES,
                      help="the storage to copy into")
    move.add_argument("--progress", action="store_true",
                      help=f"report progress every {PROGRESS_EVERY} documents even when "
                      "stderr is not a terminal")

    def run(args: argparse.Namespace, settings: Settings) -> int:
        show = bool(args.progress or sys.stderr.isatty())
        return run_with_database(
            settings, lambda: run_move(settings, args.to, show_progress=show, holders=holders))

    move.set_defaults(run=run)
