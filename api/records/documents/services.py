"""Adding, changing and removing documents: the one path behind GraphQL and the plain form.

Callers have asked the consent policy first; these functions check the details and
the bytes, and make sure a failure leaves nothing behind (no stray file, no row).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import PurePosixPath

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from api import clock
from api.consent.policy import document_visibility
from api.consent.sections import Section
from api.interop.terminology import PATIENT_DOCUMENT_CODE, Concept, document_type
from api.records.documents.content import check_stream, clean_filename
from api.records.documents.loaders import item_facts
from api.records.documents.messages import (
    TITLE_MAX,
    DocumentProblem,
    DocumentProblems,
    upload_problem,
)
from api.records.documents.models import Document
from api.records.documents.sealed_files import put_sealed
from api.records.documents.storage import Storage
from api.records.documents.visibility import visibility_condition
from api.records.provenance import stamp_created, stamp_updated
from api.sync.idempotency import Claim, store_key
from api.sync.journal import record_change
from api.sync.models import ChangeKind
from api.sync.sources import FeedSource, register_feed_source

log = logging.getLogger(__name__)
# Opens the transaction a write runs in: a plain one, or one that also writes the access event.
Transaction = Callable[[], AbstractAsyncContextManager[BaseDBAsyncClient]]



# The change feed admits the documents the viewer's document lists show.
register_feed_source(FeedSource(
    Section.DOCUMENTS, Document,
    lambda viewer, rights: visibility_condition(document_visibility(viewer, rights))))


async def _journal(connection: BaseDBAsyncClient | None, document: Document,
                   kind: ChangeKind) -> None:
    await record_change(connection, patient_id=document.patient_id, section=Section.DOCUMENTS,
                        item_id=document.id, kind=kind, facts=item_facts(document))


def _problem(code: str, field: str) -> DocumentProblem:
    return upload_problem(code, field)


@dataclass(frozen=True)
class DocumentDetails:
    """What the person typed about a document; None means "not given"."""

    title: str | None = None
    type_code: str | None = None
    document_date: date | None = None


def latest_date_on_earth() -> date:
    # A date is "in the future" only if it has not begun anywhere yet (UTC+14), so a
    # document dated today is accepted in every French territory, overseas included.
    return (clock.now() + timedelta(hours=14)).date()


def _check(details: DocumentDetails) -> tuple[Concept | None, list[DocumentProblem]]:
    problems: list[DocumentProblem] = []
    concept = None
    if details.type_code is not None:
        concept = document_type(details.type_code)
        if concept is None:
            problems.append(_problem("UNKNOWN_DOCUMENT_TYPE", "typeCode"))
    if details.document_date is not None and details.document_date > latest_date_on_earth():
        problems.append(_problem("DATE_IN_FUTURE", "documentDate"))
    if details.title is not None:
        title = " ".join(details.title.split())
        if not title:
            problems.append(_problem("TITLE_REQUIRED", "title"))
        elif len(title) > TITLE_MAX:
            problems.append(_problem("TITLE_TOO_LONG", "title"))
    return concept, problems


def check_details(details: DocumentDetails) -> list[DocumentProblem]:
    """The problems with these details (empty when they can be used)."""
    return _check(details)[1]


async def add_document(
    storage: Storage,
    *,
    patient_id: int,
    author_account_id: int,
    content: AsyncIterator[bytes],
    filename: str | None,
    details: DocumentDetails,
    language: str = "fr",
    transaction: Transaction = in_transaction,
    claim: Claim | None = None,
    held_back_until: datetime | None = None,
    marks: dict[str, object] | None = None,
) -> Document:
    """Check, store and record a new document; raise DocumentProblems and keep nothing.

    ``held_back_until``: a professional's deposit the patient sees only from then on.
    ``marks``: api.records.provenance.import_marks for a document brought in from a FHIR file.

    The row is written in ``transaction()`` (the caller's, to write the access event with it),
    with the idempotency key of ``claim`` if any (KeyTaken when it is already stored).
    """
    if details.title is not None and not details.title.strip():
        details = DocumentDetails(None, details.type_code, details.document_date)
    concept, problems = _check(details)
    if problems:
        raise DocumentProblems(problems)
    concept = concept or document_type(PATIENT_DOCUMENT_CODE)
    assert concept is not None  # the patient document type always exists
    shown_name = clean_filename(filename)
    title = " ".join((details.title or "").split()) or PurePosixPath(shown_name).stem
    try:
        checked, stream = await check_stream(content)
        key = await put_sealed(storage, patient_id, stream)
    except DocumentProblem as problem:
        raise DocumentProblems([problem]) from None
    try:
        async with transaction() as connection:
            document = await Document.create(using_db=connection, **stamp_created({
                "patient_id": patient_id,
                "title": (title or concept.label(language))[:TITLE_MAX],
                "type_code": concept.code,
                "category": concept.category,
                "content_type": checked.content_type,
                "size_bytes": checked.size_bytes,
                "sha256": checked.sha256,
                "storage_key": key,
                "original_filename": shown_name,
                "document_date": details.document_date or clock.now().date(),
                "held_back_until": held_back_until,
                **(marks or {}),
            }, author_account_id))
            await store_key(claim, connection, "Document", document.id)
            await _journal(connection, document, ChangeKind.CREATED)
    except BaseException:
        # The row is not there: the file must not stay either (even if we are cancelled).
        await asyncio.shield(storage.delete(key))
        raise
    return document


async def update_document(
    document: Document, details: DocumentDetails, account_id: int,
    connection: BaseDBAsyncClient | None = None,
) -> Document:
    """Rename, retype or re-date a document; raise DocumentProblems and change nothing."""
    concept, problems = _check(details)
    if problems:
        raise DocumentProblems(problems)
    changed: list[str] = []
    if details.title is not None:
        document.title = " ".join(details.title.split())
        changed.append("title")
    if concept is not None:
        document.type_code = concept.code
        document.category = concept.category
        changed += ["type_code", "category"]
    if details.document_date is not None:
        document.document_date = details.document_date
        changed.append("document_date")
    if changed:
        changed += stamp_updated(document, account_id)
        await document.save(update_fields=changed, using_db=connection)
        await _journal(connection, document, ChangeKind.UPDATED)
    return document


async def remove_document(storage: Storage, document: Document,
                          transaction: Transaction = in_transaction) -> None:
    """Delete the row, then the file; a file that cannot be deleted is logged, not shown.

    The file goes only once the row's deletion is committed: a rollback keeps both.
    """
    key = document.storage_key
    async with transaction() as connection:
        await document.delete(using_db=connection)
        await _journal(connection, document, ChangeKind.DELETED)
    try:
        await storage.delete(key)
    except Exception:  # the record no longer points to it; an operator can sweep it
        log.warning("could not delete the file of removed document %s", document.id,
                    exc_info=True)
