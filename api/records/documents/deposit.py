"""Deposit without reading: a professional adds a document for a patient they found by INS
and birth date (the opaque handle of the lookup), by INS and identity traits (practice
software), or from a record they follow (``api.records.documents.deposit_patient``).

The deposit reads nothing: the answer says only that it was done (not even the new
document, which the depositor may not read unless a relation lets them). The policy
decides on ``Action.DEPOSIT``; the document, its access event and the patient's notice
(the parents' too, for a minor) commit together. A document held back until the
professional has seen the patient is announced when it shows (``api.records.documents.deposits``),
not before: the patient must not learn of it from a notice. With an idempotency key, a
retry deposits nothing more and answers as the first one did.
"""

# strawberry's decorators are untyped for mypy.
# mypy: disable-error-code="untyped-decorator"

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, datetime
from typing import Any

import strawberry
from starlette.datastructures import UploadFile
from strawberry.file_uploads import Upload
from tortoise.backends.base.client import BaseDBAsyncClient

from api import clock
from api.audit.log import audited_transaction, discard_writes
from api.consent.models import Notification, NotificationKind
from api.consent.notifications import (
    notifications_for,
    patient_recipients,
)
from api.consent.permissions import authorize
from api.consent.policy import default_held_back_until
from api.consent.sections import Action, Section
from api.graphql.common import UserError
from api.graphql.context import Info
from api.identity.models import Patient, Professional
from api.records.documents.content import chunks_of, file_problem
from api.records.documents.deposit_patient import (
    PatientReference,
    PatientTraitsInput,
    deposit_patient,
)
from api.records.documents.messages import DocumentProblems
from api.records.documents.models import Document
from api.records.documents.services import DocumentDetails, Transaction, add_document
from api.records.documents.storage import storage_for
from api.sync.idempotency import Claim, claim_for, once


@strawberry.input(description="A document deposited for a patient; name the patient with "
                              "exactly one of `patientHandle`, `patientTraits`, `patientId`. "
                              "Send it as a GraphQL multipart request.")
class DepositDocumentInput:
    file: Upload = strawberry.field(description="A PDF, JPEG or PNG of at most 20 MB.")
    patient_handle: strawberry.ID | None = strawberry.field(
        default=None, description="The `handle` that `findPatient` gave the viewer "
                                  "(valid one hour).")
    patient_traits: PatientTraitsInput | None = strawberry.field(
        default=None, description="The INS and identity traits (from practice software); a "
                                  "mismatch is the user error IDENTITY_MISMATCH, counted as a "
                                  "missed lookup.")
    patient_id: strawberry.ID | None = strawberry.field(
        default=None, description="A record the viewer has a relation to (grant, treating "
                                  "doctor, emergency access).")
    title: str | None = None
    type_code: str | None = strawberry.field(default=None, description="A LOINC document code.")
    document_date: date | None = None
    hold_back: bool = strawberry.field(
        default=False, description="Hold the document back from the patient until the "
                                   "depositor releases it (`releaseHeldBackDocument`) after "
                                   "seeing them; the patient is told after 2 weeks and sees it "
                                   "after a month at the latest.")


@strawberry.type
class DepositDocumentPayload:
    deposited: bool
    held_back_until: datetime | None = strawberry.field(
        default=None, description="When the patient will see it at the latest, if held back.")
    user_errors: list[UserError] = strawberry.field(default_factory=list)


def _noticed(info: Info, patient: Patient, professional: Professional,
             recipients: list[int]) -> Transaction:
    """The caller's audited transaction, which also tells the patient before it commits."""

    @asynccontextmanager
    async def transaction() -> AsyncIterator[BaseDBAsyncClient]:
        async with audited_transaction(info.context) as connection:
            yield connection
            payload = {"patient": patient.display_name,
                       "professional": professional.display_name,
                       "profession": professional.profession}
            rows = notifications_for(recipients, patient, NotificationKind.DOCUMENT_DEPOSITED,
                                     payload, clock.now())
            if rows:
                await Notification.bulk_create(rows, using_db=connection)

    return transaction


def _refused(info: Info, user_errors: list[UserError]) -> DepositDocumentPayload:
    discard_writes(info.context)
    return DepositDocumentPayload(deposited=False, user_errors=user_errors)


async def _claim(info: Info, key: str | None, patient: Patient, data: DepositDocumentInput,
                 upload: UploadFile) -> Claim | None:
    """The idempotency claim: the patient found (however named) and what was sent."""
    if key is None:
        return None
    digest = hashlib.sha256()
    async for chunk in chunks_of(upload):
        digest.update(chunk)
    await upload.seek(0)
    values: dict[str, Any] = {
        "patient_id": patient.id, "file": digest.hexdigest(), "filename": upload.filename,
        "title": data.title, "type_code": data.type_code, "document_date": data.document_date,
        "hold_back": data.hold_back}
    return claim_for(info, key, "depositDocument", values)


async def deposit_document(info: Info, data: DepositDocumentInput,
                           idempotency_key: str | None = None) -> DepositDocumentPayload:
    viewer = info.context.require_viewer()
    language = info.context.language
    if idempotency_key is not None:
        claim_for(info, idempotency_key, "depositDocument", {})  # a malformed key: refused first
    patient, problems = await deposit_patient(info, PatientReference(
        data.patient_handle, data.patient_traits, data.patient_id))
    if patient is None:
        return _refused(info, problems)
    await authorize(info, patient, Section.DOCUMENTS, Action.DEPOSIT)
    upload: object = data.file
    if not isinstance(upload, UploadFile):
        return _refused(info, [file_problem("FILE_MISSING").user_error(language)])
    file = upload
    claim = await _claim(info, idempotency_key, patient, data, file)
    professional = await Professional.get(account_id=viewer.account_id)
    now = clock.now()
    held_back_until = default_held_back_until(now) if data.hold_back else None
    # A held-back document is announced when it shows, not now.
    recipients = [] if data.hold_back else (await patient_recipients([patient], now))[patient.id]

    async def write(claim: Claim | None) -> DepositDocumentPayload:
        await file.seek(0)  # a second attempt reads the file again
        try:
            await add_document(
                storage_for(info.context.settings), patient_id=patient.id,
                author_account_id=viewer.account_id, content=chunks_of(file),
                filename=file.filename,
                details=DocumentDetails(data.title, data.type_code, data.document_date),
                language=language, transaction=_noticed(info, patient, professional, recipients),
                claim=claim, held_back_until=held_back_until,
            )
        except DocumentProblems as problems:
            return _refused(info, problems.user_errors(language))
        return DepositDocumentPayload(deposited=True, held_back_until=held_back_until)

    async def replay(document_id: int) -> DepositDocumentPayload:
        # The first deposit's answer; the depositor still reads nothing of the document.
        discard_writes(info.context)  # this request wrote nothing
        document = await Document.get_or_none(id=document_id)
        held = document.held_back_until if document is not None else None
        return DepositDocumentPayload(deposited=True, held_back_until=held)

    return await once(info.context, claim, write, replay)
